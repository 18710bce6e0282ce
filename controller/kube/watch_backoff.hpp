#pragma once
// How long the informer waits before retrying after a failed list or watch: exponential from 200 ms, capped
// at 30 s, with jitter so that many operators restarted together do not hit a recovering API server in step
// (as client-go's reflector backoff does). A healthy watch resets it. Private to zpo_kube; header-only
// because the library's source list is fixed.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>

namespace zpo::kube::detail {

class WatchBackoff {
 public:
  using Duration = std::chrono::milliseconds;

  explicit WatchBackoff(std::uint64_t seed = std::random_device{}(), Duration initial = Duration(200),
                        Duration cap = Duration(30000))
      : rng_(seed), initial_(initial), cap_(cap), ceiling_(initial) {}

  // The next wait: uniformly in [ceiling/2, ceiling], then the ceiling doubles up to the cap.
  Duration next() {
    const Duration ceiling = ceiling_;
    ceiling_ = std::min(cap_, ceiling_ * 2);
    std::uniform_int_distribution<Duration::rep> pick(ceiling.count() / 2, ceiling.count());
    return Duration(pick(rng_));
  }

  void reset() { ceiling_ = initial_; }

 private:
  std::mt19937_64 rng_;
  Duration initial_;
  Duration cap_;
  Duration ceiling_;
};

}  // namespace zpo::kube::detail
