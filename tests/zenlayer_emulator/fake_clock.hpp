#pragma once
// A clock the test moves by hand, so asynchronous transitions are checked without sleeping.
#include "clock.hpp"

namespace zenemu::testing {

class FakeClock final : public Clock {
 public:
  // 2026-01-01T00:00:00Z: a fixed, realistic start so signatures and timestamps are reproducible.
  FakeClock() : now_(std::chrono::sys_seconds(std::chrono::seconds(1767225600))) {}
  TimePoint now() const override { return now_; }
  void advance(Millis d) { now_ += d; }
  std::int64_t unix_seconds() const {
    return std::chrono::duration_cast<std::chrono::seconds>(now_.time_since_epoch()).count();
  }

 private:
  TimePoint now_;
};

}  // namespace zenemu::testing
