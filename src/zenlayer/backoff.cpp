#include "zenlayer/backoff.hpp"

#include <algorithm>

namespace zenlayer {

Backoff::Backoff(BackoffPolicy policy, std::uint64_t seed) : policy_(policy), random_(seed) {}

std::chrono::milliseconds Backoff::nominal_delay(int retry) const {
  auto delay = policy_.base;
  for (int i = 1; i < retry && delay < policy_.cap; ++i)
    delay *= 2;
  return std::min(delay, policy_.cap);
}

std::chrono::milliseconds Backoff::delay(int retry) {
  const auto nominal = nominal_delay(retry).count();
  std::uniform_int_distribution<std::chrono::milliseconds::rep> spread(nominal / 2, nominal);
  std::lock_guard lock(mutex_);
  return std::chrono::milliseconds(spread(random_));
}

}  // namespace zenlayer
