#include "zenlayer/rate_limiter.hpp"

#include <algorithm>

namespace zenlayer {

RateLimiter::RateLimiter(RateLimit limit, const Clock& clock)
    : limit_(limit),
      clock_(clock),
      rate_(limit.queries_per_second),
      tokens_(limit.burst),
      last_refill_(clock.now()) {}

void RateLimiter::refill(std::chrono::steady_clock::time_point now) {
  const std::chrono::duration<double> elapsed = now - last_refill_;
  if (elapsed.count() > 0) {
    tokens_ = std::min(limit_.burst, tokens_ + elapsed.count() * rate_);
    last_refill_ = now;
  }
}

std::chrono::nanoseconds RateLimiter::reserve() {
  std::lock_guard lock(mutex_);
  refill(clock_.now());
  tokens_ -= 1.0;
  if (tokens_ >= 0) return std::chrono::nanoseconds::zero();
  return std::chrono::round<std::chrono::nanoseconds>(std::chrono::duration<double>(-tokens_ / rate_));
}

void RateLimiter::on_throttled() {
  std::lock_guard lock(mutex_);
  const auto now = clock_.now();
  refill(now);
  if (!last_decrease_ || now - *last_decrease_ >= limit_.min_decrease_interval) {
    rate_ = std::max(limit_.min_queries_per_second, rate_ * limit_.decrease_factor);
    last_decrease_ = now;
  }
  // The burst allowance is what got us throttled: drop what is saved so the next calls follow the lower rate.
  tokens_ = std::min(tokens_, 0.0);
}

void RateLimiter::on_success() {
  std::lock_guard lock(mutex_);
  refill(clock_.now());
  rate_ = std::min(limit_.queries_per_second, rate_ + limit_.recovery_per_success);
}

double RateLimiter::current_rate() const {
  std::lock_guard lock(mutex_);
  return rate_;
}

}  // namespace zenlayer
