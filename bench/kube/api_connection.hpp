#pragma once
// One keep-alive HTTP/1.1 connection to the emulator, as a Kubernetes client holds one: the benchmark
// measures the server, not connection setup. Not thread-safe; each writer thread owns one.

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/verb.hpp>
#include <string>

namespace kubebench {

struct Endpoint {
  std::string host;
  unsigned short port = 0;
};

// "http://127.0.0.1:4321" -> {127.0.0.1, 4321}. Throws std::invalid_argument for anything else.
Endpoint parse_http_url(const std::string& url);

struct ApiResponse {
  unsigned status = 0;
  std::string body;
};

class ApiConnection {
 public:
  explicit ApiConnection(const Endpoint& endpoint);

  // Sends one request and reads the whole response. Throws boost::system::system_error on I/O errors.
  ApiResponse request(boost::beast::http::verb method, const std::string& target,
                      const std::string& body = "", const std::string& content_type = "application/json");

 private:
  Endpoint endpoint_;
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace kubebench
