#pragma once
// Keep-alive connections to one API server, shared by every thread of a RestClient: a request takes the most
// recently used idle connection that is young enough and still open, or connects a new one, and gives it back
// when the reply allows reuse. At most `max_idle` connections are kept.

#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>

#include "kube/http_connection.hpp"
#include "kube/server_url.hpp"

namespace zpo::kube {

class ConnectionPool {
 public:
  ConnectionPool(ServerUrl url, TlsSettings tls, std::chrono::milliseconds connect_timeout,
                 std::size_t max_idle);

  struct Lease {
    std::unique_ptr<HttpConnection> connection;
    bool reused = false;  // it came from the pool: the server may have closed it meanwhile
  };

  // An idle connection used no longer than `max_idle_age` ago, else a new one. Throws TransportError.
  Lease acquire(std::chrono::steady_clock::duration max_idle_age);
  // Always a new connection. Throws TransportError.
  std::unique_ptr<HttpConnection> connect();
  // Keeps the connection for reuse when its last reply allows it and the pool has room.
  void release(std::unique_ptr<HttpConnection> connection);

 private:
  struct Idle {
    std::unique_ptr<HttpConnection> connection;
    std::chrono::steady_clock::time_point since;
  };

  const ServerUrl url_;
  const TlsSettings tls_;
  const std::chrono::milliseconds connect_timeout_;
  const std::size_t max_idle_;
  std::mutex mutex_;
  std::deque<Idle> idle_;  // oldest first
};

}  // namespace zpo::kube
