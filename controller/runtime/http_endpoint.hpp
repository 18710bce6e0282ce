#pragma once
// A small HTTP/1.1 server (Boost.Beast) for /healthz, /readyz and /metrics. Handlers run on the server's own
// thread and must be quick. Binding "host:port" with port 0 picks a free port (see bound_port()).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace zpo::runtime {

struct HttpReply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body{};
};

using HttpHandler = std::function<HttpReply()>;

class HttpEndpointServer {
 public:
  // `bind_address` is "host:port" or ":port" (all interfaces). Throws std::runtime_error when it cannot bind.
  HttpEndpointServer(const std::string& bind_address, std::map<std::string, HttpHandler> handlers);
  ~HttpEndpointServer();  // stops
  std::uint16_t bound_port() const;
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zpo::runtime
