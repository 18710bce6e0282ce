// The decision for resources that create their port (issue 5): the table of the create flow (finalizer,
// lookup, CreatePort, the refusals, the create in flight and its recovery by name, deletion of a resource
// that created nothing), what record_mutation_outcome makes of each CreatePort outcome, and a sweep over
// every combination that checks the no-duplicate-create invariants.

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "decide_table.hpp"
#include "port/decide.hpp"
#include "port_fixtures.hpp"

namespace zpo::port {
namespace {

using namespace testing;
using zenlayer::ErrorClass;

struct Row {
  std::string name;
  PortResource resource;
  std::optional<PortLookup> lookup;
  Expect expect;
  Time at = now();
};

// A failing row is shown by its name.
void PrintTo(const Row& row, std::ostream* out) {
  *out << row.name;
}

// A CreatePort recorded in the status at `at` with `code` ("" : the create in flight, written before the
// call), for the data center and name the spec has.
PortResource with_create(PortResource resource, std::string code, Time at) {
  resource.status.phase = Phase::Pending;
  resource.status.last_operation = LastOperation{"CreatePort", "", std::move(code), at, "SIN1", "edge-1"};
  return resource;
}

// A CreatePort refused as invalid input, as record_mutation_outcome leaves it: Failed, Ready CreateFailed for
// `generation`.
PortResource create_failed(PortResource resource, std::int64_t generation) {
  resource = with_create(std::move(resource), "INVALID_PARAMETER_DC_ID", now() - 10min);
  resource.status.phase = Phase::Failed;
  resource.status.conditions.push_back(
      Condition{"Ready", "False", generation, now() - 10min, "CreateFailed", "CreatePort refused: ..."});
  return resource;
}

PortResource deleted(PortResource resource) {
  resource.deletion_timestamp = now() - 30s;
  return resource;
}

PortResource invalid(PortResource resource) {
  resource.invalid_spec = "spec.portType \"5G\" is not one of 1G, 10G, 40G, 100G, 400G";
  return resource;
}

// A status written before status.portId existed, for a port since unnamed (spec.portId removed).
PortResource identity_lost(PortResource resource) {
  resource.status.phase = Phase::Ready;
  resource.status.port_status = "RUNNING";
  return resource;
}

PortResource at_generation(PortResource resource, std::int64_t generation) {
  resource.generation = generation;
  return resource;
}

std::vector<Row> rows() {
  const Time o = just_before_now();
  const Time young = now() - 2s;  // a create in flight younger than the poll interval
  const Time old = now() - 60s;   // older than the poll interval
  const Time stale =
      now() - kSettings.terminate_grace - 1s;  // past the cloud's lag: an empty lookup is proof
  const auto running = [](std::string id) { return cloud_port(std::move(id)); };
  return {
      // The finalizer first, alone.
      {"new_no_finalizer_adds_it_first", new_resource(DeletionPolicy::Delete, false), std::nullopt,
       expect(kNone, std::nullopt, "", "", kAdd, 0ms, 0ms)},

      // A fresh create: look the name up, then create only if nothing lives under that name.
      {"new_looks_up_first", new_resource(), std::nullopt,
       expect(kLookup, Phase::Pending, "Creating", "", kKeep)},
      {"new_nothing_found_creates", new_resource(), found_ports({}),
       expect(kCreate, Phase::Pending, "Creating", "Observed", kKeep, kPoll, kPoll)},
      {"new_loose_matches_do_not_count", new_resource(),
       found_ports({cloud_port("port-7", "RUNNING", "edge-10"),
                    cloud_port("port-8", "RUNNING", "edge-1", "FRA1"), cloud_port("port-9", "DESTROYED"),
                    cloud_port("port-6", "DESTROYING")}),
       expect(kCreate, Phase::Pending, "Creating", "Observed", kKeep, kPoll, kPoll)},
      {"new_name_in_use_fails", new_resource(), found_ports({running("port-7")}),
       expect(kNone, Phase::Failed, "PortNameInUse", "PortNameInUse", kKeep, kRetry, kRetry,
              {"PortNameInUse"})},
      {"new_name_in_use_by_a_recycled_port", new_resource(), found_ports({cloud_port("port-7", "RECYCLED")}),
       expect(kNone, Phase::Failed, "PortNameInUse", "PortNameInUse", kKeep, kRetry, kRetry,
              {"PortNameInUse"})},
      {"new_lookup_throttled_creates_nothing", new_resource(),
       lookup_failure(ErrorClass::Throttled, "REQUEST_LIMIT_EXCEEDED", o),
       expect(kNone, Phase::Pending, "", "Throttled", kKeep, kPoll, kPoll, {"CloudError"})},
      {"new_lookup_unavailable_creates_nothing", new_resource(), lookup_failure(ErrorClass::Transport, "", o),
       expect(kNone, Phase::Pending, "", "CloudUnavailable", kKeep, kPoll, kPoll, {"CloudError"})},
      {"new_lookup_auth_creates_nothing", new_resource(),
       lookup_failure(ErrorClass::Auth, "AUTHFAILURE_SIGNATURE_FAILURE", o),
       expect(kNone, Phase::Pending, "InvalidCredentials", "InvalidCredentials", kKeep, kRetry, kRetry,
              {"InvalidCredentials"})},
      {"new_lookup_without_credentials", new_resource(),
       PortLookup{
           {},
           Observation::credentials_error({"CredentialsSecretNotFound", "Secret team-a/zl not found"}, o)},
       expect(kNone, Phase::Pending, "CredentialsSecretNotFound", "CredentialsSecretNotFound", kKeep, kRetry,
              kRetry, {"InvalidCredentials"})},
      {"new_lookup_invalid_dc_fails", new_resource(),
       lookup_failure(ErrorClass::InvalidRequest, "INVALID_PARAMETER_DC_ID", o),
       expect(kNone, Phase::Failed, "CreateFailed", "CreateFailed", kKeep, kRetry, kRetry, {"CreateFailed"})},
      {"new_lookup_not_found_code_creates_nothing", new_resource(),
       lookup_failure(ErrorClass::NotFound, "OPERATION_FAILED_RESOURCE_NOT_FOUND", o),
       expect(kNone, Phase::Pending, "", "CloudError", kKeep, kRetry, kRetry, {"CloudError"})},

      // A create in flight (a crash after the record, a lost reply, a 500): found by name before anything
      // else.
      {"in_flight_young_waits_for_the_cloud", with_create(new_resource(), "", young), std::nullopt,
       expect(kNone, Phase::Pending, "", "", kKeep, 3s, 3s)},
      {"in_flight_young_waits_even_with_a_lookup", with_create(new_resource(), "", young), found_ports({}),
       expect(kNone, Phase::Pending, "", "", kKeep, 3s, 3s)},
      {"in_flight_looks_up", with_create(new_resource(), "", old), std::nullopt,
       expect(kLookup, Phase::Pending, "CreatePending", "", kKeep)},
      {"in_flight_no_reply_looks_up", with_create(new_resource(), kNoReplyCode, old), std::nullopt,
       expect(kLookup, Phase::Pending, "CreatePending", "", kKeep)},
      {"in_flight_500_looks_up", with_create(new_resource(), "INTERNAL_SERVER_ERROR", old), std::nullopt,
       expect(kLookup, Phase::Pending, "CreatePending", "", kKeep)},
      {"in_flight_one_found_is_ours", with_create(new_resource(), "", old), found_ports({running("port-7")}),
       expect(kNone, Phase::Ready, "PortRunning", "Observed", kKeep, kResync, kResync, {"PortFound"})},
      {"in_flight_one_found_creating", with_create(new_resource(), kNoReplyCode, old),
       found_ports({cloud_port("port-7", "CREATING"), cloud_port("port-3", "RUNNING", "edge-1 old")}),
       expect(kNone, Phase::Pending, "PortCreating", "Observed", kKeep, kPoll, kPoll, {"PortFound"})},
      {"in_flight_none_found_creates_again", with_create(new_resource(), kNoReplyCode, stale),
       found_ports({}), expect(kCreate, Phase::Pending, "Creating", "Observed", kKeep, kPoll, kPoll)},
      {"in_flight_none_found_yet_looks_again", with_create(new_resource(), kNoReplyCode, old),
       found_ports({}), expect(kNone, Phase::Pending, "CreatePending", "", kKeep, kPoll, kMaxPoll)},
      {"in_flight_several_found_blocks", with_create(new_resource(), "", old),
       found_ports({running("port-7"), running("port-8")}),
       expect(kNone, Phase::Blocked, "CreateIndeterminate", "CreateIndeterminate", kKeep, kRetry, kRetry,
              {"CreateIndeterminate"})},
      {"in_flight_lookup_failed_creates_nothing", with_create(new_resource(), "", old),
       lookup_failure(ErrorClass::Transient, "SERVICE_TEMPORARY_UNAVAILABLE", o),
       expect(kNone, Phase::Pending, "", "CloudUnavailable", kKeep, kPoll, kPoll, {"CloudError"})},

      // Refused creates: invalid input waits for a spec change; anything else waits, then starts over.
      {"refused_invalid_stays_failed", create_failed(new_resource(), 2), std::nullopt,
       expect(kNone, Phase::Failed, "CreateFailed", "", kKeep)},
      {"refused_invalid_stays_failed_whatever_the_lookup", create_failed(new_resource(), 2), found_ports({}),
       expect(kNone, Phase::Failed, "CreateFailed", "", kKeep)},
      {"refused_invalid_spec_changed_starts_over", at_generation(create_failed(new_resource(), 2), 3),
       std::nullopt, expect(kLookup, Phase::Pending, "Creating", "", kKeep)},
      {"refused_invalid_spec_changed_creates", at_generation(create_failed(new_resource(), 2), 3),
       found_ports({}), expect(kCreate, Phase::Pending, "Creating", "Observed", kKeep, kPoll, kPoll)},
      {"refused_throttled_waits_a_poll", with_create(new_resource(), "REQUEST_LIMIT_EXCEEDED", young),
       std::nullopt, expect(kNone, Phase::Pending, "", "Throttled", kKeep, 3s, 3s, {"CloudError"})},
      {"refused_throttled_then_looks_up", with_create(new_resource(), "REQUEST_LIMIT_EXCEEDED", now() - 10s),
       std::nullopt, expect(kLookup, Phase::Pending, "Creating", "", kKeep)},
      {"refused_unknown_waits_the_retry_interval", with_create(new_resource(), "SOMETHING_NEW", old),
       std::nullopt, expect(kNone, Phase::Pending, "", "CloudError", kKeep, 4min, 4min, {"CloudError"})},
      {"refused_auth_is_invalid_credentials",
       with_create(new_resource(), "AUTHFAILURE_INVALID_AUTHORIZATION", old), std::nullopt,
       expect(kNone, Phase::Pending, "InvalidCredentials", "InvalidCredentials", kKeep, 4min, 4min,
              {"InvalidCredentials"})},
      {"refused_auth_retried_after_the_interval",
       with_create(new_resource(), "AUTHFAILURE_INVALID_AUTHORIZATION", now() - 6min), found_ports({}),
       expect(kCreate, Phase::Pending, "Creating", "Observed", kKeep, kPoll, kPoll)},

      // Deleting a resource that created nothing: released at once, no cloud call, status untouched.
      {"deleting_never_created_releases", deleted(new_resource()), std::nullopt,
       expect(kNone, std::nullopt, "", "", kRemove)},
      {"deleting_after_create_failed_releases", deleted(create_failed(new_resource(), 2)), std::nullopt,
       expect(kNone, Phase::Failed, "CreateFailed", "", kRemove)},
      {"deleting_after_a_refused_create_releases",
       deleted(with_create(new_resource(), "REQUEST_LIMIT_EXCEEDED", young)), std::nullopt,
       expect(kNone, Phase::Pending, "", "", kRemove)},
      {"deleting_without_finalizer_does_nothing", deleted(new_resource(DeletionPolicy::Delete, false)),
       std::nullopt, expect(kNone, std::nullopt, "", "", kKeep)},
      {"deleting_invalid_never_created_releases", invalid(deleted(new_resource())), std::nullopt,
       expect(kNone, std::nullopt, "", "", kRemove)},
      {"deleting_invalid_in_flight_holds", invalid(deleted(with_create(new_resource(), "", old))),
       std::nullopt,
       expect(kNone, Phase::Failed, "InvalidSpec", "InvalidSpec", kKeep, {}, {}, {"InvalidSpec"})},
      // An unnamed port the status still shows: neither created again nor silently released.
      {"identity_lost_creates_nothing", identity_lost(new_resource()), found_ports({}),
       expect(kNone, Phase::Failed, "InvalidSpec", "InvalidSpec", kKeep, {}, {}, {"InvalidSpec"})},
      {"identity_lost_deleting_holds", deleted(identity_lost(new_resource())), std::nullopt,
       expect(kNone, Phase::Failed, "InvalidSpec", "InvalidSpec", kKeep, {}, {}, {"InvalidSpec"})},
      // ... with a create in flight: recover first, then delete what was found.
      {"deleting_in_flight_young_waits", deleted(with_create(new_resource(), "", young)), std::nullopt,
       expect(kNone, Phase::Pending, "", "", kKeep, 3s, 3s)},
      {"deleting_in_flight_looks_up", deleted(with_create(new_resource(), kNoReplyCode, old)), std::nullopt,
       expect(kLookup, Phase::Pending, "CreatePending", "", kKeep)},
      {"deleting_in_flight_none_found_releases", deleted(with_create(new_resource(), kNoReplyCode, stale)),
       found_ports({}), expect(kNone, Phase::Pending, "", "", kRemove)},
      {"deleting_in_flight_none_found_yet_keeps_the_finalizer",
       deleted(with_create(new_resource(), kNoReplyCode, old)), found_ports({}),
       expect(kNone, Phase::Pending, "CreatePending", "", kKeep, kPoll, kMaxPoll)},
      {"deleting_in_flight_one_found_terminates", deleted(with_create(new_resource(), "", old)),
       found_ports({running("port-7")}),
       expect(kTerminate, Phase::Terminating, "Terminating", "Observed", kKeep, kPoll, kPoll, {"PortFound"})},
      {"deleting_in_flight_one_found_creating_waits", deleted(with_create(new_resource(), "", old)),
       found_ports({cloud_port("port-7", "CREATING")}),
       expect(kNone, Phase::Pending, "PortCreating", "Observed", kKeep, kPoll, kMaxPoll, {"PortFound"})},
      {"deleting_in_flight_several_found_blocks", deleted(with_create(new_resource(), "", old)),
       found_ports({running("port-7"), running("port-8")}),
       expect(kNone, Phase::Blocked, "CreateIndeterminate", "CreateIndeterminate", kKeep, kRetry, kRetry,
              {"CreateIndeterminate"})},
      {"orphan_in_flight_releases_untouched",
       deleted(with_create(new_resource(DeletionPolicy::Orphan), "", old)), std::nullopt,
       expect(kNone, Phase::Orphaned, "Orphaned", "Orphaned", kRemove, {}, {}, {"Orphaned"})},

      // Once created, status.portId is the identity: the port is observed, never looked up or created again.
      {"created_observes", with_create(created_resource(), "", young), std::nullopt,
       expect(kObserve, Phase::Pending, "", "", kKeep)},
      {"created_ignores_a_lookup", with_create(created_resource(), "", old), found_ports({}),
       expect(kObserve, Phase::Pending, "", "", kKeep)},
  };
}

class DecideCreateTable : public ::testing::TestWithParam<Row> {};

TEST_P(DecideCreateTable, Row) {
  const Row& row = GetParam();
  const Plan plan = decide(row.resource, std::nullopt, DecideInput{row.at, kSettings}, row.lookup);
  check_plan(plan, row.expect);
  if (plan.finalizer == FinalizerChange::Add ||
      (plan.finalizer == FinalizerChange::Remove &&
       row.resource.spec.deletion_policy != DeletionPolicy::Orphan)) {
    EXPECT_EQ(plan.status, row.resource.status) << "nothing but the finalizer in that step";
  }
  if (row.resource.creates_port() && row.resource.status.port_id.empty() && !row.resource.deleting() &&
      plan.status.port_id.empty() && reason(plan.status, "Ready") != "InvalidSpec") {
    EXPECT_EQ(plan.status.observed_generation, row.resource.status.observed_generation)
        << "observedGeneration waits for the port";
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, DecideCreateTable, ::testing::ValuesIn(rows()),
                         [](const auto& info) { return info.param.name; });

TEST(DecideCreate, CreatePlanCarriesTheSpecAndTheInFlightRecord) {
  PortResource resource = new_resource();
  resource.status.observed_generation = 1;
  const Plan plan = decide(resource, std::nullopt, DecideInput{now(), kSettings}, found_ports({}));
  ASSERT_EQ(plan.action, CloudAction::CreatePort);
  ASSERT_TRUE(plan.create.has_value());
  EXPECT_EQ(plan.create->dc_id, "SIN1");
  EXPECT_EQ(plan.create->port_name, "edge-1");
  EXPECT_EQ(plan.create->port_type, "10G");
  EXPECT_EQ(plan.create->business_entity_name, "Example Ltd");
  EXPECT_EQ(plan.create->port_remarks, std::optional<std::string>("uplink"));
  EXPECT_EQ(plan.status.last_operation, (LastOperation{"CreatePort", "", "", now(), "SIN1", "edge-1"}));
  EXPECT_EQ(plan.status.port_id, "");
  EXPECT_EQ(plan.status.observed_generation, 1) << "the spec is not applied before the port exists";
  EXPECT_EQ(plan.status.condition("Ready")->message, "CreatePort sent; waiting for the port id");
}

TEST(DecideCreate, WithoutRemarksNoneAreSent) {
  PortResource resource = new_resource();
  resource.spec.port_remarks.reset();
  const Plan plan = decide(resource, std::nullopt, DecideInput{now(), kSettings}, found_ports({}));
  ASSERT_TRUE(plan.create.has_value());
  EXPECT_FALSE(plan.create->port_remarks.has_value());
}

TEST(DecideCreate, NameInUseSaysWhichPortAndWhatToDo) {
  const Plan plan = decide(new_resource(), std::nullopt, DecideInput{now(), kSettings},
                           found_ports({cloud_port("port-7")}));
  const std::string& message = plan.status.condition("Ready")->message;
  EXPECT_NE(message.find("port-7"), std::string::npos) << message;
  EXPECT_NE(message.find("set spec.portId to adopt it, or choose another portName"), std::string::npos);
  EXPECT_EQ(plan.events.at(0).kind, EventKind::Warning);
}

TEST(DecideCreate, FoundPortBecomesTheIdentity) {
  PortResource resource = with_create(new_resource(), kNoReplyCode, now() - 60s);
  const Plan plan =
      decide(resource, std::nullopt, DecideInput{now(), kSettings}, found_ports({cloud_port("port-7")}));
  EXPECT_EQ(plan.status.port_id, "port-7");
  EXPECT_EQ(plan.status.port_status, "RUNNING");
  ASSERT_EQ(plan.events.size(), 1u);
  EXPECT_EQ(plan.events[0].kind, EventKind::Normal);
  EXPECT_NE(plan.events[0].message.find("port-7"), std::string::npos);
  EXPECT_NE(plan.events[0].message.find("unknown"), std::string::npos);
  EXPECT_EQ(plan.status.observed_generation, 2) << "the port matches the spec: applied";
}

TEST(DecideCreate, FoundPortWhileDeletingIsTerminatedByItsId) {
  PortResource resource = deleted(with_create(new_resource(), "", now() - 60s));
  const Plan plan =
      decide(resource, std::nullopt, DecideInput{now(), kSettings}, found_ports({cloud_port("port-7")}));
  ASSERT_EQ(plan.action, CloudAction::TerminatePort);
  EXPECT_EQ(plan.status.port_id, "port-7") << "the reconciler terminates port_id(): it must be the found one";
  EXPECT_EQ(plan.status.last_operation->action, "TerminatePort");
}

TEST(DecideCreate, IndeterminateNamesEveryCandidateAndTheWayOut) {
  PortResource resource = with_create(new_resource(), "", now() - 60s);
  const Plan plan = decide(resource, std::nullopt, DecideInput{now(), kSettings},
                           found_ports({cloud_port("port-7"), cloud_port("port-8", "CREATING")}));
  const std::string& message = plan.status.condition("Ready")->message;
  EXPECT_NE(message.find("port-7"), std::string::npos) << message;
  EXPECT_NE(message.find("port-8"), std::string::npos) << message;
  EXPECT_NE(message.find("spec.portId"), std::string::npos) << message;
  EXPECT_NE(message.find("Orphan"), std::string::npos) << message;
  EXPECT_EQ(plan.status.last_operation, resource.status.last_operation)
      << "the record stays for the next look";
}

TEST(DecideCreate, ActionNames) {
  EXPECT_EQ(to_string(CloudAction::LookupPorts), "LookupPorts");
  EXPECT_EQ(to_string(CloudAction::CreatePort), "CreatePort");
  EXPECT_EQ(to_string(CloudAction::ModifyPort), "ModifyPortAttribute");
  EXPECT_EQ(to_string(CloudAction::RenewPort), "RenewPort");
}

// The cloud lags: a port created moments ago may not be listed yet. Its absence is not the port being gone,
// neither for a live resource (not Failed) nor for a deleted one (the finalizer stays, or the port would
// leak).
TEST(DecideCreate, AbsentRightAfterCreateIsNotGone) {
  for (const auto& absent :
       {Observation::absent(just_before_now()),
        cloud_failure(ErrorClass::NotFound, "INVALID_PORT_NOT_FOUND", just_before_now())}) {
    const PortResource live = with_create(created_resource(), "", now() - 60s);
    const Plan waiting = decide(live, absent, DecideInput{now(), kSettings});
    check_plan(waiting, expect(kNone, Phase::Pending, "PortCreating", "Observed", kKeep, kPoll, kMaxPoll));
    const Plan deleting = decide(deleted(live), absent, DecideInput{now(), kSettings});
    check_plan(deleting, expect(kNone, Phase::Pending, "PortCreating", "Observed", kKeep, kPoll, kMaxPoll));

    // The grace ran out after the look: the look cannot tell "not listed yet" from gone.
    const PortResource graced_at_look = with_create(created_resource(), "", now() - 10min - 30s);
    Observation before_grace_end = absent;
    before_grace_end.observed_at = now() - 60s;
    check_plan(decide(deleted(graced_at_look), before_grace_end, DecideInput{now(), kSettings}),
               expect(kNone, Phase::Pending, "PortCreating", "Observed", kKeep, kPoll, kMaxPoll));

    // Past the grace period, absent is gone.
    const PortResource settled = with_create(created_resource(), kNoReplyCode, now() - 11min);
    check_plan(
        decide(settled, absent, DecideInput{now(), kSettings}),
        expect(kNone, Phase::Failed, "PortNotFound", "Observed", kKeep, kResync, kResync, {"PortNotFound"}));
    check_plan(
        decide(deleted(settled), absent, DecideInput{now(), kSettings}),
        expect(kNone, Phase::Destroyed, "PortDestroyed", "Observed", kRemove, {}, {}, {"PortDestroyed"}));
  }
}

// ---- What record_mutation_outcome makes of a CreatePort, and the decision that follows. ----

Plan create_plan(const PortResource& resource, Time at = now()) {
  Plan plan = decide(resource, std::nullopt, DecideInput{at, kSettings}, found_ports({}));
  EXPECT_EQ(plan.action, CloudAction::CreatePort);
  return plan;
}

PortResource after(PortResource resource, const Plan& plan) {
  resource.status = plan.status;
  return resource;
}

TEST(DecideCreateOutcome, AcceptedRecordsTheIdentity) {
  const PortResource resource = new_resource();
  Plan plan = create_plan(resource);
  MutationOutcome outcome;
  outcome.accepted = true;
  outcome.request_id = "req-1";
  outcome.port_id = "port-42";
  record_mutation_outcome(plan, resource, outcome);
  EXPECT_EQ(plan.status.port_id, "port-42");
  EXPECT_EQ(plan.status.last_operation, (LastOperation{"CreatePort", "req-1", "", now(), "SIN1", "edge-1"}));
  EXPECT_EQ(plan.status.phase, Phase::Pending);
  EXPECT_EQ(reason(plan.status, "Ready"), "PortCreating");
  EXPECT_EQ(plan.status.condition("Ready")->message,
            "CreatePort accepted (port port-42); waiting for RUNNING");
  EXPECT_EQ(plan.requeue_after, milliseconds(0));
  // Then: observed by its id, Pending while CREATING, Ready once RUNNING; never a lookup or a create again.
  const PortResource next = after(resource, plan);
  EXPECT_EQ(next.port_id(), "port-42");
  EXPECT_EQ(decide(next, std::nullopt, DecideInput{now() + 1s, kSettings}).action, CloudAction::ObservePort);
  const Plan creating = decide(next, Observation::found(cloud_port("port-42", "CREATING"), now() + 2s),
                               DecideInput{now() + 2s, kSettings});
  EXPECT_EQ(creating.action, CloudAction::None);
  EXPECT_EQ(creating.status.phase, Phase::Pending);
  EXPECT_EQ(reason(creating.status, "Ready"), "PortCreating");
  EXPECT_NE(creating.status.observed_generation, std::optional<std::int64_t>(2))
      << "not applied while CREATING";
  const Plan running = decide(after(next, creating), Observation::found(cloud_port("port-42"), now() + 30s),
                              DecideInput{now() + 30s, kSettings});
  EXPECT_EQ(running.action, CloudAction::None);
  EXPECT_EQ(running.status.phase, Phase::Ready);
  EXPECT_EQ(running.status.observed_generation, 2);
}

TEST(DecideCreateOutcome, InvalidInputFailsUntilTheSpecChanges) {
  const PortResource resource = new_resource();
  Plan plan = create_plan(resource);
  MutationOutcome outcome;
  outcome.request_id = "req-2";
  outcome.code = "INVALID_PARAMETER_DC_ID";
  outcome.message = "dcId SIN1 does not exist";
  outcome.error_class = ErrorClass::InvalidRequest;
  record_mutation_outcome(plan, resource, outcome);
  EXPECT_EQ(plan.status.phase, Phase::Failed);
  EXPECT_EQ(plan.status.last_operation->code, "INVALID_PARAMETER_DC_ID");
  const auto* ready = plan.status.condition("Ready");
  EXPECT_EQ(ready->reason, "CreateFailed");
  EXPECT_EQ(ready->message, "CreatePort refused: INVALID_PARAMETER_DC_ID: dcId SIN1 does not exist");
  EXPECT_EQ(ready->observed_generation, 2);
  EXPECT_EQ(reason(plan.status, "Synced"), "CreateFailed");
  ASSERT_EQ(plan.events.size(), 1u);
  EXPECT_EQ(plan.events[0], (PlannedEvent{EventKind::Warning, "CreateFailed", ready->message}));
  EXPECT_FALSE(plan.requeue_after.has_value());
  // No retry storm: later decisions do nothing at all, whatever the time.
  PortResource next = after(resource, plan);
  for (const milliseconds later : std::vector<milliseconds>{1s, 10min, 48h}) {
    const Plan again = decide(next, std::nullopt, DecideInput{now() + later, kSettings});
    EXPECT_EQ(again.action, CloudAction::None);
    EXPECT_EQ(again.status, plan.status);
    EXPECT_TRUE(again.events.empty());
    EXPECT_FALSE(again.requeue_after.has_value());
  }
  // A spec change (a new generation) tries again, from a lookup.
  next.generation = 3;
  EXPECT_EQ(decide(next, std::nullopt, DecideInput{now() + 1min, kSettings}).action,
            CloudAction::LookupPorts);
}

TEST(DecideCreateOutcome, RefusedForNowWaitsThenStartsOverWithALookup) {
  const PortResource resource = new_resource();
  Plan plan = create_plan(resource);
  MutationOutcome outcome;
  outcome.code = "REQUEST_LIMIT_EXCEEDED";
  outcome.error_class = ErrorClass::Throttled;
  record_mutation_outcome(plan, resource, outcome);
  EXPECT_EQ(plan.status.last_operation->code, "REQUEST_LIMIT_EXCEEDED");
  EXPECT_EQ(plan.status.conditions, resource.status.conditions) << "nothing began";
  EXPECT_EQ(plan.requeue_after, milliseconds(0));
  const PortResource next = after(resource, plan);
  const Plan waiting = decide(next, std::nullopt, DecideInput{now() + 1s, kSettings});
  EXPECT_EQ(waiting.action, CloudAction::None);
  EXPECT_EQ(reason(waiting.status, "Synced"), "Throttled");
  EXPECT_EQ(decide(next, std::nullopt, DecideInput{now() + 6s, kSettings}).action, CloudAction::LookupPorts);
}

// A lost reply, a 500, a 502 with its own code: the port may exist, so the record stays a create in flight.
TEST(DecideCreateOutcome, UncertainOutcomesStayInFlight) {
  struct Case {
    std::string code;
    bool may_have_taken_effect;
    std::string recorded;
  };
  for (const auto& c : std::vector<Case>{{"", true, kNoReplyCode},
                                         {"INTERNAL_SERVER_ERROR", true, "INTERNAL_SERVER_ERROR"},
                                         {"INTERNAL_SERVER_ERROR", false, "INTERNAL_SERVER_ERROR"},
                                         {"BAD_GATEWAY", true, kNoReplyCode}}) {
    SCOPED_TRACE(c.code);
    const PortResource resource = new_resource();
    Plan plan = create_plan(resource);
    MutationOutcome outcome;
    outcome.code = c.code;
    outcome.may_have_taken_effect = c.may_have_taken_effect;
    outcome.error_class = ErrorClass::Transient;
    record_mutation_outcome(plan, resource, outcome);
    EXPECT_EQ(plan.status.last_operation->code, c.recorded);
    EXPECT_EQ(plan.status.phase, Phase::Pending);
    EXPECT_EQ(reason(plan.status, "Ready"), "CreatePending");
    EXPECT_EQ(plan.requeue_after, kPoll);
    const PortResource next = after(resource, plan);
    EXPECT_EQ(decide(next, std::nullopt, DecideInput{now() + 1s, kSettings}).action, CloudAction::None)
        << "the cloud may lag: no lookup yet";
    EXPECT_EQ(decide(next, std::nullopt, DecideInput{now() + kPoll, kSettings}).action,
              CloudAction::LookupPorts);
    const Plan found = decide(next, std::nullopt, DecideInput{now() + kPoll, kSettings},
                              found_ports({cloud_port("port-42", "CREATING")}));
    EXPECT_EQ(found.action, CloudAction::None) << "the port of the lost reply is adopted, not created again";
    EXPECT_EQ(found.status.port_id, "port-42");
  }
}

// ---- The sweep: every combination of the create flow, checked against its invariants. ----

struct Case {
  std::string name;
  PortResource resource;
  std::optional<PortLookup> lookup;
};

std::vector<Case> every_combination() {
  const Time o = just_before_now();
  std::vector<std::pair<std::string, PortResource>> resources;
  const std::vector<std::pair<std::string, std::function<PortResource(PortResource)>>> operations{
      {"none", [](PortResource r) { return r; }},
      {"inflight-young", [](PortResource r) { return with_create(r, "", now() - 2s); }},
      {"inflight-old", [](PortResource r) { return with_create(r, "", now() - 60s); }},
      {"inflight-notime",
       [](PortResource r) {
         r.status.last_operation = LastOperation{"CreatePort", "", "", std::nullopt};
         return r;
       }},
      {"noreply-old", [](PortResource r) { return with_create(r, kNoReplyCode, now() - 60s); }},
      {"noreply-stale", [](PortResource r) { return with_create(r, kNoReplyCode, now() - 11min); }},
      {"500-old", [](PortResource r) { return with_create(r, "INTERNAL_SERVER_ERROR", now() - 60s); }},
      {"invalid-same-gen", [](PortResource r) { return create_failed(r, r.generation); }},
      {"invalid-old-gen", [](PortResource r) { return create_failed(r, r.generation - 1); }},
      {"throttled-young",
       [](PortResource r) { return with_create(r, "REQUEST_LIMIT_EXCEEDED", now() - 2s); }},
      {"throttled-old", [](PortResource r) { return with_create(r, "REQUEST_LIMIT_EXCEEDED", now() - 10s); }},
      {"auth-young",
       [](PortResource r) { return with_create(r, "AUTHFAILURE_SIGNATURE_FAILURE", now() - 60s); }},
      {"unknown-old", [](PortResource r) { return with_create(r, "SOMETHING", now() - 6min); }},
      {"terminate-recent",
       [](PortResource r) { return with_operation(r, "TerminatePort", "", now() - 60s); }},
  };
  for (const auto& [policy_name, policy] :
       std::vector<std::pair<std::string, DeletionPolicy>>{{"Delete", DeletionPolicy::Delete},
                                                           {"RecycleBin", DeletionPolicy::RecycleBin},
                                                           {"Orphan", DeletionPolicy::Orphan}}) {
    for (const auto& [state_name, state] : std::vector<std::pair<std::string, PortResource>>{
             {"live-nofin", new_resource(policy, false)},
             {"live-fin", new_resource(policy, true)},
             {"del-fin", deleted(new_resource(policy, true))},
             {"del-nofin", deleted(new_resource(policy, false))}}) {
      for (const auto& [op_name, apply] : operations) {
        resources.emplace_back(policy_name + "/" + state_name + "/" + op_name, apply(state));
      }
    }
  }
  const std::vector<std::pair<std::string, std::optional<PortLookup>>> lookups{
      {"none", std::nullopt},
      {"empty", found_ports({})},
      {"loose", found_ports({cloud_port("port-7", "RUNNING", "edge-10"),
                             cloud_port("port-8", "RUNNING", "edge-1", "FRA1")})},
      {"gone", found_ports({cloud_port("port-7", "DESTROYED"), cloud_port("port-8", "DESTROYING")})},
      {"one-running", found_ports({cloud_port("port-7")})},
      {"one-creating", found_ports({cloud_port("port-7", "CREATING")})},
      {"one-recycled", found_ports({cloud_port("port-7", "RECYCLED")})},
      {"one-prepaid", found_ports({[] {
         auto port = cloud_port("port-7");
         port.port_charge_type = "PREPAID";
         return port;
       }()})},
      {"one-weird", found_ports({cloud_port("port-7", "WEIRD")})},
      {"two", found_ports({cloud_port("port-7"), cloud_port("port-8", "CREATING")})},
      {"err-throttled", lookup_failure(ErrorClass::Throttled, "REQUEST_LIMIT_EXCEEDED", o)},
      {"err-transport", lookup_failure(ErrorClass::Transport, "", o)},
      {"err-invalid", lookup_failure(ErrorClass::InvalidRequest, "INVALID_PARAMETER_DC_ID", o)},
      {"err-notfound", lookup_failure(ErrorClass::NotFound, "INVALID_PORT_NOT_FOUND", o)},
      {"err-unknown", lookup_failure(ErrorClass::Unknown, "X", o)},
      {"no-credentials", PortLookup{{}, Observation::credentials_error({"InvalidCredentials", "no key"}, o)}},
  };
  std::vector<Case> cases;
  for (const auto& [resource_name, resource] : resources) {
    for (const auto& [lookup_name, lookup] : lookups) {
      cases.push_back(Case{resource_name + "/" + lookup_name, resource, lookup});
    }
  }
  return cases;
}

// What decide() is meant to count as a port of that name: the test's own reading of the filter.
std::vector<std::string> same_name(const std::optional<PortLookup>& lookup) {
  std::vector<std::string> ids;
  if (!lookup || lookup->failure) return ids;
  for (const auto& port : lookup->ports) {
    if (port.port_name == "edge-1" && port.dc_id == "SIN1" && port.port_status != "DESTROYED" &&
        port.port_status != "DESTROYING") {
      ids.push_back(port.port_id);
    }
  }
  return ids;
}

bool in_flight(const PortResource& r) {
  const auto& operation = r.status.last_operation;
  return operation && operation->action == "CreatePort" &&
         (operation->code.empty() || operation->code == kNoReplyCode ||
          operation->code == "INTERNAL_SERVER_ERROR");
}

TEST(DecideCreateSweep, InvariantsHoldForEveryCombination) {
  const auto cases = every_combination();
  ASSERT_EQ(cases.size(), 3u * 4u * 14u * 16u);
  int creates = 0;
  int lookups = 0;
  int found = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto& r = c.resource;
    const Plan plan = decide(r, std::nullopt, DecideInput{now(), kSettings}, c.lookup);
    const auto candidates = same_name(c.lookup);
    const bool orphaned = r.deleting() && r.spec.deletion_policy == DeletionPolicy::Orphan;
    if (plan.action == CloudAction::CreatePort) {
      ++creates;
      // Never a CreatePort without a lookup of this same reconcile that found nothing.
      ASSERT_TRUE(c.lookup.has_value());
      EXPECT_FALSE(c.lookup->failure.has_value());
      EXPECT_TRUE(candidates.empty());
      EXPECT_TRUE(r.has_finalizer() && !r.deleting());
      // Its status is the create-in-flight record.
      EXPECT_EQ(plan.status.last_operation, (LastOperation{"CreatePort", "", "", now(), "SIN1", "edge-1"}));
      EXPECT_TRUE(plan.status.port_id.empty());
      ASSERT_TRUE(plan.create.has_value());
      EXPECT_EQ(plan.create->port_name, "edge-1");
      EXPECT_EQ(plan.create->dc_id, "SIN1");
      if (in_flight(r) && r.status.last_operation->time) {
        // An empty lookup proves the create never happened only once the cloud's lag has passed.
        EXPECT_GE(now() - *r.status.last_operation->time, kSettings.terminate_grace);
      }
    }
    if (in_flight(r) && !candidates.empty()) {
      EXPECT_NE(plan.action, CloudAction::CreatePort) << "a create in flight with a port of that name";
    }
    if (plan.action == CloudAction::LookupPorts) {
      ++lookups;
      EXPECT_FALSE(c.lookup.has_value()) << "one lookup per reconcile";
      EXPECT_FALSE(plan.requeue_after.has_value());
    }
    if (!plan.status.port_id.empty()) {
      ++found;
      // Only a create in flight adopts what a lookup found, and only when exactly one port has that name.
      EXPECT_TRUE(in_flight(r));
      ASSERT_EQ(candidates.size(), 1u);
      EXPECT_EQ(plan.status.port_id, candidates[0]);
      ASSERT_FALSE(plan.events.empty());
      EXPECT_EQ(plan.events[0].reason, "PortFound");
    }
    if (plan.action == CloudAction::TerminatePort) {
      EXPECT_EQ(plan.status.port_id, "port-7");
      EXPECT_TRUE(r.deleting());
    }
    EXPECT_TRUE(plan.action != CloudAction::ModifyPort && plan.action != CloudAction::RenewPort &&
                plan.action != CloudAction::DestroyPort && plan.action != CloudAction::ObservePort)
        << to_string(plan.action);
    if (orphaned && r.has_finalizer()) {
      EXPECT_EQ(plan.action, CloudAction::None);
      EXPECT_EQ(plan.finalizer, FinalizerChange::Remove);
    }
    // Deleting a resource that created nothing: the finalizer comes off, no cloud call, status untouched.
    if (r.deleting() && r.has_finalizer() && !orphaned && !in_flight(r)) {
      EXPECT_EQ(plan.action, CloudAction::None);
      EXPECT_EQ(plan.finalizer, FinalizerChange::Remove);
      EXPECT_EQ(plan.status, r.status);
    }
    if (plan.finalizer == FinalizerChange::Remove) {
      EXPECT_TRUE(r.deleting() && r.has_finalizer());
      EXPECT_TRUE(orphaned || !in_flight(r) || (c.lookup && !c.lookup->failure && candidates.empty()) ||
                  plan.status.phase == Phase::Recycled)
          << "released while a port of a create in flight may exist";
      EXPECT_EQ(plan.action, CloudAction::None);
    }
    if (!r.has_finalizer()) {
      EXPECT_NE(plan.finalizer, FinalizerChange::Remove);
      EXPECT_EQ(plan.action, CloudAction::None);
    }
    if (plan.requeue_after) {
      EXPECT_GE(plan.requeue_after->count(), 0);
      EXPECT_LE(*plan.requeue_after, std::max(kSettings.resync_period, kSettings.error_retry_interval));
    }
    // A resource with no port has not applied its spec.
    if (!r.deleting() && r.has_finalizer() && plan.status.port_id.empty()) {
      EXPECT_EQ(plan.status.observed_generation, r.status.observed_generation);
    }
    for (const auto& condition : plan.status.conditions) {
      EXPECT_EQ(condition.message.find("req-"), std::string::npos) << "request ids stay out of conditions";
      EXPECT_EQ(condition.message.find("server text"), std::string::npos);
      EXPECT_FALSE(condition.reason.empty());
    }
    // (Once a port is found the resource has an identity and the next decision observes it instead.)
    if (plan.status.port_id.empty()) expect_level_based(r, plan, std::nullopt, c.lookup);
  }
  EXPECT_GT(creates, 0);
  EXPECT_GT(lookups, 0);
  EXPECT_GT(found, 0);
}

}  // namespace
}  // namespace zpo::port

namespace zpo::port {
namespace {

using namespace testing;

// A rename while the create is in flight: the lookup looks for the name the CreatePort asked for, and finds
// the port it made, rather than finding nothing under the new name and creating a second port.
TEST(DecideCreate, ARenameWhileTheCreateIsInFlightLooksForTheNameSent) {
  PortResource resource = with_create(new_resource(), kNoReplyCode, now() - 60s);
  resource.spec.port_name = "edge-renamed";
  const DecideInput input{now(), kSettings};
  const Plan look = decide(resource, std::nullopt, input);
  ASSERT_EQ(look.action, CloudAction::LookupPorts);
  ASSERT_TRUE(look.lookup.has_value());
  EXPECT_EQ(look.lookup->port_name, "edge-1");
  EXPECT_EQ(look.lookup->dc_id, "SIN1");
  const Plan found = decide(resource, std::nullopt, input, found_ports({cloud_port("port-7")}));
  EXPECT_EQ(found.status.port_id, "port-7");
  EXPECT_NE(found.action, CloudAction::CreatePort);
  // A fresh create looks for the spec's name.
  const Plan fresh = decide(new_resource(), std::nullopt, input);
  ASSERT_TRUE(fresh.lookup.has_value());
  EXPECT_EQ(fresh.lookup->port_name, "edge-1");
}

}  // namespace
}  // namespace zpo::port
