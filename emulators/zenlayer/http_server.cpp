#include "http_server.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <iostream>
#include <memory>

namespace zenemu {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

constexpr auto kIdleTimeout = std::chrono::seconds(120);
constexpr std::uint64_t kMaxBody = 8 * 1024 * 1024;

HttpRequest to_exchange(const http::request<http::string_body>& req) {
  HttpRequest out;
  out.method = std::string(req.method_string());
  out.target = std::string(req.target());
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (auto& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto [it, inserted] = out.headers.emplace(name, std::string(field.value()));
    if (!inserted) it->second += "," + std::string(field.value());
  }
  out.body = req.body();
  return out;
}

// One connection; Stream is beast::tcp_stream (HTTP) or beast::ssl_stream<beast::tcp_stream> (HTTPS).
template <typename Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(tcp::socket socket, Emulator& emulator) requires std::is_same_v<Stream, beast::tcp_stream>
      : stream_(std::move(socket)), timer_(stream_.get_executor()), emulator_(emulator) {}
  Session(tcp::socket socket, boost::asio::ssl::context& tls,
          Emulator& emulator) requires(!std::is_same_v<Stream, beast::tcp_stream>)
      : stream_(std::move(socket), tls), timer_(stream_.get_executor()), emulator_(emulator) {}

  void start() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      read();
    } else {
      beast::get_lowest_layer(stream_).expires_after(kIdleTimeout);
      stream_.async_handshake(boost::asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->close();  // a client that does not trust us, or not TLS
                                self->read();
                              });
    }
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(kMaxBody);
    beast::get_lowest_layer(stream_).expires_after(kIdleTimeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) return close();  // the peer closed, timed out or sent garbage: nothing to answer
    auto request = parser_->release();
    keep_alive_ = request.keep_alive();
    HttpReply reply = emulator_.handle(to_exchange(request));
    if (reply.delay.count() > 0) {
      timer_.expires_after(reply.delay);
      timer_.async_wait([self = this->shared_from_this(), reply = std::move(reply)](
                            beast::error_code) mutable { self->respond(std::move(reply)); });
      return;
    }
    respond(std::move(reply));
  }

  void respond(HttpReply reply) {
    if (reply.drop) return close();
    response_ = {};
    response_.version(11);
    response_.result(static_cast<unsigned>(reply.status));
    response_.set(http::field::server, "zenlayer-emulator");
    for (const auto& [name, value] : reply.headers)
      response_.set(name, value);
    response_.body() = std::move(reply.body);
    response_.keep_alive(keep_alive_);
    response_.prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(kIdleTimeout);
    http::async_write(stream_, response_,
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec || !self->keep_alive_) return self->close();
                        self->read();
                      });
  }

  void close() {
    beast::error_code ignored;
    auto& socket = beast::get_lowest_layer(stream_).socket();
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  Stream stream_;
  boost::asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  bool keep_alive_ = true;
  Emulator& emulator_;
};

}  // namespace

HttpServer::HttpServer(boost::asio::io_context& ioc, const tcp::endpoint& endpoint, Emulator& emulator,
                       boost::asio::ssl::context* tls)
    : ioc_(ioc), acceptor_(ioc), retry_timer_(ioc), emulator_(emulator), tls_(tls) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(boost::asio::socket_base::max_listen_connections);
}

void HttpServer::start() {
  accept();
}

void HttpServer::accept() {
  // Each connection gets its own strand: its handlers never run concurrently, while connections run in
  // parallel.
  acceptor_.async_accept(boost::asio::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      if (tls_)
        std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(std::move(socket), *tls_, emulator_)
            ->start();
      else
        std::make_shared<Session<beast::tcp_stream>>(std::move(socket), emulator_)->start();
      return accept();
    }
    // Out of file descriptors or similar: retry shortly instead of spinning on the error.
    std::cerr << "zenlayer-emulator: accept: " << ec.message() << '\n';
    retry_timer_.expires_after(std::chrono::milliseconds(50));
    retry_timer_.async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec) accept();
    });
  });
}

}  // namespace zenemu
