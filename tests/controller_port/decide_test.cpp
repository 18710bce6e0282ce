// The decision table: one row per case of issue 4 (resource state × port state × policy × last operation),
// each asserting the action, the phase, the condition reasons, the finalizer change, the requeue bound and
// the Events; then a sweep over every combination that checks the invariants no row may break.

#include "port/decide.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "decide_table.hpp"
#include "port_fixtures.hpp"

namespace zpo::port {
namespace {

using namespace testing;
using zenlayer::ErrorClass;

struct Row {
  std::string name;
  PortResource resource;
  std::optional<Observation> observation;
  Expect expect;
  Time at = now();
};

// A failing row is shown by its name.
void PrintTo(const Row& row, std::ostream* out) {
  *out << row.name;
}

PortResource invalid(PortResource resource, std::string why) {
  resource.invalid_spec = std::move(why);
  return resource;
}

PortResource in_phase(PortResource resource, Phase phase) {
  resource.status.phase = phase;
  return resource;
}

PortResource unknown_policy(PortResource resource) {
  resource.spec.deletion_policy.reset();
  resource.spec.deletion_policy_text = "Keep";
  resource.invalid_spec = "spec.deletionPolicy \"Keep\" is not one of Delete, RecycleBin, Orphan";
  return resource;
}

std::vector<Row> rows() {
  const auto D = DeletionPolicy::Delete;
  const auto R = DeletionPolicy::RecycleBin;
  const auto O = DeletionPolicy::Orphan;
  const Time o = just_before_now();
  const Time recent = now() - 60s;  // within grace and retry interval
  const Time old = now() - 11min;   // past grace (10m) and retry interval (5m)
  const Time looked = now() - 60s;
  const Time graced_at_look = now() - 10min - 30s;  // past grace now, within it when `looked`
  std::vector<Row> rows{
      // A live resource: the finalizer first, then observe, then mirror the port.
      {"live_no_finalizer_adds_it_first", live_resource(D, false), std::nullopt,
       expect(kNone, std::nullopt, "", "", kAdd, 0ms, 0ms)},
      {"live_no_finalizer_even_when_observed", live_resource(D, false), seen("RUNNING", o),
       expect(kNone, std::nullopt, "", "", kAdd, 0ms, 0ms)},
      {"live_unobserved_observes", live_resource(), std::nullopt,
       expect(kObserve, std::nullopt, "", "", kKeep)},
      {"live_running_is_ready", live_resource(), seen("RUNNING", o),
       expect(kNone, Phase::Ready, "PortRunning", "Observed", kKeep, kResync, kResync)},
      {"live_running_prepaid_is_ready", live_resource(),
       seen("RUNNING", o, "PREPAID", "2027-01-01T00:00:00Z"),
       expect(kNone, Phase::Ready, "PortRunning", "Observed", kKeep, kResync, kResync)},
      {"live_creating_is_pending", live_resource(), seen("CREATING", o),
       expect(kNone, Phase::Pending, "PortCreating", "Observed", kKeep, kPoll, kPoll)},
      {"live_recycled_elsewhere", live_resource(), seen("RECYCLED", o),
       expect(kNone, Phase::Recycled, "PortRecycled", "Observed", kKeep, kResync, kResync, {"PortRecycled"})},
      {"live_destroying_elsewhere", live_resource(), seen("DESTROYING", o),
       expect(kNone, Phase::Destroying, "PortDestroying", "Observed", kKeep, kResync, kResync)},
      {"live_destroyed_elsewhere_keeps_finalizer", live_resource(), seen("DESTROYED", o),
       expect(kNone, Phase::Destroyed, "PortDestroyed", "Observed", kKeep, kResync, kResync,
              {"PortDestroyed"})},
      {"live_absent_is_failed_not_found", live_resource(), Observation::absent(o),
       expect(kNone, Phase::Failed, "PortNotFound", "Observed", kKeep, kResync, kResync, {"PortNotFound"})},
      {"live_not_found_code_is_not_found", live_resource(),
       cloud_failure(ErrorClass::NotFound, "INVALID_PORT_NOT_FOUND", o),
       expect(kNone, Phase::Failed, "PortNotFound", "Observed", kKeep, kResync, kResync, {"PortNotFound"})},
      {"live_unknown_status_warns", live_resource(), seen("CREATING_FAILED", o),
       expect(kNone, Phase::Pending, "UnknownPortStatus", "Observed", kKeep, kPoll, kPoll,
              {"UnknownPortStatus"})},
      {"live_updating_is_busy", live_resource(), seen("UPDATING", o),
       expect(kNone, Phase::Pending, "PortBusy", "Observed", kKeep, kPoll, kPoll)},
      {"live_throttled_backs_off", live_resource(),
       cloud_failure(ErrorClass::Throttled, "REQUEST_LIMIT_EXCEEDED", o),
       expect(kNone, Phase::Pending, "", "Throttled", kKeep, kPoll, kPoll, {"CloudError"})},
      {"live_transient_backs_off", live_resource(),
       cloud_failure(ErrorClass::Transient, "SERVICE_TEMPORARY_UNAVAILABLE", o),
       expect(kNone, Phase::Pending, "", "CloudUnavailable", kKeep, kPoll, kPoll, {"CloudError"})},
      {"live_transport_backs_off", live_resource(), cloud_failure(ErrorClass::Transport, "", o),
       expect(kNone, Phase::Pending, "", "CloudUnavailable", kKeep, kPoll, kPoll, {"CloudError"})},
      {"live_auth_error_slow_retry", live_resource(),
       cloud_failure(ErrorClass::Auth, "AUTHFAILURE_SIGNATURE_FAILURE", o),
       expect(kNone, Phase::Pending, "InvalidCredentials", "InvalidCredentials", kKeep, kRetry, kRetry,
              {"InvalidCredentials"})},
      {"live_network_blocked_slow_retry", live_resource(), cloud_failure(ErrorClass::NetworkBlocked, "", o),
       expect(kNone, Phase::Pending, "", "NetworkBlocked", kKeep, kRetry, kRetry, {"CloudError"})},
      {"live_invalid_request_fails", live_resource(),
       cloud_failure(ErrorClass::InvalidRequest, "INVALID_PARAMETER_PORT_ID", o),
       expect(kNone, Phase::Failed, "InvalidPortId", "InvalidPortId", kKeep, kRetry, kRetry,
              {"InvalidPortId"})},
      {"live_unknown_error_slow_retry", live_resource(),
       cloud_failure(ErrorClass::Unknown, "WHAT_IS_THIS", o),
       expect(kNone, Phase::Pending, "", "CloudError", kKeep, kRetry, kRetry, {"CloudError"})},
      {"live_secret_missing", live_resource(),
       Observation::credentials_error({"CredentialsSecretNotFound", "Secret team-a/zl not found"}, o),
       expect(kNone, Phase::Pending, "CredentialsSecretNotFound", "CredentialsSecretNotFound", kKeep, kRetry,
              kRetry, {"InvalidCredentials"})},
      {"live_missing_port_id", invalid(live_resource(), "spec.portId is missing"), seen("RUNNING", o),
       expect(kNone, Phase::Failed, "InvalidSpec", "InvalidSpec", kKeep, {}, {}, {"InvalidSpec"})},
      {"live_unknown_policy", unknown_policy(live_resource()), std::nullopt,
       expect(kNone, Phase::Failed, "InvalidSpec", "InvalidSpec", kKeep, {}, {}, {"InvalidSpec"})},

      // Deleting without our finalizer: not ours, nothing to do.
      {"deleting_without_finalizer_does_nothing", deleting_resource(D, false), seen("RUNNING", o),
       expect(kNone, std::nullopt, "", "", kKeep)},
      {"deleting_without_finalizer_unobserved", deleting_resource(D, false), std::nullopt,
       expect(kNone, std::nullopt, "", "", kKeep)},

      // Orphan: no cloud call at all.
      {"orphan_running", deleting_resource(O), seen("RUNNING", o),
       expect(kNone, Phase::Orphaned, "Orphaned", "Orphaned", kRemove, {}, {}, {"Orphaned"})},
      {"orphan_unobserved", deleting_resource(O), std::nullopt,
       expect(kNone, Phase::Orphaned, "Orphaned", "Orphaned", kRemove, {}, {}, {"Orphaned"})},
      {"orphan_prepaid", deleting_resource(O), seen("RUNNING", o, "PREPAID"),
       expect(kNone, Phase::Orphaned, "Orphaned", "Orphaned", kRemove, {}, {}, {"Orphaned"})},
      {"orphan_without_port_id", invalid(deleting_resource(O), "spec.portId is missing"), std::nullopt,
       expect(kNone, Phase::Orphaned, "Orphaned", "Orphaned", kRemove, {}, {}, {"Orphaned"})},
      {"deleting_unknown_policy_holds", unknown_policy(deleting_resource()), seen("RUNNING", o),
       expect(kNone, Phase::Failed, "InvalidSpec", "InvalidSpec", kKeep, {}, {}, {"InvalidSpec"})},

      // Delete: observe first, never act on what is not observed.
      {"delete_unobserved_observes", deleting_resource(), std::nullopt,
       expect(kObserve, std::nullopt, "", "", kKeep)},
      {"delete_stale_recycled_observes_again",
       with_operation(deleting_resource(), "TerminatePort", "", now() - 30s), seen("RECYCLED", now() - 40s),
       expect(kObserve, std::nullopt, "", "", kKeep)},
      {"delete_stale_within_the_second_waits_for_the_next",
       with_operation(deleting_resource(), "TerminatePort", "", now()), seen("RUNNING", now() + 300ms),
       expect(kNone, std::nullopt, "", "", kKeep, 600ms, 600ms), now() + 400ms},
      {"delete_running_terminates", deleting_resource(), seen("RUNNING", o),
       expect(kTerminate, Phase::Terminating, "Terminating", "Observed", kKeep, kPoll, kPoll)},
      {"delete_running_no_charge_type_terminates", deleting_resource(), seen("RUNNING", o, std::nullopt),
       expect(kTerminate, Phase::Terminating, "Terminating", "Observed", kKeep, kPoll, kPoll)},
      {"recyclebin_running_terminates", deleting_resource(R), seen("RUNNING", o),
       expect(kTerminate, Phase::Terminating, "Terminating", "Observed", kKeep, kPoll, kPoll)},
      {"delete_prepaid_is_blocked", deleting_resource(),
       seen("RUNNING", o, "PREPAID", "2027-01-01T00:00:00Z"),
       expect(kNone, Phase::Blocked, "PortPrepaid", "Observed", kKeep, kRetry, kRetry, {"PortPrepaid"})},
      {"delete_prepaid_requeues_at_expiry", deleting_resource(),
       seen("RUNNING", o, "PREPAID", "2026-01-01T00:03:00Z"),
       expect(kNone, Phase::Blocked, "PortPrepaid", "Observed", kKeep, 2min, 2min, {"PortPrepaid"})},
      {"recyclebin_prepaid_is_blocked", deleting_resource(R), seen("RUNNING", o, "PREPAID"),
       expect(kNone, Phase::Blocked, "PortPrepaid", "Observed", kKeep, kRetry, kRetry, {"PortPrepaid"})},
      {"delete_terminate_accepted_recently_waits",
       with_operation(deleting_resource(), "TerminatePort", "", recent), seen("RUNNING", o),
       expect(kNone, Phase::Terminating, "Terminating", "Observed", kKeep, kPoll, kMaxPoll)},
      {"delete_terminate_accepted_past_grace_resends",
       with_operation(deleting_resource(), "TerminatePort", "", old), seen("RUNNING", o),
       expect(kTerminate, Phase::Terminating, "Terminating", "Observed", kKeep, kPoll, kPoll)},
      // The grace ran out while the answer waited for a worker: a look from within it cannot show the
      // TerminatePort lost (the cloud reads RUNNING for a while after accepting it). Wait, and look again.
      {"delete_terminate_grace_ran_out_after_the_look_waits",
       with_operation(deleting_resource(), "TerminatePort", "", graced_at_look), seen("RUNNING", looked),
       expect(kNone, Phase::Terminating, "Terminating", "Observed", kKeep, kPoll, kMaxPoll)},
      {"delete_terminate_no_reply_waits",
       with_operation(deleting_resource(), "TerminatePort", kNoReplyCode, recent), seen("RUNNING", o),
       expect(kNone, Phase::Terminating, "Terminating", "Observed", kKeep, kPoll, kMaxPoll)},
      {"delete_terminate_500_waits",
       with_operation(deleting_resource(), "TerminatePort", "INTERNAL_SERVER_ERROR", recent),
       seen("RUNNING", o),
       expect(kNone, Phase::Terminating, "Terminating", "Observed", kKeep, kPoll, kMaxPoll)},
      {"delete_terminate_already_recycled_code_waits",
       with_operation(deleting_resource(), "TerminatePort", "OPERATION_DENIED_INSTANCE_RECYCLED", recent),
       seen("RUNNING", o),
       expect(kNone, Phase::Terminating, "Terminating", "Observed", kKeep, kPoll, kMaxPoll)},
      {"delete_terminate_refused_prepaid_blocks",
       with_operation(deleting_resource(), "TerminatePort", "OPERATION_DENIED_PORT_PREPAID", recent),
       seen("RUNNING", o, std::nullopt),
       expect(kNone, Phase::Blocked, "PortPrepaid", "Observed", kKeep, 4min, 4min, {"PortPrepaid"})},
      {"delete_terminate_refused_prepaid_retried_after_interval",
       with_operation(deleting_resource(), "TerminatePort", "OPERATION_DENIED_PORT_PREPAID", old),
       seen("RUNNING", o, std::nullopt),
       expect(kTerminate, Phase::Terminating, "Terminating", "Observed", kKeep, kPoll, kPoll)},
      {"delete_terminate_refused_unknown_waits",
       with_operation(deleting_resource(), "TerminatePort", "SOMETHING_NEW", recent), seen("RUNNING", o),
       expect(kNone, std::nullopt, "", "CloudError", kKeep, 4min, 4min, {"CloudError"})},
      {"delete_terminate_throttled_waits_a_poll",
       with_operation(deleting_resource(), "TerminatePort", "REQUEST_LIMIT_EXCEEDED", now() - 2s),
       seen("RUNNING", o), expect(kNone, std::nullopt, "", "Throttled", kKeep, 3s, 3s, {"CloudError"})},
      {"delete_terminate_throttled_resent_after_a_poll",
       with_operation(deleting_resource(), "TerminatePort", "REQUEST_LIMIT_EXCEEDED", now() - 10s),
       seen("RUNNING", o),
       expect(kTerminate, Phase::Terminating, "Terminating", "Observed", kKeep, kPoll, kPoll)},
      {"delete_terminate_auth_refused",
       with_operation(deleting_resource(), "TerminatePort", "AUTHFAILURE_INVALID_AUTHORIZATION", recent),
       seen("RUNNING", o),
       expect(kNone, std::nullopt, "InvalidCredentials", "InvalidCredentials", kKeep, 4min, 4min,
              {"InvalidCredentials"})},
      {"delete_terminate_invalid_request_fails",
       with_operation(deleting_resource(), "TerminatePort", "INVALID_PARAMETER_PORT_ID", recent),
       seen("RUNNING", o),
       expect(kNone, Phase::Failed, "InvalidPortId", "InvalidPortId", kKeep, 4min, 4min, {"InvalidPortId"})},
      {"delete_running_after_destroy_terminates_again",
       with_operation(deleting_resource(), "DestroyPort", "", recent), seen("RUNNING", o),
       expect(kTerminate, Phase::Terminating, "Terminating", "Observed", kKeep, kPoll, kPoll)},
      {"delete_creating_waits", deleting_resource(), seen("CREATING", o),
       expect(kNone, Phase::Pending, "PortCreating", "Observed", kKeep, kPoll, kMaxPoll)},
      {"delete_busy_waits", deleting_resource(), seen("UPDATING", o),
       expect(kNone, std::nullopt, "PortBusy", "Observed", kKeep, kPoll, kMaxPoll)},
      {"delete_recycled_is_written_before_destroying", deleting_resource(), seen("RECYCLED", o),
       expect(kNone, Phase::Recycled, "PortRecycled", "Observed", kKeep, 0ms, 0ms, {"PortRecycled"})},
      {"delete_recycled_destroys", in_phase(deleting_resource(), Phase::Recycled), seen("RECYCLED", o),
       expect(kDestroy, Phase::Destroying, "Destroying", "Observed", kKeep, kPoll, kPoll)},
      {"delete_recycled_after_terminate_is_written_first",
       with_operation(deleting_resource(), "TerminatePort", "", recent), seen("RECYCLED", o),
       expect(kNone, Phase::Recycled, "PortRecycled", "Observed", kKeep, 0ms, 0ms, {"PortRecycled"})},
      {"delete_recycled_after_terminate_destroys",
       in_phase(with_operation(deleting_resource(), "TerminatePort", "", recent), Phase::Recycled),
       seen("RECYCLED", o),
       expect(kDestroy, Phase::Destroying, "Destroying", "Observed", kKeep, kPoll, kPoll)},
      {"delete_destroy_accepted_recently_waits",
       with_operation(deleting_resource(), "DestroyPort", "", recent), seen("RECYCLED", o),
       expect(kNone, Phase::Destroying, "Destroying", "Observed", kKeep, kPoll, kMaxPoll)},
      {"delete_destroy_accepted_past_grace_resends",
       in_phase(with_operation(deleting_resource(), "DestroyPort", "", old), Phase::Destroying),
       seen("RECYCLED", o),
       expect(kDestroy, Phase::Destroying, "Destroying", "Observed", kKeep, kPoll, kPoll)},
      {"delete_destroy_grace_ran_out_after_the_look_waits",
       in_phase(with_operation(deleting_resource(), "DestroyPort", "", graced_at_look), Phase::Destroying),
       seen("RECYCLED", looked),
       expect(kNone, Phase::Destroying, "Destroying", "Observed", kKeep, kPoll, kMaxPoll)},
      {"delete_destroy_no_reply_waits",
       with_operation(deleting_resource(), "DestroyPort", kNoReplyCode, recent), seen("RECYCLED", o),
       expect(kNone, Phase::Destroying, "Destroying", "Observed", kKeep, kPoll, kMaxPoll)},
      {"delete_destroy_refused_waits",
       in_phase(with_operation(deleting_resource(), "DestroyPort", "SOMETHING_NEW", recent), Phase::Recycled),
       seen("RECYCLED", o),
       expect(kNone, Phase::Recycled, "", "CloudError", kKeep, 4min, 4min, {"CloudError"})},
      {"recyclebin_recycled_releases", deleting_resource(R), seen("RECYCLED", o),
       expect(kNone, Phase::Recycled, "PortRecycled", "Observed", kRemove, {}, {}, {"PortRecycled"})},
      {"delete_destroying_waits", with_operation(deleting_resource(), "DestroyPort", "", recent),
       seen("DESTROYING", o),
       expect(kNone, Phase::Destroying, "Destroying", "Observed", kKeep, kPoll, kMaxPoll)},
      {"delete_destroyed_releases", deleting_resource(), seen("DESTROYED", o),
       expect(kNone, Phase::Destroyed, "PortDestroyed", "Observed", kRemove, {}, {}, {"PortDestroyed"})},
      {"delete_absent_releases", deleting_resource(), Observation::absent(o),
       expect(kNone, Phase::Destroyed, "PortDestroyed", "Observed", kRemove, {}, {}, {"PortDestroyed"})},
      {"delete_absent_right_after_terminate_releases",
       with_operation(deleting_resource(), "TerminatePort", "", recent), Observation::absent(o),
       expect(kNone, Phase::Destroyed, "PortDestroyed", "Observed", kRemove, {}, {}, {"PortDestroyed"})},
      {"delete_not_found_code_releases", deleting_resource(),
       cloud_failure(ErrorClass::NotFound, "INVALID_PORT_NOT_FOUND", o),
       expect(kNone, Phase::Destroyed, "PortDestroyed", "Observed", kRemove, {}, {}, {"PortDestroyed"})},
      {"recyclebin_absent_releases", deleting_resource(R), Observation::absent(o),
       expect(kNone, Phase::Destroyed, "PortDestroyed", "Observed", kRemove, {}, {}, {"PortDestroyed"})},
      {"recyclebin_destroyed_releases", deleting_resource(R), seen("DESTROYED", o),
       expect(kNone, Phase::Destroyed, "PortDestroyed", "Observed", kRemove, {}, {}, {"PortDestroyed"})},
      {"delete_unknown_status_never_mutates", deleting_resource(), seen("RECYCLING_FAILED", o),
       expect(kNone, Phase::Pending, "UnknownPortStatus", "Observed", kKeep, kPoll, kMaxPoll,
              {"UnknownPortStatus"})},
      {"delete_observe_throttled", deleting_resource(),
       cloud_failure(ErrorClass::Throttled, "REQUEST_LIMIT_EXCEEDED", o),
       expect(kNone, Phase::Pending, "", "Throttled", kKeep, kPoll, kPoll, {"CloudError"})},
      {"delete_observe_auth", deleting_resource(),
       cloud_failure(ErrorClass::Auth, "AUTHFAILURE_SIGNATURE_FAILURE", o),
       expect(kNone, std::nullopt, "InvalidCredentials", "InvalidCredentials", kKeep, kRetry, kRetry,
              {"InvalidCredentials"})},
      {"delete_observe_invalid_request", deleting_resource(),
       cloud_failure(ErrorClass::InvalidRequest, "INVALID_PARAMETER_PORT_ID", o),
       expect(kNone, Phase::Failed, "InvalidPortId", "InvalidPortId", kKeep, kRetry, kRetry,
              {"InvalidPortId"})},
      {"delete_secret_missing", deleting_resource(),
       Observation::credentials_error({"CredentialsSecretNotFound", "Secret team-a/zl not found"}, o),
       expect(kNone, std::nullopt, "CredentialsSecretNotFound", "CredentialsSecretNotFound", kKeep, kRetry,
              kRetry, {"InvalidCredentials"})},

      // Stuck stages raise a condition and keep going.
      {"delete_destroying_stuck", with_operation(deleting_resource(), "DestroyPort", "", now() - 31min),
       seen("DESTROYING", o),
       expect(kNone, Phase::Destroying, "DeletionStuck", "Observed", kKeep, kMaxPoll, kMaxPoll,
              {"DeletionStuck"})},
      {"delete_creating_stuck", deleting_resource(D, true, now() - 31min), seen("CREATING", o),
       expect(kNone, Phase::Pending, "DeletionStuck", "Observed", kKeep, kMaxPoll, kMaxPoll,
              {"DeletionStuck"})},
  };
  return rows;
}

class DecideTable : public ::testing::TestWithParam<Row> {};

TEST_P(DecideTable, Row) {
  const Row& row = GetParam();
  const Plan plan = decide(row.resource, row.observation, DecideInput{row.at, kSettings});
  check_plan(plan, row.expect);
  if (plan.finalizer == FinalizerChange::Add || !row.resource.has_finalizer()) {
    EXPECT_EQ(plan.status, row.resource.status) << "nothing but the finalizer in that step";
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, DecideTable, ::testing::ValuesIn(rows()),
                         [](const auto& info) { return info.param.name; });

TEST(Decide, TerminatePlanRecordsTheStageAndOperation) {
  const Plan plan =
      decide(deleting_resource(), seen("RUNNING", just_before_now()), DecideInput{now(), kSettings});
  ASSERT_EQ(plan.action, CloudAction::TerminatePort);
  ASSERT_TRUE(plan.status.last_operation.has_value());
  EXPECT_EQ(plan.status.last_operation->action, "TerminatePort");
  EXPECT_EQ(plan.status.last_operation->time, now());
  EXPECT_EQ(plan.status.terminate_requested_at, now());
  EXPECT_EQ(plan.status.observed_generation, 2);
}

// DESIGN principle 5 and issue 7 (at most 5 writes per deletion): while the cloud lags — RUNNING after an
// accepted TerminatePort, RECYCLED and then DESTROYING after an accepted DestroyPort — each decision leaves
// the status as it is; only the four phase changes (and a new generation, a portStatus) are written, and
// only with them.
TEST(Decide, WaitingOutTheCloudsLagChangesNoStatus) {
  PortResource resource = deleting_resource();
  resource.status.observed_generation = 1;  // the deletion gave the resource a new generation (2)
  int writes = 0;
  Time at = now();
  // Decides at `at` from the port seen `status` just before, and takes the plan's status as written.
  auto step = [&](const std::string& status) {
    Plan plan = decide(resource, seen(status, at - 500ms), DecideInput{at, kSettings});
    if (plan.action == CloudAction::TerminatePort || plan.action == CloudAction::DestroyPort) {
      record_mutation_outcome(plan, resource, MutationOutcome{.accepted = true, .request_id = "req-1"});
    }
    if (plan.status != resource.status) ++writes;
    resource.status = plan.status;
    at += 5s;
    return plan;
  };
  const Plan unobserved = decide(resource, std::nullopt, DecideInput{at, kSettings});
  EXPECT_EQ(unobserved.action, CloudAction::ObservePort);
  EXPECT_EQ(unobserved.status, resource.status) << "a new generation alone is not written";

  EXPECT_EQ(step("RUNNING").action, CloudAction::TerminatePort);
  EXPECT_EQ(resource.status.observed_generation, 2) << "the new generation goes with the Terminating write";
  const PortResourceStatus terminating = resource.status;
  for (int poll = 0; poll < 3; ++poll) {
    EXPECT_EQ(step("RUNNING").action, CloudAction::None);
    EXPECT_EQ(resource.status, terminating) << "poll " << poll << " after TerminatePort";
  }
  EXPECT_EQ(step("RECYCLED").action, CloudAction::None);
  EXPECT_EQ(resource.status.phase, Phase::Recycled);
  EXPECT_EQ(step("RECYCLED").action, CloudAction::DestroyPort);
  const PortResourceStatus destroying = resource.status;
  EXPECT_EQ(destroying.phase, Phase::Destroying);
  for (const char* lagging : {"RECYCLED", "DESTROYING", "DESTROYING"}) {
    EXPECT_EQ(step(lagging).action, CloudAction::None);
    EXPECT_EQ(resource.status, destroying) << lagging << " after DestroyPort";
  }
  EXPECT_EQ(resource.status.port_status, "RECYCLED") << "portStatus lags until the next phase change";
  const Plan last = step("DESTROYED");
  EXPECT_EQ(last.finalizer, FinalizerChange::Remove);
  EXPECT_EQ(resource.status.phase, Phase::Destroyed);
  EXPECT_EQ(resource.status.port_status, "DESTROYED") << "the phase change brings portStatus up to date";
  EXPECT_EQ(writes, 4) << "Terminating, Recycled, Destroying, Destroyed";
}

TEST(Decide, PrepaidMessageSaysWhenAndHowToRelease) {
  const Plan plan =
      decide(deleting_resource(), seen("RUNNING", just_before_now(), "PREPAID", "2027-01-01T00:00:00Z"),
             DecideInput{now(), kSettings});
  const auto* ready = plan.status.condition("Ready");
  ASSERT_NE(ready, nullptr);
  EXPECT_NE(ready->message.find("2027-01-01T00:00:00Z"), std::string::npos);
  EXPECT_NE(ready->message.find("deletionPolicy to Orphan"), std::string::npos);
}

TEST(Decide, UnknownStatusMessageCarriesTheRawValue) {
  const Plan plan =
      decide(deleting_resource(), seen("RECYCLING_FAILED", just_before_now()), DecideInput{now(), kSettings});
  EXPECT_NE(plan.status.condition("Ready")->message.find("RECYCLING_FAILED"), std::string::npos);
}

TEST(Decide, ConditionTransitionTimeStaysWhileStatusStays) {
  PortResource resource = live_resource();
  const Plan first = decide(resource, seen("CREATING", t0()), DecideInput{t0() + 1s, kSettings});
  resource.status = first.status;
  const Plan second = decide(resource, seen("UPDATING", t0() + 10s), DecideInput{t0() + 11s, kSettings});
  const auto* ready = second.status.condition("Ready");
  EXPECT_EQ(ready->reason, "PortBusy");
  EXPECT_EQ(ready->last_transition_time, t0() + 1s);
  resource.status = second.status;
  const Plan third = decide(resource, seen("RUNNING", t0() + 20s), DecideInput{t0() + 21s, kSettings});
  EXPECT_EQ(third.status.condition("Ready")->last_transition_time, t0() + 21s);
}

TEST(Decide, MutationOutcomeAccepted) {
  const PortResource resource = deleting_resource();
  Plan plan = decide(resource, seen("RUNNING", just_before_now()), DecideInput{now(), kSettings});
  record_mutation_outcome(plan, resource, MutationOutcome{.accepted = true, .request_id = "req-1"});
  EXPECT_EQ(plan.status.last_operation->request_id, "req-1");
  EXPECT_EQ(plan.status.last_operation->code, "");
  EXPECT_EQ(plan.status.phase, Phase::Terminating);
}

TEST(Decide, MutationOutcomeRefusedKeepsTheStageUnstarted) {
  PortResource resource = deleting_resource();
  resource.status.phase = Phase::Ready;
  Plan plan = decide(resource, seen("RUNNING", just_before_now()), DecideInput{now(), kSettings});
  record_mutation_outcome(plan, resource,
                          MutationOutcome{.request_id = "req-2", .code = "OPERATION_DENIED_PORT_PREPAID"});
  EXPECT_EQ(plan.status.last_operation->code, "OPERATION_DENIED_PORT_PREPAID");
  EXPECT_EQ(plan.status.phase, Phase::Ready);
  EXPECT_FALSE(plan.status.terminate_requested_at.has_value());
  EXPECT_EQ(plan.requeue_after, milliseconds(0));
}

TEST(Decide, MutationOutcomeNoReplyIsRecordedAsMaybeDone) {
  const PortResource resource = deleting_resource();
  Plan plan = decide(resource, seen("RUNNING", just_before_now()), DecideInput{now(), kSettings});
  record_mutation_outcome(plan, resource, MutationOutcome{.may_have_taken_effect = true});
  EXPECT_EQ(plan.status.last_operation->code, kNoReplyCode);
  EXPECT_EQ(plan.status.terminate_requested_at, now());
  // The next decision, from an observation taken after it, still shows RUNNING: it waits, it does not resend.
  PortResource after = resource;
  after.status = plan.status;
  const Plan next = decide(after, seen("RUNNING", now() + 2s), DecideInput{now() + 3s, kSettings});
  EXPECT_EQ(next.action, CloudAction::None);
}

TEST(PollBackoff, DoublesPerPollAndCaps) {
  const DecideSettings s{};
  EXPECT_EQ(poll_backoff(t0(), t0(), s), 5s);
  EXPECT_EQ(poll_backoff(t0(), t0() + 4s, s), 5s);
  EXPECT_EQ(poll_backoff(t0(), t0() + 5s, s), 10s);
  EXPECT_EQ(poll_backoff(t0(), t0() + 15s, s), 20s);
  EXPECT_EQ(poll_backoff(t0(), t0() + 35s, s), 40s);
  EXPECT_EQ(poll_backoff(t0(), t0() + 75s, s), 60s);
  EXPECT_EQ(poll_backoff(t0(), t0() + 10h, s), 60s);
  EXPECT_EQ(poll_backoff(t0() + 1s, t0(), s), 5s) << "a stage start in the future is a fresh stage";
}

// ---- The sweep: every combination, checked against the invariants. ----

struct Case {
  std::string name;
  PortResource resource;
  std::optional<Observation> observation;
};

std::vector<Case> every_combination() {
  std::vector<std::pair<std::string, PortResource>> resources;
  for (const auto& [policy_name, policy] : std::vector<std::pair<std::string, std::optional<DeletionPolicy>>>{
           {"Delete", DeletionPolicy::Delete},
           {"RecycleBin", DeletionPolicy::RecycleBin},
           {"Orphan", DeletionPolicy::Orphan},
           {"invalid", std::nullopt}}) {
    const auto base_policy = policy.value_or(DeletionPolicy::Delete);
    const std::vector<std::pair<std::string, PortResource>> states{
        {"live-nofin", live_resource(base_policy, false)},
        {"live-fin", live_resource(base_policy, true)},
        {"del-fin", deleting_resource(base_policy, true)},
        {"del-nofin", deleting_resource(base_policy, false)},
    };
    const std::vector<std::tuple<std::string, std::string, std::string, Time>> operations{
        {"no-op", "", "", Time{}},
        {"term-recent", "TerminatePort", "", now() - 60s},
        {"term-old", "TerminatePort", "", now() - 11min},
        {"term-noreply", "TerminatePort", kNoReplyCode, now() - 60s},
        {"term-prepaid", "TerminatePort", "OPERATION_DENIED_PORT_PREPAID", now() - 60s},
        {"term-unknown-old", "TerminatePort", "SOMETHING", now() - 6min},
        {"term-throttled", "TerminatePort", "REQUEST_LIMIT_EXCEEDED", now() - 2s},
        {"destroy-recent", "DestroyPort", "", now() - 60s},
        {"destroy-old", "DestroyPort", "", now() - 11min},
        {"destroy-refused", "DestroyPort", "SOMETHING", now() - 60s},
    };
    for (const auto& [state_name, state] : states) {
      for (const auto& [op_name, action, code, at] : operations) {
        PortResource resource = action.empty() ? state : with_operation(state, action, code, at);
        if (!policy) resource = unknown_policy(resource);
        resources.emplace_back(policy_name + "/" + state_name + "/" + op_name, std::move(resource));
      }
    }
  }
  const Time o = just_before_now();
  const std::vector<std::pair<std::string, std::optional<Observation>>> observations{
      {"none", std::nullopt},
      {"stale-recycled", seen("RECYCLED", now() - 20min)},
      {"creating", seen("CREATING", o)},
      {"running", seen("RUNNING", o)},
      {"running-prepaid", seen("RUNNING", o, "PREPAID", "2027-01-01T00:00:00Z")},
      {"running-no-charge", seen("RUNNING", o, std::nullopt)},
      {"recycled", seen("RECYCLED", o)},
      {"destroying", seen("DESTROYING", o)},
      {"destroyed", seen("DESTROYED", o)},
      {"updating", seen("UPDATING", o)},
      {"absent", Observation::absent(o)},
      {"unknown", seen("WEIRD", o)},
      {"err-throttled", cloud_failure(ErrorClass::Throttled, "REQUEST_LIMIT_EXCEEDED", o)},
      {"err-transient", cloud_failure(ErrorClass::Transient, "SERVICE_TEMPORARY_UNAVAILABLE", o)},
      {"err-transport", cloud_failure(ErrorClass::Transport, "", o)},
      {"err-auth", cloud_failure(ErrorClass::Auth, "AUTHFAILURE_SIGNATURE_FAILURE", o)},
      {"err-invalid", cloud_failure(ErrorClass::InvalidRequest, "INVALID_PARAMETER", o)},
      {"err-notfound", cloud_failure(ErrorClass::NotFound, "INVALID_PORT_NOT_FOUND", o)},
      {"err-blocked", cloud_failure(ErrorClass::NetworkBlocked, "", o)},
      {"err-unknown", cloud_failure(ErrorClass::Unknown, "X", o)},
      {"err-recycled", cloud_failure(ErrorClass::AlreadyRecycled, "OPERATION_DENIED_INSTANCE_RECYCLED", o)},
      {"no-credentials", Observation::credentials_error({"InvalidCredentials", "no key"}, o)},
  };
  std::vector<Case> cases;
  for (const auto& [resource_name, resource] : resources) {
    for (const auto& [observation_name, observation] : observations) {
      cases.push_back(Case{resource_name + "/" + observation_name, resource, observation});
    }
  }
  return cases;
}

bool observed(const std::optional<Observation>& observation, std::string_view status) {
  return observation && observation->kind == Observation::Kind::Found &&
         observation->port->port_status == status;
}

TEST(DecideSweep, InvariantsHoldForEveryCombination) {
  const auto cases = every_combination();
  ASSERT_EQ(cases.size(), 4u * 4u * 10u * 22u);
  int mutations = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto& r = c.resource;
    const Plan plan = decide(r, c.observation, DecideInput{now(), kSettings});
    const bool mutation =
        plan.action == CloudAction::TerminatePort || plan.action == CloudAction::DestroyPort;
    const auto& operation = r.status.last_operation;
    const bool fresh = c.observation && (!operation || c.observation->observed_at > *operation->time);
    if (mutation) {
      ++mutations;
      EXPECT_TRUE(r.deleting() && r.has_finalizer());
      EXPECT_TRUE(r.spec.deletion_policy == DeletionPolicy::Delete ||
                  r.spec.deletion_policy == DeletionPolicy::RecycleBin);
      EXPECT_TRUE(fresh) << "a mutation needs an observation taken after the last one";
      if (operation && operation->action == to_string(plan.action) &&
          (operation->code.empty() || operation->code == kNoReplyCode)) {
        EXPECT_GE(now() - *operation->time, kSettings.terminate_grace) << "no resend within grace";
      }
    }
    // An adopted port whose spec manages no attribute and asks for no restore is never created, modified
    // or renewed, and needs no lookup.
    EXPECT_TRUE(plan.action != CloudAction::CreatePort && plan.action != CloudAction::LookupPorts &&
                plan.action != CloudAction::ModifyPort && plan.action != CloudAction::RenewPort)
        << to_string(plan.action);
    if (r.has_finalizer() && r.invalid_spec.empty() &&
        !(r.deleting() && r.spec.deletion_policy == DeletionPolicy::Orphan) && plan.status != r.status) {
      EXPECT_EQ(plan.status.port_id, "port-1") << "adoption records the identity in every status it writes";
    }
    if (plan.action == CloudAction::ObservePort) {
      EXPECT_EQ(plan.status, r.status) << "nothing new is known of the port: nothing to write";
    }
    if (plan.action == CloudAction::DestroyPort) {
      EXPECT_TRUE(observed(c.observation, "RECYCLED"));
      EXPECT_EQ(r.spec.deletion_policy, DeletionPolicy::Delete);
    }
    if (plan.action == CloudAction::TerminatePort) {
      EXPECT_TRUE(observed(c.observation, "RUNNING"));
      EXPECT_NE(c.observation->port->port_charge_type, std::optional<std::string>("PREPAID"));
    }
    if (r.spec.deletion_policy == DeletionPolicy::Orphan) {
      EXPECT_FALSE(mutation);
    }
    if (plan.finalizer == FinalizerChange::Remove) {
      EXPECT_TRUE(r.deleting() && r.has_finalizer());
      ASSERT_TRUE(plan.status.phase.has_value());
      const Phase phase = *plan.status.phase;
      EXPECT_TRUE(phase == Phase::Destroyed || phase == Phase::Orphaned ||
                  (phase == Phase::Recycled && r.spec.deletion_policy == DeletionPolicy::RecycleBin))
          << to_string(phase);
      if (phase == Phase::Destroyed) {
        EXPECT_TRUE(observed(c.observation, "DESTROYED") ||
                    (c.observation && (c.observation->kind == Observation::Kind::Absent ||
                                       c.observation->failure.error_class == ErrorClass::NotFound)));
      }
    }
    if (plan.finalizer == FinalizerChange::Add) {
      EXPECT_TRUE(!r.deleting() && !r.has_finalizer());
      EXPECT_EQ(plan.action, CloudAction::None);
    }
    if (!r.has_finalizer()) {
      EXPECT_NE(plan.finalizer, FinalizerChange::Remove);
    }
    if (plan.requeue_after) {
      EXPECT_GE(plan.requeue_after->count(), 0);
      EXPECT_LE(*plan.requeue_after, std::max(kSettings.resync_period, kSettings.error_retry_interval));
    }
    if (plan.action == CloudAction::ObservePort) {
      EXPECT_FALSE(plan.requeue_after.has_value());
    }
    for (const auto& condition : plan.status.conditions) {
      EXPECT_EQ(condition.message.find("req-"), std::string::npos) << "request ids stay out of conditions";
      EXPECT_EQ(condition.message.find("server text"), std::string::npos)
          << "server text stays out of conditions";
      EXPECT_FALSE(condition.reason.empty());
    }
    expect_level_based(r, plan, c.observation);
  }
  EXPECT_GT(mutations, 0);
}

}  // namespace
}  // namespace zpo::port
