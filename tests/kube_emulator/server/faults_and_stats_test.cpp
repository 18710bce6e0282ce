// Fault settings (validation, seeded rolls, pauses) and the request counters behind /admin/stats.

#include <gtest/gtest.h>

#include <thread>

#include "faults.hpp"
#include "request_stats.hpp"

namespace kubeemu {
namespace {

TEST(FaultSettings, MergeChangesOnlyGivenFields) {
  FaultSettings s;
  s.error_code = 503;
  const FaultSettings merged =
      merge_fault_settings(s, json{{"conflictRate", 0.25}, {"watchCloseAfterSeconds", 3}});
  EXPECT_DOUBLE_EQ(merged.conflict_rate, 0.25);
  EXPECT_DOUBLE_EQ(merged.watch_close_after_s, 3);
  EXPECT_EQ(merged.error_code, 503);
  EXPECT_EQ(to_json(merged)["conflictRate"], 0.25);
}

TEST(FaultSettings, RejectsBadValuesAndUnknownFields) {
  EXPECT_THROW(merge_fault_settings({}, json{{"conflictRate", 1.5}}), std::invalid_argument);
  EXPECT_THROW(merge_fault_settings({}, json{{"errorRate", -0.1}}), std::invalid_argument);
  EXPECT_THROW(merge_fault_settings({}, json{{"errorRate", "half"}}), std::invalid_argument);
  EXPECT_THROW(merge_fault_settings({}, json{{"errorCode", 200}}), std::invalid_argument);
  EXPECT_THROW(merge_fault_settings({}, json{{"conflictrate", 0.1}}), std::invalid_argument);
  EXPECT_THROW(merge_fault_settings({}, json::array()), std::invalid_argument);
}

TEST(Faults, RatesZeroAndOneAreExact) {
  Faults never({}, 1);
  FaultSettings all;
  all.conflict_rate = 1;
  all.error_rate = 1;
  all.error_code = 503;
  all.expire_watch_rate = 1;
  Faults always(all, 1);
  for (int i = 0; i < 100; ++i) {
    EXPECT_FALSE(never.roll_conflict());
    EXPECT_EQ(never.roll_error(), 0);
    EXPECT_TRUE(always.roll_conflict());
    EXPECT_EQ(always.roll_error(), 503);
    EXPECT_TRUE(always.roll_expire_watch());
  }
}

TEST(Faults, SameSeedSameSequenceAndRoughlyTheRate) {
  FaultSettings s;
  s.conflict_rate = 0.3;
  Faults a(s, 42);
  Faults b(s, 42);
  int hits = 0;
  for (int i = 0; i < 2000; ++i) {
    const bool x = a.roll_conflict();
    EXPECT_EQ(x, b.roll_conflict());
    hits += x ? 1 : 0;
  }
  EXPECT_GT(hits, 500);
  EXPECT_LT(hits, 700);
}

TEST(Faults, AdminPauseHoldsRequestsUntilItEnds) {
  Faults f({}, 1);
  EXPECT_EQ(f.pause_remaining(), 0);
  f.pause_for(0.3);
  EXPECT_GT(f.pause_remaining(), 0.1);
  const auto start = std::chrono::steady_clock::now();
  f.wait_while_paused();
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(250));
  EXPECT_EQ(f.pause_remaining(), 0);
}

TEST(Faults, ScheduledPauseWindowAndRelease) {
  FaultSettings s;
  s.pause_after_s = 0;
  s.pause_for_s = 30;
  Faults f(s, 1);
  EXPECT_GT(f.pause_remaining(), 20);
  std::thread releaser([&f] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    f.release_all();
  });
  const auto start = std::chrono::steady_clock::now();
  f.wait_while_paused();  // returns on release, long before the window ends
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  releaser.join();
}

TEST(RequestStats, CountsByVerbResourceAndWrites) {
  RequestStats stats;
  stats.record("get", "zenlayerports.sdn.zenlayer.com", "");
  stats.record("patch", "zenlayerports.sdn.zenlayer.com", "status");
  stats.record("patch", "zenlayerports.sdn.zenlayer.com", "status");
  stats.record("update", "zenlayerports.sdn.zenlayer.com", "");
  stats.record("create", "events", "");
  stats.record("watch", "leases.coordination.k8s.io", "");
  const json j = stats.to_json();
  EXPECT_EQ(j["requestsTotal"], 6);
  EXPECT_EQ(j["byVerb"]["patch"], 2);
  EXPECT_EQ(j["byResource"]["zenlayerports.sdn.zenlayer.com/status"]["patch"], 2);
  EXPECT_EQ(j["writesTotal"], 4);
  EXPECT_EQ(j["writes"]["zenlayerports.sdn.zenlayer.com/status"]["patch"], 2);
  EXPECT_EQ(j["writes"]["zenlayerports.sdn.zenlayer.com"]["update"], 1);
  EXPECT_FALSE(j["writes"]["zenlayerports.sdn.zenlayer.com"].contains("get"));
  EXPECT_FALSE(j["writes"].contains("leases.coordination.k8s.io"));
  EXPECT_EQ(j["writes"]["events"]["create"], 1);
}

}  // namespace
}  // namespace kubeemu
