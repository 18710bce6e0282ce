#pragma once
// One HTTP exchange, without any knowledge of signing, retries or JSON. Two implementations: the cpprestsdk
// one (cpprest_transport.hpp) and a scripted fake in the tests.

#include <map>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "zenlayer/endpoint.hpp"

namespace zenlayer {

struct HttpRequest {
  std::string path{};                                          // e.g. "/api/v2/sdn"; always POST
  std::vector<std::pair<std::string, std::string>> headers{};  // sent exactly as given (Host included)
  std::string body{};
  // Whether the transport may send the request again on its own. HTTP clients silently resend a request whose
  // pooled keep-alive connection turns out closed; for a mutation that can repeat a call the server carried
  // out before dropping the connection, so a non-idempotent request must travel on a connection of its own.
  bool idempotent = false;
};

struct CaseInsensitiveLess {
  bool operator()(const std::string& a, const std::string& b) const;
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string, CaseInsensitiveLess> headers{};
  std::string body{};

  // The header's value, or "" when absent.
  std::string header(const std::string& name) const;
};

// No HTTP reply: connection refused or reset, TLS failure, timeout, cancellation. The request may or may not
// have reached the server. The message never holds request headers (they carry the signature).
class TransportError : public std::runtime_error {
 public:
  TransportError(const std::string& what, bool cancelled) : std::runtime_error(what), cancelled_(cancelled) {}
  bool cancelled() const { return cancelled_; }

 private:
  bool cancelled_;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Where requests go; the client signs the Host header from it.
  virtual const Endpoint& endpoint() const = 0;
  // Sends one request and waits for the whole reply in the calling thread. Any HTTP status is a reply; throws
  // TransportError when there is none (also when `stop` is requested, with cancelled() true). Thread-safe.
  virtual HttpResponse send(const HttpRequest& request, const std::stop_token& stop) = 0;
};

}  // namespace zenlayer
