#include "http_server.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <stdexcept>

#include "api_route.hpp"
#include "request_target.hpp"

namespace kubeemu {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kBodyLimit = 64 * 1024 * 1024;
constexpr auto kWatchPollInterval = std::chrono::milliseconds(200);

// True when the peer has hung up (or sent anything: a client never writes on a watch connection, and a TLS
// close_notify is how a TLS client hangs up).
bool peer_gone(int fd) {
  pollfd p{fd, POLLIN | POLLRDHUP, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  return (p.revents & (POLLIN | POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

std::string quoted_warning(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '"' || c == '\\') escaped.push_back('\\');
    escaped.push_back(c);
  }
  return "299 - \"" + escaped + "\"";
}

ApiResponse unauthorized() {
  return {401, "application/json", to_body(StatusError(401, "Unauthorized", "Unauthorized").to_status()), {}};
}

bool is_admin_path(const std::string& path) {
  return path == "/admin" || path.rfind("/admin/", 0) == 0;
}

}  // namespace

struct HttpServer::Connection {
  int fd = -1;
  std::thread thread;
  std::atomic<bool> finished{false};
};

std::pair<std::string, uint16_t> parse_listen_address(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("--listen must be HOST:PORT, got " + listen);
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "127.0.0.1";
  const std::string port_text = listen.substr(colon + 1);
  std::size_t used = 0;
  unsigned long port = 0;
  try {
    port = std::stoul(port_text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (port_text.empty() || used != port_text.size() || port > 65535) {
    throw std::invalid_argument("--listen has an invalid port: " + listen);
  }
  return {host, static_cast<uint16_t>(port)};
}

HttpServer::HttpServer(ServerConfig config, Store& store, Faults& faults, BearerTokens& tokens)
    : config_(std::move(config)), store_(store), faults_(faults), tokens_(tokens), acceptor_(io_) {
  const tcp::endpoint endpoint(net::ip::make_address(config_.host), config_.port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
  if (config_.tls) {
    tls_context_ = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
    tls_context_->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                              net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                              net::ssl::context::no_tlsv1_1);
    tls_context_->use_certificate_chain(net::buffer(config_.tls->cert_pem));
    tls_context_->use_private_key(net::buffer(config_.tls->key_pem), net::ssl::context::pem);
  }
  const std::string address = config_.host + ":" + std::to_string(port_);
  api_ = std::make_unique<ApiHandler>(store_, faults_, stats_, address);
  admin_ = std::make_unique<AdminApi>(store_, faults_, stats_, watches_);
}

HttpServer::~HttpServer() {
  stop();
  shut_down_connections();
}

std::string HttpServer::url() const {
  const bool v6 = config_.host.find(':') != std::string::npos;
  const std::string host = v6 ? "[" + config_.host + "]" : config_.host;
  return std::string(config_.tls ? "https://" : "http://") + host + ":" + std::to_string(port_);
}

void HttpServer::run() {
  while (!stopping_) {
    tcp::socket socket(io_);
    boost::system::error_code ec;
    acceptor_.accept(socket, ec);
    if (ec) continue;  // e.g. a connection reset before accept completed, or stop()
    socket.set_option(tcp::no_delay(true), ec);
    auto connection = std::make_shared<Connection>();
    connection->fd = socket.native_handle();
    std::lock_guard lock(connections_mutex_);
    if (stopping_) break;  // accepted just as stop() began: dropped
    connection->thread = std::thread([this, connection, s = std::move(socket)]() mutable {
      try {
        if (tls_context_) {
          net::ssl::stream<tcp::socket> stream(std::move(s), *tls_context_);
          boost::system::error_code handshake_error;
          stream.handshake(net::ssl::stream_base::server, handshake_error);
          if (!handshake_error) serve(stream, connection->fd);
        } else {
          serve(s, connection->fd);
        }
      } catch (const std::exception& e) {
        if (config_.log_requests) std::fprintf(stderr, "connection error: %s\n", e.what());
      }
      connection->finished = true;
    });
    connections_.push_back(connection);
    // Reaping here keeps the list as long as the number of open connections.
    for (auto it = connections_.begin(); it != connections_.end();) {
      if ((*it)->finished) {
        (*it)->thread.join();
        it = connections_.erase(it);
      } else {
        ++it;
      }
    }
  }
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  shut_down_connections();
}

void HttpServer::stop() {
  if (stopping_.exchange(true)) return;
  // shutdown() wakes the thread blocked in accept(); close() alone would not.
  ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
  watches_.end_all(WatchEnding::Shutdown);
  faults_.release_all();
  // Connections blocked in read are shut down by run() itself once it leaves its accept loop
  // (shut_down_connections()), so none registered in between can be missed.
}

void HttpServer::shut_down_connections() {
  std::list<std::shared_ptr<Connection>> done;
  {
    std::lock_guard lock(connections_mutex_);
    done.swap(connections_);
  }
  for (auto& c : done) {
    // shutdown() wakes a thread blocked in read on an idle keep-alive connection; close() alone would not.
    if (!c->finished) ::shutdown(c->fd, SHUT_RDWR);
    if (c->thread.joinable()) c->thread.join();
  }
}

void HttpServer::log(const std::string& method, const std::string& target, int status,
                     Clock::time_point start) const {
  if (!config_.log_requests) return;
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  // One fprintf per line so that concurrent connections do not interleave within a line.
  std::fprintf(stderr, "%s %s %d %.3fms\n", method.c_str(), target.c_str(), status, ms);
}

ApiOutcome HttpServer::answer(const std::string& method, const std::string& target,
                              const std::string& authorization, const ApiRequest& request) {
  const RequestTarget parsed = parse_request_target(target);
  if (is_admin_path(parsed.path)) {
    const std::string action = parsed.path.size() > 7 ? parsed.path.substr(7) : std::string{};
    return {admin_->handle(method, action, request.body), std::nullopt};
  }
  if (!tokens_.accepts(authorization)) return {unauthorized(), std::nullopt};
  faults_.wait_while_paused();
  if (stopping_)
    return {{503,
             "application/json",
             to_body(StatusError(503, "ServiceUnavailable", "the server is shutting down").to_status()),
             {}},
            std::nullopt};
  return api_->handle(request);
}

template <typename Stream>
void HttpServer::serve(Stream& stream, int fd) {
  boost::beast::flat_buffer buffer;
  // Beast reads as much as the buffer has room for, and an empty one has 512 bytes: a status patch took two
  // reads. Room for a whole request is one read.
  buffer.reserve(16 * 1024);
  while (!stopping_) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kBodyLimit);
    boost::system::error_code ec;
    http::read_header(stream, buffer, parser, ec);
    if (ec) return;
    if (parser.get()[http::field::expect] == "100-continue") {
      http::response<http::empty_body> proceed{http::status::continue_, parser.get().version()};
      http::write(stream, proceed, ec);
      if (ec) return;
    }
    http::read(stream, buffer, parser, ec);
    if (ec) return;
    const auto start = Clock::now();
    http::request<http::string_body> req = parser.release();
    const std::string method(req.method_string());
    const std::string target(req.target());
    ApiRequest request{method, target, std::string(req[http::field::accept]),
                       std::string(req[http::field::content_type]), std::move(req.body())};
    ApiOutcome outcome = answer(method, target, std::string(req[http::field::authorization]), request);

    if (outcome.watch) {
      const bool reusable =
          stream_watch(stream, fd, req.version(), req.keep_alive(), std::move(*outcome.watch));
      log(method, target, 200, start);
      if (!reusable || !req.keep_alive()) return;
      continue;
    }
    const ApiResponse& r = outcome.response;
    http::response<http::string_body> res{static_cast<http::status>(r.status), req.version()};
    res.set(http::field::content_type, r.content_type);
    res.set(http::field::cache_control, "no-cache, private");
    for (const auto& w : r.warnings)
      res.insert(http::field::warning, quoted_warning(w));
    res.keep_alive(req.keep_alive());
    res.body() = r.body;
    res.prepare_payload();
    http::write(stream, res, ec);
    log(method, target, r.status, start);
    if (ec || !req.keep_alive()) return;
  }
}

template <typename Stream>
bool HttpServer::stream_watch(Stream& stream, int fd, unsigned http_version, bool keep_alive,
                              WatchPlan plan) {
  http::response<http::empty_body> res{http::status::ok, http_version};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-cache, private");
  res.chunked(true);
  res.keep_alive(keep_alive);
  http::response_serializer<http::empty_body> serializer{res};
  boost::system::error_code ec;
  http::write_header(stream, serializer, ec);
  if (ec) {
    if (plan.watch) plan.watch->stop();
    return false;
  }
  const auto send = [&](const std::string& line) {
    net::write(stream, http::make_chunk(net::buffer(line)), ec);
    return !ec;
  };
  const auto expired_event = [&] {
    const std::string rv = std::to_string(store_.resource_version());
    const json status =
        StatusError::gone_expired("too old resource version: " + rv + " (" + rv + ")").to_status();
    return encode_watch_event({"ERROR", status}, plan, false);
  };

  bool connection_ok = true;
  if (plan.error_event) {
    connection_ok = send(encode_watch_event({"ERROR", *plan.error_event}, plan, false));
  } else {
    const auto open = watches_.add(*plan.watch);
    const auto started = Clock::now();
    std::optional<Clock::time_point> deadline;
    if (plan.timeout) deadline = started + *plan.timeout;
    if (const double close_after = faults_.settings().watch_close_after_s; close_after > 0) {
      const auto forced =
          started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(close_after));
      if (!deadline || forced < *deadline) deadline = forced;
    }
    bool columns_sent = false;
    auto last_sent = started;
    auto last_peer_check = started;
    while (connection_ok) {
      const std::optional<SharedWatchEvent> event = open->watch.take(kWatchPollInterval);
      const WatchEnding ending = open->ending;
      if (ending == WatchEnding::Expire) {
        connection_ok = send(expired_event());
        break;
      }
      if (ending != WatchEnding::None) break;
      if (event) {
        // The store offers a bookmark whenever a wait passes idle; only every bookmark_interval goes out.
        const bool bookmark = event->type == "BOOKMARK";
        if (!bookmark || (plan.bookmarks && Clock::now() - last_sent >= config_.bookmark_interval)) {
          const bool row = event->type == "ADDED" || event->type == "MODIFIED" || event->type == "DELETED";
          connection_ok = send(encode_watch_event(event->type, *event->object, plan, row && !columns_sent));
          columns_sent = columns_sent || row;
          last_sent = Clock::now();
          if (event->type == "ERROR") break;  // the store dropped this watcher (e.g. too slow)
        }
      } else if (open->watch.stopped()) {
        break;
      }
      if (deadline && Clock::now() >= *deadline) break;
      // A hang-up shows in the next write while events flow; the peek is for the quiet between them, and
      // once per poll interval otherwise (a poll per event was a system call per event and watcher).
      if (!event || Clock::now() - last_peer_check >= kWatchPollInterval) {
        last_peer_check = Clock::now();
        if (peer_gone(fd)) {
          connection_ok = false;
          break;
        }
      }
    }
    watches_.remove(open);
    open->watch.stop();
  }
  if (connection_ok) {
    net::write(stream, http::make_chunk_last(), ec);
    connection_ok = !ec;
  }
  return connection_ok && !stopping_;
}

}  // namespace kubeemu
