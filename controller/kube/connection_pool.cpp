#include "kube/connection_pool.hpp"

namespace zpo::kube {

ConnectionPool::ConnectionPool(ServerUrl url, TlsSettings tls, std::chrono::milliseconds connect_timeout,
                               std::size_t max_idle)
    : url_(std::move(url)), tls_(std::move(tls)), connect_timeout_(connect_timeout), max_idle_(max_idle) {}

ConnectionPool::Lease ConnectionPool::acquire(std::chrono::steady_clock::duration max_idle_age) {
  const auto now = std::chrono::steady_clock::now();
  std::deque<Idle> discarded;  // closed outside the lock
  Lease lease;
  {
    std::lock_guard lock(mutex_);
    while (!idle_.empty()) {
      Idle candidate = std::move(idle_.back());
      idle_.pop_back();
      if (now - candidate.since <= max_idle_age && candidate.connection->looks_open()) {
        lease.connection = std::move(candidate.connection);
        lease.reused = true;
        break;
      }
      // Too old for this request or closed by the server. An old one may still serve a later read, but an
      // open connection older than a write accepts is rare and cheap to replace.
      discarded.push_back(std::move(candidate));
    }
  }
  if (!lease.connection) lease.connection = connect();
  return lease;
}

std::unique_ptr<HttpConnection> ConnectionPool::connect() {
  return std::make_unique<HttpConnection>(url_, tls_, connect_timeout_);
}

void ConnectionPool::release(std::unique_ptr<HttpConnection> connection) {
  if (!connection->reusable()) return;
  std::lock_guard lock(mutex_);
  if (idle_.size() >= max_idle_) return;
  idle_.push_back({std::move(connection), std::chrono::steady_clock::now()});
}

}  // namespace zpo::kube
