#pragma once
// Deadlines for blocking socket operations. A connection arms its socket with a deadline before a blocking
// exchange and disarms it after; a socket still armed at its deadline is shut down, which ends the blocked
// read or write with an error, and disarm() then says the deadline passed.
//
// Why not Asio's asynchronous operations with Beast's stream timeouts: on these machines a system call costs
// about 10 µs, and an asynchronous exchange on a connection's own io_context adds epoll_wait and
// timerfd_settime calls to every read and write. Blocking ones made a keep-alive GET against the emulator
// take 53-66 µs instead of 71-96 µs (kube_rest_test's LatencyFigures). Arming costs a lock, and a wakeup of
// the watch's thread only when the new deadline is sooner than the one it sleeps until (requests share one
// timeout, so it rarely is).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

namespace zpo::kube {

class DeadlineWatch {
 public:
  using Clock = std::chrono::steady_clock;
  using Ticket = std::pair<Clock::time_point, std::uint64_t>;

  // The process's one watch (its thread starts on first use).
  static DeadlineWatch& instance();

  DeadlineWatch();
  ~DeadlineWatch();
  DeadlineWatch(const DeadlineWatch&) = delete;
  DeadlineWatch& operator=(const DeadlineWatch&) = delete;

  // `fd` stays open until disarm() returns: the watch may shut it down until then, never after.
  Ticket arm(int fd, Clock::time_point deadline);
  // True when the deadline passed first (the socket was shut down and is of no further use).
  bool disarm(const Ticket& ticket);

 private:
  void run(const std::stop_token& stop);

  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::map<Ticket, int> armed_{};  // earliest deadline first
  std::set<Ticket> expired_{};     // shut down, not yet disarmed
  std::uint64_t next_ = 0;
  Clock::time_point sleeping_until_ = Clock::time_point::max();  // when the thread wakes next on its own
  std::jthread thread_;                                          // last: started once everything above exists
};

}  // namespace zpo::kube
