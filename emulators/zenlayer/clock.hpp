#pragma once
// Time as the emulator sees it. Port transitions are evaluated lazily against this clock (no timers), so unit
// tests drive every transition with a fake clock instead of sleeping.
#include <chrono>

namespace zenemu {

using TimePoint = std::chrono::system_clock::time_point;
using Millis = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

// Wall-clock time: request timestamps are unix seconds, so the window check needs the real clock.
class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

}  // namespace zenemu
