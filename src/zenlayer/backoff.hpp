#pragma once
// Capped exponential backoff with jitter, the shape the official SDKs use (1 s, 2 s, 4 s …). Jitter spreads
// the retries of many workers that were throttled at the same instant.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>

namespace zenlayer {

struct BackoffPolicy {
  int max_attempts = 4;  // the first try included, so 3 retries as the SDKs do
  std::chrono::milliseconds base{1000};
  std::chrono::milliseconds cap{30000};
};

class Backoff {
 public:
  explicit Backoff(BackoffPolicy policy, std::uint64_t seed = std::random_device{}());

  // The nominal delay before retry number `retry` (1 for the first retry): min(cap, base * 2^(retry-1)).
  std::chrono::milliseconds nominal_delay(int retry) const;
  // A delay drawn uniformly from [nominal/2, nominal]: never more than the cap, never less than half the
  // nominal.
  std::chrono::milliseconds delay(int retry);

  const BackoffPolicy& policy() const { return policy_; }

 private:
  BackoffPolicy policy_;
  std::mutex mutex_;  // the generator is shared by every thread that uses the client
  std::mt19937_64 random_;
};

}  // namespace zenlayer
