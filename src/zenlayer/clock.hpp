#pragma once
// Time as the client sees it: a monotonic clock for intervals, the wall clock for request timestamps, and an
// interruptible sleep. Tests substitute a fake that advances instantly, so backoff and rate limiting are
// checked without waiting.

#include <chrono>
#include <stop_token>

namespace zenlayer {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::steady_clock::time_point now() const = 0;
  virtual std::chrono::system_clock::time_point wall_time() const = 0;
  // Sleeps in the calling thread; returns false as soon as `stop` is requested (then without sleeping it
  // all).
  virtual bool sleep_for(std::chrono::nanoseconds duration, const std::stop_token& stop) = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return std::chrono::steady_clock::now(); }
  std::chrono::system_clock::time_point wall_time() const override {
    return std::chrono::system_clock::now();
  }
  bool sleep_for(std::chrono::nanoseconds duration, const std::stop_token& stop) override;
};

}  // namespace zenlayer
