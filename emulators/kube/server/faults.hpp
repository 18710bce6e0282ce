#pragma once
// Fault injection: the ways a real apiserver misbehaves that the operator must survive. Settable at start
// (flags) and at run time (the admin API). Thread-safe.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <random>

#include "resource_type.hpp"

namespace kubeemu {

struct FaultSettings {
  double watch_close_after_s = 0;  // > 0: every watch stream ends cleanly after this long
  double conflict_rate = 0;        // fraction of writes answered 409 Conflict
  double expire_watch_rate = 0;    // fraction of watch requests answered with an ERROR 410 Expired event
  double error_rate = 0;           // fraction of API requests refused with error_code
  int error_code = 500;            // 500 or 503 (or 429)
  double pause_after_s = 0;        // with pause_for_s > 0: every API request hangs during
  double pause_for_s = 0;          //   [start + pause_after_s, start + pause_after_s + pause_for_s)
};

// {"watchCloseAfterSeconds":..,"conflictRate":..,"expireWatchRate":..,"errorRate":..,"errorCode":..}
json to_json(const FaultSettings& settings);
// Applies the fields present in `patch` (same names as to_json); throws std::invalid_argument on a bad value
// (a rate outside [0,1], an error code outside 400..599, an unknown field).
FaultSettings merge_fault_settings(FaultSettings settings, const json& patch);

class Faults {
 public:
  Faults(FaultSettings settings, uint64_t seed);

  FaultSettings settings() const;
  void set(const FaultSettings& settings);

  // Each draws from the seeded RNG against the current rate.
  bool roll_conflict();
  bool roll_expire_watch();
  // 0: serve the request; otherwise the status code to refuse it with.
  int roll_error();

  // Every API request hangs for `seconds` from now (admin pause).
  void pause_for(double seconds);
  // Seconds of pause left (admin pause or the scheduled window), 0 when none.
  double pause_remaining() const;
  // Blocks while paused; returns early when release_all() was called (shutdown).
  void wait_while_paused();
  void release_all();

 private:
  bool roll(double rate);

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  FaultSettings settings_;
  std::mt19937_64 rng_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point paused_until_;
  bool released_ = false;
};

}  // namespace kubeemu
