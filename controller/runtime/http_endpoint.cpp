// The probe and metrics server: one thread runs an Asio io_context with an async accept loop and one small
// async session per connection (keep-alive honoured, 10 s idle limit), so a slow client never blocks a probe.

#include "runtime/http_endpoint.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <stdexcept>
#include <thread>

#include "runtime/log.hpp"

namespace zpo::runtime {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(10);

tcp::endpoint resolve_bind_address(asio::io_context& ioc, const std::string& bind_address) {
  auto colon = bind_address.rfind(':');
  if (colon == std::string::npos)
    throw std::runtime_error("bind address must be host:port or :port: " + bind_address);
  std::string host = bind_address.substr(0, colon);
  std::string port = bind_address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  boost::system::error_code ec;
  tcp::resolver resolver(ioc);
  auto results = resolver.resolve(host, port, tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty())
    throw std::runtime_error("cannot resolve bind address " + bind_address + ": " + ec.message());
  return results.begin()->endpoint();
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const std::map<std::string, HttpHandler>& handlers)
      : stream_(std::move(socket)), handlers_(handlers) {}

  void start() { read(); }

 private:
  void read() {
    request_ = {};
    stream_.expires_after(kIdleTimeout);
    http::async_read(stream_, buffer_, request_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) return close();
    HttpReply reply = answer();
    bool head = request_.method() == http::verb::head;
    auto response = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(reply.status), request_.version());
    response->set(http::field::content_type, reply.content_type);
    if (reply.status == 405) response->set(http::field::allow, "GET, HEAD");
    response->keep_alive(request_.keep_alive());
    response->content_length(reply.body.size());
    // HEAD: the same headers, including the length the body would have, and no body.
    if (!head) response->body() = std::move(reply.body);
    stream_.expires_after(kIdleTimeout);
    http::async_write(stream_, *response,
                      [self = shared_from_this(), response](beast::error_code write_ec, std::size_t) {
                        if (write_ec || !response->keep_alive()) return self->close();
                        self->read();
                      });
  }

  HttpReply answer() {
    auto method = request_.method();
    if (method != http::verb::get && method != http::verb::head)
      return {405, "text/plain; charset=utf-8", "method not allowed\n"};
    std::string target(request_.target());
    std::string path = target.substr(0, target.find('?'));
    auto it = handlers_.find(path);
    if (it == handlers_.end()) return {404, "text/plain; charset=utf-8", "404 page not found\n"};
    try {
      return it->second();
    } catch (const std::exception& e) {
      log_error("http handler failed", {field("path", path), field("error", e.what())});
      return {500, "text/plain; charset=utf-8", "internal error\n"};
    }
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  const std::map<std::string, HttpHandler>& handlers_;
};

}  // namespace

struct HttpEndpointServer::Impl {
  Impl(const std::string& bind_address, std::map<std::string, HttpHandler> h)
      : handlers(std::move(h)), acceptor(ioc) {
    auto endpoint = resolve_bind_address(ioc, bind_address);
    boost::system::error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw std::runtime_error("cannot listen on " + bind_address + ": " + ec.message());
    port = acceptor.local_endpoint().port();
    accept();
    thread = std::thread([this] { ioc.run(); });
  }

  void accept() {
    acceptor.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec) std::make_shared<Session>(std::move(socket), handlers)->start();
      accept();
    });
  }

  void stop() {
    if (stopped.exchange(true)) return;
    ioc.stop();  // abandons open sessions; they are destroyed with the io_context
    if (thread.joinable()) thread.join();
    // With the io thread gone the acceptor is ours: closing it now makes new connections fail at once
    // instead of queueing in the kernel's backlog.
    boost::system::error_code ignored;
    acceptor.close(ignored);
  }

  // Sessions refer to the handlers, so the handlers are declared (and destroyed) after the io_context goes.
  std::map<std::string, HttpHandler> handlers;
  asio::io_context ioc;
  tcp::acceptor acceptor;
  std::uint16_t port = 0;
  std::atomic<bool> stopped{false};
  std::thread thread;
};

HttpEndpointServer::HttpEndpointServer(const std::string& bind_address,
                                       std::map<std::string, HttpHandler> handlers)
    : impl_(std::make_unique<Impl>(bind_address, std::move(handlers))) {}

HttpEndpointServer::~HttpEndpointServer() {
  stop();
}

std::uint16_t HttpEndpointServer::bound_port() const {
  return impl_->port;
}

void HttpEndpointServer::stop() {
  impl_->stop();
}

}  // namespace zpo::runtime
