#include "zenlayer/backoff.hpp"

#include <gtest/gtest.h>

#include <set>

namespace zenlayer {
namespace {

using std::chrono::milliseconds;

TEST(ZenlayerBackoff, NominalDelayDoublesUpToTheCap) {
  const Backoff backoff(
      BackoffPolicy{.max_attempts = 10, .base = milliseconds(1000), .cap = milliseconds(30000)});
  EXPECT_EQ(backoff.nominal_delay(1), milliseconds(1000));
  EXPECT_EQ(backoff.nominal_delay(2), milliseconds(2000));
  EXPECT_EQ(backoff.nominal_delay(3), milliseconds(4000));
  EXPECT_EQ(backoff.nominal_delay(5), milliseconds(16000));
  EXPECT_EQ(backoff.nominal_delay(6), milliseconds(30000));
  EXPECT_EQ(backoff.nominal_delay(60), milliseconds(30000));  // no overflow far past the cap
}

TEST(ZenlayerBackoff, JitteredDelayStaysWithinHalfAndFullNominal) {
  Backoff backoff(BackoffPolicy{.max_attempts = 10, .base = milliseconds(100), .cap = milliseconds(1000)},
                  42);
  for (int retry = 1; retry <= 8; ++retry) {
    const auto nominal = backoff.nominal_delay(retry);
    std::set<milliseconds::rep> seen;
    for (int i = 0; i < 200; ++i) {
      const auto delay = backoff.delay(retry);
      EXPECT_GE(delay, nominal / 2) << "retry " << retry;
      EXPECT_LE(delay, nominal) << "retry " << retry;
      seen.insert(delay.count());
    }
    EXPECT_GT(seen.size(), 10u) << "delays are not jittered at retry " << retry;
  }
}

TEST(ZenlayerBackoff, DifferentSeedsSpreadRetries) {
  Backoff a(BackoffPolicy{}, 1);
  Backoff b(BackoffPolicy{}, 2);
  int equal = 0;
  for (int i = 0; i < 20; ++i)
    equal += a.delay(3) == b.delay(3) ? 1 : 0;
  EXPECT_LT(equal, 5);
}

}  // namespace
}  // namespace zenlayer
