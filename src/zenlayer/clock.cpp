#include "zenlayer/clock.hpp"

#include <condition_variable>
#include <mutex>

namespace zenlayer {

bool SystemClock::sleep_for(std::chrono::nanoseconds duration, const std::stop_token& stop) {
  if (stop.stop_requested()) return false;
  if (duration <= std::chrono::nanoseconds::zero()) return true;
  // condition_variable_any wakes on the stop request, so shutdown does not wait for a 30 s backoff to elapse.
  std::mutex mutex;
  std::condition_variable_any wakeup;
  std::unique_lock lock(mutex);
  return !wakeup.wait_for(lock, stop, duration, [] { return false; });
}

}  // namespace zenlayer
