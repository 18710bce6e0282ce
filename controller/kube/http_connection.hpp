#pragma once
// One HTTP/1.1 connection to the API server, plain or TLS, used by one thread at a time. Its operations are
// blocking with deadlines. An exchange uses Beast's blocking reads and writes, with DeadlineWatch shutting
// the socket down at the deadline; connecting and the watch stream (which cancel() must interrupt) run
// Beast's asynchronous operations on the connection's own io_context, where Beast's stream timeouts apply.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "kube/rest_client.hpp"
#include "kube/server_url.hpp"

namespace zpo::kube {

namespace http = boost::beast::http;

using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

// A failed exchange, with what the retry rule needs to know: whether any byte of the request left and whether
// any byte of a reply came back.
class ExchangeFailure : public TransportError {
 public:
  ExchangeFailure(const std::string& what, bool request_sent, bool reply_started)
      : TransportError(what), request_sent_(request_sent), reply_started_(reply_started) {}
  bool request_sent() const { return request_sent_; }
  bool reply_started() const { return reply_started_; }

 private:
  bool request_sent_;
  bool reply_started_;
};

struct TlsSettings {
  boost::asio::ssl::context* context = nullptr;  // null for http://
  bool verify = true;
  std::string server_name{};  // SNI and the name verified in the certificate
};

class HttpConnection {
 public:
  // Resolves, connects and (for TLS) handshakes within `connect_timeout`. Throws TransportError.
  HttpConnection(const ServerUrl& url, const TlsSettings& tls, std::chrono::milliseconds connect_timeout);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Writes the request and reads the whole reply within `timeout`. Throws ExchangeFailure.
  HttpResponse exchange(HttpRequest& request, std::chrono::milliseconds timeout);

  // A streamed reply (a watch): send, then the header, then the body piece by piece.
  void send(HttpRequest& request, std::chrono::milliseconds timeout);
  // Reads the reply's header and returns its status; throws ExchangeFailure.
  unsigned read_stream_header(std::chrono::milliseconds timeout);
  enum class BodyRead { Data, End, Cancelled };
  // Appends what arrives of the body to `out`. End: the body is complete or the server closed the connection;
  // Cancelled: cancel() was called. Throws TransportError when nothing arrives within `idle_timeout`.
  BodyRead read_stream_body(std::string& out, std::chrono::milliseconds idle_timeout);

  // Thread-safe: aborts the operation in progress (or the next one started before the io_context runs again).
  void cancel();

  // A pooled connection is reused only when the server has not closed it meanwhile (nothing readable on it).
  bool looks_open();
  // The last exchange ended with a complete reply that allows reuse.
  bool reusable() const { return reusable_; }

 private:
  template <class Operation>
  boost::system::error_code run(Operation&& start, std::size_t& transferred);
  template <class Use>
  void with_stream(Use&& use);
  boost::beast::tcp_stream& tcp();

  boost::asio::io_context io_;
  std::optional<boost::beast::tcp_stream> plain_;
  std::optional<boost::asio::ssl::stream<boost::beast::tcp_stream>> tls_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::buffer_body>> stream_parser_;
  bool reusable_ = false;
};

}  // namespace zpo::kube
