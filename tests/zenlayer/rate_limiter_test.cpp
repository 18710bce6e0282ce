#include "zenlayer/rate_limiter.hpp"

#include <gtest/gtest.h>

#include "fakes.hpp"

namespace zenlayer {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using testing::FakeClock;

TEST(ZenlayerRateLimiter, BurstIsFreeThenCallsAreSpacedAtTheRate) {
  FakeClock clock;
  RateLimiter limiter(RateLimit{.queries_per_second = 10, .burst = 3}, clock);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(limiter.reserve(), nanoseconds::zero()) << i;
  // The bucket is empty: the 4th waits one token (100 ms), the 5th queues behind it (200 ms).
  EXPECT_EQ(limiter.reserve(), milliseconds(100));
  EXPECT_EQ(limiter.reserve(), milliseconds(200));
  clock.advance(milliseconds(200));
  EXPECT_EQ(limiter.reserve(), milliseconds(100));
}

TEST(ZenlayerRateLimiter, RefillsOverTimeUpToTheBurst) {
  FakeClock clock;
  RateLimiter limiter(RateLimit{.queries_per_second = 10, .burst = 2}, clock);
  limiter.reserve();
  limiter.reserve();
  clock.advance(std::chrono::seconds(60));  // a long pause saves no more than the burst
  EXPECT_EQ(limiter.reserve(), nanoseconds::zero());
  EXPECT_EQ(limiter.reserve(), nanoseconds::zero());
  EXPECT_EQ(limiter.reserve(), milliseconds(100));
}

TEST(ZenlayerRateLimiter, ThrottlingHalvesTheRateDownToTheFloorAndSuccessRecoversGradually) {
  FakeClock clock;
  RateLimiter limiter(RateLimit{.queries_per_second = 8,
                                .burst = 1,
                                .min_queries_per_second = 1,
                                .recovery_per_success = 0.5,
                                .decrease_factor = 0.5},
                      clock);
  limiter.on_throttled();
  EXPECT_DOUBLE_EQ(limiter.current_rate(), 4);
  for (int i = 0; i < 3; ++i) {
    clock.advance(std::chrono::seconds(1));
    limiter.on_throttled();
  }
  EXPECT_DOUBLE_EQ(limiter.current_rate(), 1);  // floor
  limiter.on_success();
  EXPECT_DOUBLE_EQ(limiter.current_rate(), 1.5);
  for (int i = 0; i < 100; ++i)
    limiter.on_success();
  EXPECT_DOUBLE_EQ(limiter.current_rate(), 8);  // never above the configured rate
}

TEST(ZenlayerRateLimiter, ABurstOf429sWithinTheIntervalCutsTheRateOnce) {
  FakeClock clock;
  RateLimiter limiter(
      RateLimit{.queries_per_second = 8, .burst = 1, .min_decrease_interval = milliseconds(1000)}, clock);
  for (int i = 0; i < 5; ++i)
    limiter.on_throttled();
  EXPECT_DOUBLE_EQ(limiter.current_rate(), 4);
  clock.advance(milliseconds(999));
  limiter.on_throttled();
  EXPECT_DOUBLE_EQ(limiter.current_rate(), 4);
  clock.advance(milliseconds(1));
  limiter.on_throttled();
  EXPECT_DOUBLE_EQ(limiter.current_rate(), 2);
}

TEST(ZenlayerRateLimiter, AfterThrottlingCallsFollowTheLowerRateWithoutBurst) {
  FakeClock clock;
  RateLimiter limiter(RateLimit{.queries_per_second = 10, .burst = 20}, clock);
  limiter.on_throttled();  // 5 QPS, saved burst dropped
  EXPECT_EQ(limiter.reserve(), milliseconds(200));
  EXPECT_EQ(limiter.reserve(), milliseconds(400));
}

}  // namespace
}  // namespace zenlayer
