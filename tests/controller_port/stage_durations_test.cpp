// What the reconciler learns of the cloud's release stages: nothing from a few ports, then a low percentile
// of the recent ones, so one fast port cannot pull every later look early.

#include "port/stage_durations.hpp"

#include <gtest/gtest.h>

namespace zpo::port {
namespace {

using std::chrono::milliseconds;

TEST(StageDurationsTest, NoEstimateUntilEnoughPortsWentThrough) {
  StageDurations durations;
  for (std::size_t i = 1; i < StageDurations::kMinSamples; ++i)
    durations.add(ReleaseStage::Terminate, milliseconds(20000));
  EXPECT_FALSE(durations.expected(ReleaseStage::Terminate));
  durations.add(ReleaseStage::Terminate, milliseconds(20000));
  EXPECT_EQ(durations.expected(ReleaseStage::Terminate), milliseconds(20000));
  EXPECT_FALSE(durations.expected(ReleaseStage::Destroy)) << "each stage learns on its own";
}

TEST(StageDurationsTest, TheFifthPercentileOfRecentSamples) {
  StageDurations durations;
  // 100 ports seen done 20.0 s to 24.95 s after the call (their poll lag spread over the 5 s grid).
  for (int i = 0; i < 100; ++i)
    durations.add(ReleaseStage::Destroy, milliseconds(20000 + 50 * ((i * 37) % 100)));
  EXPECT_EQ(durations.expected(ReleaseStage::Destroy), milliseconds(20250)) << "the 6th lowest of 100";

  durations.add(ReleaseStage::Destroy, milliseconds(10));  // one port that was already gone
  EXPECT_EQ(durations.expected(ReleaseStage::Destroy), milliseconds(20200))
      << "one outlier moves it by one rank, not to itself";

  // The cloud slows down: once the window holds only new samples, the estimate follows.
  for (std::size_t i = 0; i < StageDurations::kWindow; ++i)
    durations.add(ReleaseStage::Destroy, milliseconds(30000));
  EXPECT_EQ(durations.expected(ReleaseStage::Destroy), milliseconds(30000));
}

}  // namespace
}  // namespace zpo::port
