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
      Idle& newest = idle_.back();
      if (!newest.connection->looks_open()) {  // closed by the server: of no use to anyone
        discarded.push_back(std::move(newest));
        idle_.pop_back();
        continue;
      }
      // Too old for this request (a write accepts less idle time than a read): keep it, and every older one,
      // for a later read, and connect afresh.
      if (now - newest.since > max_idle_age) break;
      lease.connection = std::move(newest.connection);
      lease.reused = true;
      idle_.pop_back();
      break;
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
  std::unique_ptr<HttpConnection> evicted;  // closed outside the lock
  std::lock_guard lock(mutex_);
  if (idle_.size() >= max_idle_) {  // the oldest idle connection makes room for the freshest
    evicted = std::move(idle_.front().connection);
    idle_.pop_front();
  }
  idle_.push_back({std::move(connection), std::chrono::steady_clock::now()});
}

}  // namespace zpo::kube
