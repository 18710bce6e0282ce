// The pure leader-election decisions: when to create, take over, renew or wait, and what record to write.

#include "runtime/lease_record.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include "runtime/leader_election.hpp"

namespace zpo::runtime {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

LeaseRecord held_by(std::string holder, int seconds = 15) {
  return {.holder_identity = std::move(holder),
          .lease_duration_seconds = seconds,
          .acquire_time = "2026-11-23T13:00:00.000000Z",
          .renew_time = "2026-11-23T13:00:10.000000Z",
          .lease_transitions = 3};
}

TEST(LeaseDecision, NoLeaseMeansCreate) {
  auto now = Steady::now();
  EXPECT_EQ(decide_lease_action(std::nullopt, "me", now, now), LeaseAction::Create);
}

TEST(LeaseDecision, OurOwnLeaseIsRenewed) {
  auto now = Steady::now();
  EXPECT_EQ(decide_lease_action(held_by("me"), "me", now - 1h, now), LeaseAction::Renew);
}

TEST(LeaseDecision, AnEmptyHolderIsFreeAtOnce) {
  auto now = Steady::now();
  EXPECT_EQ(decide_lease_action(held_by(""), "me", now, now), LeaseAction::Acquire);
}

TEST(LeaseDecision, AnotherHolderIsWaitedForUntilTheDurationPassesOnOurClock) {
  auto observed = Steady::now();
  EXPECT_EQ(decide_lease_action(held_by("other", 15), "me", observed, observed), LeaseAction::Wait);
  EXPECT_EQ(decide_lease_action(held_by("other", 15), "me", observed, observed + 14999ms), LeaseAction::Wait);
  EXPECT_EQ(decide_lease_action(held_by("other", 15), "me", observed, observed + 15s), LeaseAction::Acquire);
  EXPECT_EQ(decide_lease_action(held_by("other", 2), "me", observed, observed + 2s), LeaseAction::Acquire);
}

TEST(LeaseRecordWrite, CreateStartsAtZeroTransitions) {
  auto next = next_lease_record(std::nullopt, "me", 15, "2026-11-23T13:00:00.000001Z");
  EXPECT_EQ(next.holder_identity, "me");
  EXPECT_EQ(next.lease_duration_seconds, 15);
  EXPECT_EQ(next.acquire_time, "2026-11-23T13:00:00.000001Z");
  EXPECT_EQ(next.renew_time, "2026-11-23T13:00:00.000001Z");
  EXPECT_EQ(next.lease_transitions, 0);
}

TEST(LeaseRecordWrite, RenewKeepsAcquireTimeAndTransitions) {
  auto next = next_lease_record(held_by("me"), "me", 15, "2026-11-23T13:00:20.000000Z");
  EXPECT_EQ(next.acquire_time, "2026-11-23T13:00:00.000000Z");
  EXPECT_EQ(next.renew_time, "2026-11-23T13:00:20.000000Z");
  EXPECT_EQ(next.lease_transitions, 3);
}

TEST(LeaseRecordWrite, TakeoverCountsATransitionAndResetsAcquireTime) {
  auto next = next_lease_record(held_by("other"), "me", 15, "2026-11-23T13:00:20.000000Z");
  EXPECT_EQ(next.holder_identity, "me");
  EXPECT_EQ(next.acquire_time, "2026-11-23T13:00:20.000000Z");
  EXPECT_EQ(next.lease_transitions, 4);
}

TEST(LeaseRecordWrite, ReleaseEmptiesTheHolderWithAOneSecondDuration) {
  auto released = released_lease_record(held_by("me"), "2026-11-23T13:00:30.000000Z");
  EXPECT_EQ(released.holder_identity, "");
  EXPECT_EQ(released.lease_duration_seconds, 1);
  EXPECT_EQ(released.lease_transitions, 3);
  auto now = Steady::now();
  EXPECT_EQ(decide_lease_action(released, "other", now, now), LeaseAction::Acquire);
}

TEST(LeaseJson, ReadsAndWritesTheLeaseSpec) {
  auto record = held_by("me");
  nlohmann::json lease = {{"metadata", {{"resourceVersion", "7"}}}, {"spec", lease_spec_json(record)}};
  EXPECT_EQ(lease_record_from(lease), record);
  EXPECT_EQ(lease["spec"]["holderIdentity"], "me");
  EXPECT_EQ(lease["spec"]["leaseDurationSeconds"], 15);
  EXPECT_EQ(lease["spec"]["renewTime"], "2026-11-23T13:00:10.000000Z");
  // A lease someone created with only some fields, or a null holder, reads as free.
  auto partial = lease_record_from({{"spec", {{"holderIdentity", nullptr}}}});
  EXPECT_EQ(partial.holder_identity, "");
  EXPECT_EQ(partial.lease_duration_seconds, 0);
}

TEST(LeaseJson, MicroTimeIsRfc3339WithMicrosecondsUtc) {
  auto t = std::chrono::sys_days{std::chrono::November / 23 / 2026} + 13h + 5min + 7s + 123456us;
  EXPECT_EQ(micro_time(std::chrono::time_point_cast<std::chrono::system_clock::duration>(t)),
            "2026-11-23T13:05:07.123456Z");
}

TEST(LeaderIdentity, IsTheHostnameWithARandomSuffixPerCall) {
  std::array<char, 256> host{};
  ASSERT_EQ(gethostname(host.data(), host.size() - 1), 0);
  auto a = make_leader_identity();
  auto b = make_leader_identity();
  EXPECT_EQ(a.rfind(std::string(host.data()) + "_", 0), 0u) << a;
  EXPECT_EQ(a.size(), std::string(host.data()).size() + 17);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace zpo::runtime
