#pragma once
// The decision tests' shared vocabulary: the table's clock and settings, what one row expects of a plan, and
// the check of a plan against it.

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "port/decide.hpp"
#include "port_fixtures.hpp"

namespace zpo::port {

// Failures show the status as the API would.
inline void PrintTo(const PortResourceStatus& status, std::ostream* out) {
  *out << to_json(status).dump();
}

namespace testing {

using std::chrono::milliseconds;

// The defaults: resync 10m, poll 5s, max poll 1m, stuck 30m, retry 5m, grace 10m.
inline const DecideSettings kSettings{};

inline Time now() {
  return t0() + 60s;
}
inline Time just_before_now() {
  return now() - 1s;
}

struct Expect {
  CloudAction action = CloudAction::None;
  std::optional<Phase> phase{};
  std::string ready{};   // Ready's reason ("" : not checked)
  std::string synced{};  // Synced's reason ("" : not checked)
  FinalizerChange finalizer = FinalizerChange::Keep;
  std::optional<milliseconds> requeue_min{};  // both unset: no requeue expected
  std::optional<milliseconds> requeue_max{};
  std::vector<std::string> events{};
};

inline Expect expect(CloudAction action, std::optional<Phase> phase, std::string ready, std::string synced,
                     FinalizerChange finalizer, std::optional<milliseconds> requeue_min = {},
                     std::optional<milliseconds> requeue_max = {}, std::vector<std::string> events = {}) {
  return Expect{action,    phase,       std::move(ready), std::move(synced),
                finalizer, requeue_min, requeue_max,      std::move(events)};
}

inline std::string reason(const PortResourceStatus& status, const char* type) {
  const auto* condition = status.condition(type);
  return condition ? condition->reason : "";
}

inline void check_plan(const Plan& plan, const Expect& want) {
  EXPECT_EQ(to_string(plan.action), to_string(want.action));
  if (want.phase) {
    ASSERT_TRUE(plan.status.phase.has_value());
    EXPECT_EQ(to_string(*plan.status.phase), to_string(*want.phase));
  }
  if (!want.ready.empty()) {
    EXPECT_EQ(reason(plan.status, "Ready"), want.ready);
  }
  if (!want.synced.empty()) {
    EXPECT_EQ(reason(plan.status, "Synced"), want.synced);
  }
  EXPECT_EQ(static_cast<int>(plan.finalizer), static_cast<int>(want.finalizer));
  if (want.requeue_min || want.requeue_max) {
    ASSERT_TRUE(plan.requeue_after.has_value());
    if (want.requeue_min) {
      EXPECT_GE(*plan.requeue_after, *want.requeue_min);
    }
    if (want.requeue_max) {
      EXPECT_LE(*plan.requeue_after, *want.requeue_max);
    }
  } else {
    EXPECT_FALSE(plan.requeue_after.has_value()) << plan.requeue_after->count();
  }
  std::vector<std::string> events;
  for (const auto& event : plan.events)
    events.push_back(event.reason);
  EXPECT_EQ(events, want.events);
}

inline constexpr auto kNone = CloudAction::None;
inline constexpr auto kObserve = CloudAction::ObservePort;
inline constexpr auto kLookup = CloudAction::LookupPorts;
inline constexpr auto kCreate = CloudAction::CreatePort;
inline constexpr auto kModify = CloudAction::ModifyPort;
inline constexpr auto kRenew = CloudAction::RenewPort;
inline constexpr auto kTerminate = CloudAction::TerminatePort;
inline constexpr auto kDestroy = CloudAction::DestroyPort;
inline constexpr auto kKeep = FinalizerChange::Keep;
inline constexpr auto kAdd = FinalizerChange::Add;
inline constexpr auto kRemove = FinalizerChange::Remove;
inline const milliseconds kResync = kSettings.resync_period;
inline const milliseconds kPoll = kSettings.poll_interval;
inline const milliseconds kMaxPoll = kSettings.max_poll_interval;
inline const milliseconds kRetry = kSettings.error_retry_interval;

// Level-based and quiet: a plan that waits (no action, no finalizer change, a later requeue), decided again a
// second later from the status it decided, with the same observation and lookup, changes nothing and tells
// nobody anything. Used by every sweep.
inline void expect_level_based(const PortResource& resource, const Plan& plan,
                               const std::optional<Observation>& observation,
                               const std::optional<PortLookup>& lookup = std::nullopt) {
  if (plan.action != CloudAction::None || plan.finalizer != FinalizerChange::Keep ||
      plan.requeue_after == milliseconds(0))
    return;
  PortResource again = resource;
  again.status = plan.status;
  const Plan second =
      decide(again, observation, DecideInput{now() + std::chrono::seconds(1), kSettings}, lookup);
  EXPECT_EQ(second.status, plan.status);
  EXPECT_TRUE(second.events.empty());
  EXPECT_EQ(second.action, CloudAction::None);
}

}  // namespace testing
}  // namespace zpo::port
