#pragma once
// A client-wide token bucket that every call passes through. After a 429 the rate is cut in half (down to a
// floor); each success then wins a little of it back, so a throttled client settles below the server's limit
// instead of hammering it.

#include <chrono>
#include <mutex>
#include <optional>

#include "zenlayer/clock.hpp"

namespace zenlayer {

struct RateLimit {
  double queries_per_second = 10.0;
  double burst = 20.0;
  double min_queries_per_second = 0.5;  // the floor of the multiplicative decrease
  double recovery_per_success = 0.1;    // QPS regained after each successful call
  double decrease_factor = 0.5;         // multiplier applied on a 429 ...
  // ... at most once per this interval: the 429s that follow a cut answer calls sent before it, so they are
  // the same congestion signal (as TCP halves once per round trip). Without it a burst of 429s pins the rate
  // to the floor.
  std::chrono::milliseconds min_decrease_interval{1000};
};

class RateLimiter {
 public:
  RateLimiter(RateLimit limit, const Clock& clock);

  // Takes a token and returns how long the caller must wait before sending (zero when a token was available).
  // Tokens may go negative: concurrent callers queue up in order instead of all waking at once.
  std::chrono::nanoseconds reserve();
  void on_throttled();
  void on_success();

  double current_rate() const;

 private:
  void refill(std::chrono::steady_clock::time_point now);

  const RateLimit limit_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  double rate_;
  double tokens_;
  std::chrono::steady_clock::time_point last_refill_;
  std::optional<std::chrono::steady_clock::time_point> last_decrease_{};
};

}  // namespace zenlayer
