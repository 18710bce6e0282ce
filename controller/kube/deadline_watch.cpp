#include "kube/deadline_watch.hpp"

#include <sys/socket.h>

namespace zpo::kube {

DeadlineWatch& DeadlineWatch::instance() {
  static DeadlineWatch watch;
  return watch;
}

DeadlineWatch::DeadlineWatch() : thread_([this](const std::stop_token& stop) { run(stop); }) {}

DeadlineWatch::~DeadlineWatch() {
  thread_.request_stop();  // wakes the wait below through its stop token
}

DeadlineWatch::Ticket DeadlineWatch::arm(int fd, Clock::time_point deadline) {
  bool sooner = false;
  Ticket ticket;
  {
    std::lock_guard lock(mutex_);
    ticket = Ticket{deadline, next_++};
    armed_.emplace(ticket, fd);
    sooner = deadline < sleeping_until_;
  }
  if (sooner) wake_.notify_one();
  return ticket;
}

bool DeadlineWatch::disarm(const Ticket& ticket) {
  std::lock_guard lock(mutex_);
  if (armed_.erase(ticket) != 0) return false;
  return expired_.erase(ticket) != 0;
}

void DeadlineWatch::run(const std::stop_token& stop) {
  // How late a deadline may be enforced. The earliest deadline is nearly always disarmed before it passes
  // (the reply came): waking for each would cost a context switch per exchange, so the thread wakes at most
  // this often while sockets are armed.
  constexpr std::chrono::milliseconds kResolution(50);
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    const Clock::time_point now = Clock::now();
    while (!armed_.empty() && armed_.begin()->first.first <= now) {
      const auto [ticket, fd] = *armed_.begin();
      armed_.erase(armed_.begin());
      // Under the lock: the owner cannot have closed the socket, since it disarms (and so waits for this
      // lock) before closing it.
      ::shutdown(fd, SHUT_RDWR);
      expired_.insert(ticket);
    }
    sleeping_until_ =
        armed_.empty() ? Clock::time_point::max() : std::max(armed_.begin()->first.first, now + kResolution);
    if (armed_.empty()) {
      wake_.wait(lock, stop, [this] { return !armed_.empty(); });
    } else {
      const Clock::time_point until = sleeping_until_;
      wake_.wait_until(lock, stop, until,
                       [&] { return !armed_.empty() && armed_.begin()->first.first < until; });
    }
  }
}

}  // namespace zpo::kube
