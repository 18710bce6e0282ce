#include "faults.hpp"

#include <gtest/gtest.h>

#include "fake_clock.hpp"

namespace zenemu {
namespace {

using nlohmann::json;
using testing::FakeClock;

FaultConfig with(const json& patch) {
  FaultConfig f;
  merge_json(f, patch);
  return f;
}

TEST(EmulatorFaultInjector, NoFaultsByDefault) {
  FakeClock clock;
  FaultInjector faults(clock, 1);
  for (int i = 0; i < 100; ++i) {
    auto d = faults.decide("TerminatePort", true);
    EXPECT_EQ(d.kind, FaultKind::none);
    EXPECT_TRUE(d.applies_call());
    EXPECT_EQ(d.latency, Millis(0));
  }
}

TEST(EmulatorFaultInjector, CommitThenFailOnlyHitsMutations) {
  FakeClock clock;
  FaultInjector faults(clock, 1, with({{"commitThenFailRate", 1.0}, {"commitThenFailMode", "error"}}));
  EXPECT_EQ(faults.decide("DescribePorts", false).kind, FaultKind::none);
  auto d = faults.decide("TerminatePort", true);
  EXPECT_EQ(d.kind, FaultKind::commit_then_error);
  EXPECT_TRUE(d.applies_call());

  faults.set_config(with({{"commitThenFailRate", 1.0}, {"commitThenFailMode", "drop"}}));
  EXPECT_EQ(faults.decide("DestroyPort", true).kind, FaultKind::commit_then_drop);

  // "either" picks both over many calls.
  faults.set_config(with({{"commitThenFailRate", 1.0}}));
  int drops = 0;
  for (int i = 0; i < 200; ++i)
    drops += faults.decide("DestroyPort", true).kind == FaultKind::commit_then_drop;
  EXPECT_GT(drops, 50);
  EXPECT_LT(drops, 150);
}

TEST(EmulatorFaultInjector, RatesAreRoughlyHonouredAndRepeatableWithASeed) {
  FakeClock clock;
  auto sequence = [&](std::uint64_t seed) {
    FaultInjector faults(clock, seed, with({{"unavailableRate", 0.3}}));
    std::string out;
    for (int i = 0; i < 1000; ++i)
      out += faults.decide("DescribePorts", false).kind == FaultKind::none ? '.' : 'x';
    return out;
  };
  const std::string a = sequence(7);
  EXPECT_EQ(sequence(7), a);
  EXPECT_NE(sequence(8), a);
  auto hits = std::count(a.begin(), a.end(), 'x');
  EXPECT_GT(hits, 240);
  EXPECT_LT(hits, 360);
}

TEST(EmulatorFaultInjector, TransientFaultsDoNotApplyTheCall) {
  FakeClock clock;
  FaultInjector faults(clock, 1, with({{"throttleRate", 1.0}}));
  auto d = faults.decide("TerminatePort", true);
  EXPECT_EQ(d.kind, FaultKind::throttled);
  EXPECT_FALSE(d.applies_call());
  faults.set_config(with({{"internalErrorRate", 1.0}}));
  EXPECT_FALSE(faults.decide("TerminatePort", true).applies_call());
  faults.set_config(with({{"garbleRate", 1.0}}));
  EXPECT_TRUE(faults.decide("TerminatePort", true).applies_call());
}

TEST(EmulatorFaultInjector, QpsCeilingAllowsABurstThenTheSustainedRate) {
  FakeClock clock;
  FaultInjector faults(clock, 1, with({{"qpsCeiling", 5}}));
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(faults.decide("DescribePorts", false).kind, FaultKind::none) << i;
  EXPECT_EQ(faults.decide("DescribePorts", false).kind, FaultKind::qps_ceiling);
  clock.advance(Millis(200));  // one token back at 5 per second
  EXPECT_EQ(faults.decide("DescribePorts", false).kind, FaultKind::none);
  EXPECT_EQ(faults.decide("DescribePorts", false).kind, FaultKind::qps_ceiling);
  clock.advance(std::chrono::seconds(10));  // refills only up to one second's worth
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(faults.decide("DescribePorts", false).kind, FaultKind::none) << i;
  EXPECT_EQ(faults.decide("DescribePorts", false).kind, FaultKind::qps_ceiling);
}

TEST(EmulatorFaultInjector, ScriptedRepliesMatchTheirActionInQueueOrder) {
  FakeClock clock;
  FaultInjector faults(clock, 1, with({{"throttleRate", 1.0}}));
  faults.add_script({scripted_reply_from_json({{"action", "DestroyPort"}, {"httpStatus", 503}}),
                     scripted_reply_from_json({{"httpStatus", 500}, {"commit", true}})});
  // The any-action entry answers DescribePorts; the DestroyPort one waits for its action.
  auto d = faults.decide("DescribePorts", false);
  ASSERT_EQ(d.kind, FaultKind::scripted);
  EXPECT_EQ(d.script->http_status, 500);
  EXPECT_TRUE(d.applies_call());
  d = faults.decide("DestroyPort", true);
  ASSERT_EQ(d.kind, FaultKind::scripted);
  EXPECT_EQ(d.script->http_status, 503);
  EXPECT_FALSE(d.applies_call());
  // The queue is empty: the configured faults apply again.
  EXPECT_EQ(faults.decide("DestroyPort", true).kind, FaultKind::throttled);
}

TEST(EmulatorFaultInjector, ExpireNextSignaturesCountsDown) {
  FakeClock clock;
  FaultInjector faults(clock, 1, with({{"expireNextSignatures", 2}}));
  EXPECT_EQ(faults.decide("DescribePorts", false).kind, FaultKind::expired_signature);
  EXPECT_EQ(faults.config().expire_next_signatures, 1);
  EXPECT_EQ(faults.decide("DescribePorts", false).kind, FaultKind::expired_signature);
  EXPECT_EQ(faults.decide("DescribePorts", false).kind, FaultKind::none);
}

TEST(EmulatorFaultInjector, LatencyAddsJitterWithinBounds) {
  FakeClock clock;
  FaultInjector faults(clock, 1, with({{"latencyMs", 100}, {"latencyJitterMs", 50}}));
  bool varied = false;
  Millis first = faults.decide("DescribePorts", false).latency;
  for (int i = 0; i < 50; ++i) {
    Millis l = faults.decide("DescribePorts", false).latency;
    EXPECT_GE(l, Millis(100));
    EXPECT_LE(l, Millis(150));
    varied |= l != first;
  }
  EXPECT_TRUE(varied);
}

TEST(EmulatorFaultConfigJson, MergesOnlyGivenFieldsAndRejectsBadOnesWithoutChange) {
  FaultConfig f = with({{"throttleRate", 0.25}});
  merge_json(f, {{"latencyMs", 10}});
  EXPECT_EQ(f.throttle_rate, 0.25);
  EXPECT_EQ(f.latency, Millis(10));
  EXPECT_THROW(merge_json(f, {{"latencyMs", 20}, {"throttleRate", 1.5}}), std::invalid_argument);
  EXPECT_EQ(f.latency, Millis(10));  // all or nothing
  EXPECT_THROW(merge_json(f, {{"commitThenFailMode", "sometimes"}}), std::invalid_argument);
  EXPECT_THROW(merge_json(f, {{"bogus", 1}}), std::invalid_argument);
  EXPECT_THROW(merge_json(f, json::array()), std::invalid_argument);
  auto round_trip = to_json(f);
  FaultConfig g;
  merge_json(g, round_trip);
  EXPECT_EQ(to_json(g), round_trip);
}

TEST(EmulatorScriptedReplyJson, ParsesEveryFieldAndRejectsUnknownOnes) {
  auto s = scripted_reply_from_json({{"action", "TerminatePort"},
                                     {"httpStatus", 403},
                                     {"code", "OPERATION_DENIED_SOMETHING_NEW"},
                                     {"body", {{"raw", true}}},
                                     {"headers", {{"cf-mitigated", "challenge"}}},
                                     {"drop", false},
                                     {"commit", true}});
  EXPECT_EQ(*s.action, "TerminatePort");
  EXPECT_EQ(s.http_status, 403);
  EXPECT_EQ(*s.code, "OPERATION_DENIED_SOMETHING_NEW");
  EXPECT_EQ(*s.body, R"({"raw":true})");
  ASSERT_EQ(s.headers.size(), 1u);
  EXPECT_TRUE(s.commit);
  EXPECT_THROW(scripted_reply_from_json({{"status", 500}}), std::invalid_argument);
  EXPECT_THROW(scripted_reply_from_json({{"httpStatus", 99}}), std::invalid_argument);
}

}  // namespace
}  // namespace zenemu
