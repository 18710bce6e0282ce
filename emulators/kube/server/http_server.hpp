#pragma once
// The emulator's HTTP/1.1 (optionally HTTPS) front: one thread per connection, keep-alive, chunked watch
// streams. A blocked watch holds only its own thread; while idle it peeks at its socket so that a client
// hanging up ends the Watch in the store at once rather than at the next event.

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "admin_api.hpp"
#include "api_handler.hpp"
#include "bearer_tokens.hpp"
#include "faults.hpp"
#include "request_stats.hpp"
#include "store.hpp"
#include "tls_certificates.hpp"
#include "watch_registry.hpp"

namespace kubeemu {

struct ServerConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: any free port
  std::optional<TlsMaterial> tls;
  bool log_requests = false;  // one line per request on stderr (never a header, so never the token)
  std::chrono::milliseconds bookmark_interval{60000};
};

class HttpServer {
 public:
  // Binds and listens at once, so port() and url() are valid before run().
  HttpServer(ServerConfig config, Store& store, Faults& faults, BearerTokens& tokens);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const { return port_; }
  std::string url() const;  // http://127.0.0.1:PORT or https://...
  WatchRegistry& watches() { return watches_; }

  // Accepts connections until stop(); then waits for every connection thread to finish.
  void run();
  // From any thread: stops accepting, ends every watch and request, unblocks paused requests.
  void stop();

 private:
  struct Connection;
  template <typename Stream>
  void serve(Stream& stream, int fd);
  template <typename Stream>
  bool stream_watch(Stream& stream, int fd, unsigned http_version, bool keep_alive, WatchPlan plan);
  ApiOutcome answer(const std::string& method, const std::string& target, const std::string& authorization,
                    const ApiRequest& request);
  void log(const std::string& method, const std::string& target, int status,
           std::chrono::steady_clock::time_point start) const;
  // Shuts down every open connection and joins its thread (run() does it once it stops accepting).
  void shut_down_connections();

  ServerConfig config_;
  Store& store_;
  Faults& faults_;
  BearerTokens& tokens_;
  RequestStats stats_;
  WatchRegistry watches_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::unique_ptr<boost::asio::ssl::context> tls_context_;
  uint16_t port_ = 0;
  std::unique_ptr<ApiHandler> api_;
  std::unique_ptr<AdminApi> admin_;
  std::atomic<bool> stopping_{false};
  std::mutex connections_mutex_;
  std::list<std::shared_ptr<Connection>> connections_;
};

// "127.0.0.1:8080", "[::1]:0", ":0" (an empty host means 127.0.0.1). Throws std::invalid_argument.
std::pair<std::string, uint16_t> parse_listen_address(const std::string& listen);

}  // namespace kubeemu
