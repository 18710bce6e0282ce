#include "kube/http_connection.hpp"

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <cerrno>
#include <limits>

#include "kube/deadline_watch.hpp"

namespace zpo::kube {

namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;

namespace {

// A list of thousands of ZenlayerPorts is a few megabytes; Beast's default limit (8 MiB) is too close.
constexpr std::uint64_t kMaxReplyBody = 512ull * 1024 * 1024;

// Room for what one read takes from the socket. Beast reads as much as the buffer has room for, and its
// buffer starts at 512 bytes and stays there while the parser drains it: a 2 KB object reply took five
// system calls and a busy watch one read per 512 bytes. With this room, a reply or a burst of watch events
// arrives in one read.
constexpr std::size_t kReadRoom = 16 * 1024;

std::string timed_out(std::chrono::milliseconds timeout) {
  return "timed out after " + std::to_string(timeout.count()) + " ms";
}

std::string describe_error(const error_code& ec, std::chrono::milliseconds timeout) {
  if (ec == beast::error::timeout) return timed_out(timeout);
  return ec.message();
}

}  // namespace

template <class Operation>
error_code HttpConnection::run(Operation&& start, std::size_t& transferred) {
  error_code result = asio::error::would_block;
  transferred = 0;
  start([&result, &transferred](error_code ec, std::size_t n) {
    result = ec;
    transferred = n;
  });
  io_.restart();
  io_.run();
  return result;
}

template <class Use>
void HttpConnection::with_stream(Use&& use) {
  if (tls_) {
    use(*tls_);
  } else {
    use(*plain_);
  }
}

beast::tcp_stream& HttpConnection::tcp() {
  return tls_ ? tls_->next_layer() : *plain_;
}

HttpConnection::HttpConnection(const ServerUrl& url, const TlsSettings& tls,
                               std::chrono::milliseconds connect_timeout) {
  buffer_.reserve(kReadRoom);
  const std::string where = url.host_header;
  std::size_t ignored = 0;

  // The resolver has no stream timeout: bound it by running the io_context no longer than the connect
  // timeout.
  asio::ip::tcp::resolver resolver(io_);
  asio::ip::tcp::resolver::results_type endpoints;
  error_code ec = asio::error::would_block;
  resolver.async_resolve(url.host, url.port, [&](error_code e, asio::ip::tcp::resolver::results_type r) {
    ec = e;
    endpoints = std::move(r);
  });
  io_.run_for(connect_timeout);
  if (ec == asio::error::would_block) {
    resolver.cancel();
    io_.restart();
    io_.run();
    throw TransportError("cannot resolve " + url.host + ": timed out");
  }
  if (ec) throw TransportError("cannot resolve " + url.host + ": " + ec.message());

  if (tls.context != nullptr) {
    tls_.emplace(io_, *tls.context);
  } else {
    plain_.emplace(io_);
  }
  tcp().expires_after(connect_timeout);
  ec = run(
      [&](auto done) {
        tcp().async_connect(endpoints, [done](error_code e, const asio::ip::tcp::endpoint&) { done(e, 0); });
      },
      ignored);
  if (ec) throw TransportError("cannot connect to " + where + ": " + describe_error(ec, connect_timeout));
  tcp().socket().set_option(asio::ip::tcp::no_delay(true), ec);

  if (tls_) {
    // SNI names a host, never an address (RFC 6066).
    if (!is_ip_literal(tls.server_name))
      SSL_set_tlsext_host_name(tls_->native_handle(), tls.server_name.c_str());
    if (tls.verify) tls_->set_verify_callback(asio::ssl::host_name_verification(tls.server_name));
    tcp().expires_after(connect_timeout);
    ec = run(
        [&](auto done) {
          tls_->async_handshake(asio::ssl::stream_base::client, [done](error_code e) { done(e, 0); });
        },
        ignored);
    if (ec)
      throw TransportError("TLS handshake with " + where + " failed: " + describe_error(ec, connect_timeout));
  }
}

HttpConnection::~HttpConnection() = default;

HttpResponse HttpConnection::exchange(HttpRequest& request, std::chrono::milliseconds timeout) {
  reusable_ = false;
  // Blocking reads and writes, with the deadline enforced by shutting the socket down (DeadlineWatch says
  // why). A connection that timed out is not reusable.
  error_code ec;
  // A blocking socket: a read waits in the kernel instead of failing with EAGAIN and polling before reading
  // again (three system calls per read). Asio makes the socket non-blocking again for an asynchronous
  // operation, and this undoes it once per connection.
  if (tcp().socket().native_non_blocking()) {
    tcp().socket().native_non_blocking(false, ec);
    ec = {};
  }
  auto& watch = DeadlineWatch::instance();
  const auto ticket = watch.arm(tcp().socket().native_handle(), DeadlineWatch::Clock::now() + timeout);
  std::size_t written = 0;
  with_stream([&](auto& s) { written = http::write(s, request, ec); });
  if (ec) {
    const bool expired = watch.disarm(ticket);
    throw ExchangeFailure(expired ? timed_out(timeout) : ec.message(), written > 0, false);
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxReplyBody);
  std::size_t read = 0;
  with_stream([&](auto& s) { read = http::read(s, buffer_, parser, ec); });
  const bool expired = watch.disarm(ticket);
  if (ec || expired) {
    throw ExchangeFailure(expired ? timed_out(timeout) : ec.message(), true, read > 0 || parser.got_some());
  }
  reusable_ = parser.get().keep_alive() && buffer_.size() == 0;
  return parser.release();
}

void HttpConnection::send(HttpRequest& request, std::chrono::milliseconds timeout) {
  reusable_ = false;
  tcp().expires_after(timeout);
  std::size_t written = 0;
  const error_code ec =
      run([&](auto done) { with_stream([&](auto& s) { http::async_write(s, request, done); }); }, written);
  if (ec) throw ExchangeFailure(describe_error(ec, timeout), written > 0, false);
}

unsigned HttpConnection::read_stream_header(std::chrono::milliseconds timeout) {
  stream_parser_.emplace();
  // A watch streams for as long as the server keeps it open. Not boost::none: Boost 1.74 then refuses every
  // reply with a Content-Length (it compares the length with an empty optional).
  stream_parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  tcp().expires_after(timeout);
  std::size_t read = 0;
  const error_code ec = run(
      [&](auto done) {
        with_stream([&](auto& s) { http::async_read_header(s, buffer_, *stream_parser_, done); });
      },
      read);
  if (ec) throw ExchangeFailure(describe_error(ec, timeout), true, read > 0);
  return stream_parser_->get().result_int();
}

HttpConnection::BodyRead HttpConnection::read_stream_body(std::string& out,
                                                          std::chrono::milliseconds idle_timeout) {
  if (stream_parser_->is_done()) return BodyRead::End;
  char chunk[16 * 1024];
  auto& body = stream_parser_->get().body();
  body.data = chunk;
  body.size = sizeof chunk;
  tcp().expires_after(idle_timeout);
  std::size_t read = 0;
  error_code ec = run(
      [&](auto done) {
        with_stream([&](auto& s) { http::async_read_some(s, buffer_, *stream_parser_, done); });
      },
      read);
  const std::size_t received = sizeof chunk - body.size;
  out.append(chunk, received);
  if (ec == http::error::need_buffer) ec = {};
  if (!ec) return received > 0 || !stream_parser_->is_done() ? BodyRead::Data : BodyRead::End;
  if (ec == asio::error::operation_aborted) return BodyRead::Cancelled;
  if (ec == beast::error::timeout) {
    throw TransportError("no data for " + std::to_string(idle_timeout.count()) + " ms");
  }
  // The server ending the connection instead of the chunked body is still the end of the stream.
  if (ec == http::error::end_of_stream || ec == http::error::partial_message || ec == asio::error::eof ||
      ec == asio::ssl::error::stream_truncated) {
    return BodyRead::End;
  }
  throw TransportError(ec.message());
}

void HttpConnection::cancel() {
  asio::post(io_, [this] {
    error_code ignored;
    tcp().socket().cancel(ignored);
  });
}

bool HttpConnection::looks_open() {
  if (buffer_.size() != 0) return false;
  auto& socket = tcp().socket();
  if (!socket.is_open()) return false;
  // Anything readable on an idle connection is the server's close (EOF, a TLS close_notify) or garbage.
  char byte = 0;
  const auto n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace zpo::kube
