// The decision for a port that exists and a resource not being deleted (issue 5): attributes kept in line
// with ModifyPortAttribute, immutable fields reported, the LOA lock on businessEntityName, restore from the
// recycle bin with RenewPort, observedGeneration; then a sweep that checks their invariants over every
// combination.

#include <gtest/gtest.h>

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
using zenlayer::PortInfo;

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

// The created resource at generation 3, whose status says generation 2 was applied.
PortResource applied_before() {
  PortResource resource = created_resource();
  resource.generation = 3;
  resource.status.observed_generation = 2;
  resource.status.phase = Phase::Ready;
  return resource;
}

PortResource renamed(PortResource resource, std::string name = "edge-2") {
  resource.spec.port_name = std::move(name);
  return resource;
}

PortResource restoring(PortResource resource) {
  resource.spec.restore = true;
  return resource;
}

PortInfo with(PortInfo port, std::function<void(PortInfo&)> change) {
  change(port);
  return port;
}

Observation seen_port(PortInfo port, Time at = just_before_now()) {
  return Observation::found(std::move(port), at);
}

PortInfo loa_uploaded(PortInfo port) {
  port.loa_status = "LOA_UPLOADED";
  return port;
}

std::vector<Row> rows() {
  const Time recent = now() - 60s;
  const Time old = now() - 11min;
  const auto port = [](std::string status = "RUNNING") { return cloud_port("port-1", std::move(status)); };
  return {
      // In line: nothing to do.
      {"matching_port_is_ready", applied_before(), seen_port(port()),
       expect(kNone, Phase::Ready, "PortRunning", "Observed", kKeep, kResync, kResync)},
      {"adopted_unmanaged_attributes_are_left_alone", live_resource(),
       seen_port(with(port(),
                      [](PortInfo& p) {
                        p.port_name = "theirs";
                        p.port_remarks = "theirs";
                        p.business_entity_name = "Theirs";
                      })),
       expect(kNone, Phase::Ready, "PortRunning", "Observed", kKeep, kResync, kResync)},

      // Differences are applied with one ModifyPortAttribute.
      {"renamed_modifies", renamed(applied_before()), seen_port(port()),
       expect(kModify, Phase::Ready, "PortRunning", "Updating", kKeep, kPoll, kPoll)},
      {"entity_changed_before_loa_modifies", applied_before(),
       seen_port(with(port(), [](PortInfo& p) { p.business_entity_name = "Old Ltd"; })),
       expect(kModify, Phase::Ready, "PortRunning", "Updating", kKeep, kPoll, kPoll)},
      {"entity_changed_after_loa_is_locked", applied_before(),
       seen_port(loa_uploaded(with(port(), [](PortInfo& p) { p.business_entity_name = "Old Ltd"; }))),
       expect(kNone, Phase::Ready, "PortRunning", "BusinessEntityLocked", kKeep, kResync, kResync,
              {"BusinessEntityLocked"})},
      {"modify_accepted_recently_waits_a_poll",
       with_operation(renamed(applied_before()), "ModifyPortAttribute", "", now() - 2s), seen_port(port()),
       expect(kNone, Phase::Ready, "PortRunning", "Updating", kKeep, 3s, 3s)},
      {"modify_no_reply_waits_a_poll",
       with_operation(renamed(applied_before()), "ModifyPortAttribute", kNoReplyCode, now() - 2s),
       seen_port(port()), expect(kNone, Phase::Ready, "PortRunning", "Updating", kKeep, 3s, 3s)},
      {"modify_not_shown_after_a_poll_is_sent_again",
       with_operation(renamed(applied_before()), "ModifyPortAttribute", "", now() - 10s), seen_port(port()),
       expect(kModify, Phase::Ready, "PortRunning", "Updating", kKeep, kPoll, kPoll)},
      {"modify_refused_invalid_waits",
       with_operation(renamed(applied_before()), "ModifyPortAttribute", "INVALID_PARAMETER_PORT_NAME",
                      recent),
       seen_port(port()),
       expect(kNone, Phase::Ready, "PortRunning", "ModifyFailed", kKeep, 4min, 4min, {"ModifyFailed"})},
      {"modify_refused_unknown_waits",
       with_operation(renamed(applied_before()), "ModifyPortAttribute", "SOMETHING_NEW", recent),
       seen_port(port()),
       expect(kNone, Phase::Ready, "PortRunning", "ModifyFailed", kKeep, 4min, 4min, {"ModifyFailed"})},
      {"modify_refused_loa_uploaded_is_locked",
       with_operation(applied_before(), "ModifyPortAttribute", "OPERATION_DENIED_LOA_UPLOADED", recent),
       seen_port(with(port(), [](PortInfo& p) { p.business_entity_name = "Old Ltd"; })),
       expect(kNone, Phase::Ready, "PortRunning", "BusinessEntityLocked", kKeep, 4min, 4min,
              {"BusinessEntityLocked"})},
      {"modify_refused_throttled_waits_a_poll",
       with_operation(renamed(applied_before()), "ModifyPortAttribute", "REQUEST_LIMIT_EXCEEDED", now() - 2s),
       seen_port(port()),
       expect(kNone, Phase::Ready, "PortRunning", "Throttled", kKeep, 3s, 3s, {"CloudError"})},
      {"modify_refused_auth",
       with_operation(renamed(applied_before()), "ModifyPortAttribute", "AUTHFAILURE_UNAUTHORIZED_OPERATION",
                      recent),
       seen_port(port()),
       expect(kNone, Phase::Ready, "InvalidCredentials", "InvalidCredentials", kKeep, 4min, 4min,
              {"InvalidCredentials"})},
      {"modify_refused_long_ago_is_sent_again",
       with_operation(renamed(applied_before()), "ModifyPortAttribute", "SOMETHING_NEW", old),
       seen_port(port()), expect(kModify, Phase::Ready, "PortRunning", "Updating", kKeep, kPoll, kPoll)},
      {"modify_waits_for_a_fresh_look",
       with_operation(renamed(applied_before()), "ModifyPortAttribute", "", now() - 10s),
       seen_port(port(), now() - 20s), expect(kObserve, Phase::Ready, "", "", kKeep)},
      {"busy_port_is_not_modified", renamed(applied_before()), seen_port(port("UPDATING")),
       expect(kNone, Phase::Ready, "PortBusy", "Observed", kKeep, kPoll, kPoll)},
      {"creating_port_is_not_modified", renamed(applied_before()), seen_port(port("CREATING")),
       expect(kNone, Phase::Pending, "PortCreating", "Observed", kKeep, kPoll, kPoll)},
      {"deleting_renamed_terminates_instead",
       [] {
         PortResource r = renamed(applied_before());
         r.deletion_timestamp = now() - 30s;
         return r;
       }(),
       seen_port(port()),
       expect(kTerminate, Phase::Terminating, "Terminating", "Observed", kKeep, kPoll, kPoll)},

      // Immutable fields are reported, never applied, and hold every change back.
      {"dc_changed_is_reported",
       [] {
         PortResource r = renamed(applied_before());
         r.spec.dc_id = "FRA1";
         return r;
       }(),
       seen_port(port()),
       expect(kNone, Phase::Ready, "PortRunning", "ImmutableFieldChanged", kKeep, kResync, kResync,
              {"ImmutableFieldChanged"})},
      {"port_type_changed_is_reported",
       [] {
         PortResource r = applied_before();
         r.spec.port_type = "100G";
         return r;
       }(),
       seen_port(port()),
       expect(kNone, Phase::Ready, "PortRunning", "ImmutableFieldChanged", kKeep, kResync, kResync,
              {"ImmutableFieldChanged"})},
      {"adopted_without_creation_fields_has_nothing_immutable", live_resource(),
       seen_port(with(port(), [](PortInfo& p) { p.dc_id = "FRA1"; })),
       expect(kNone, Phase::Ready, "PortRunning", "Observed", kKeep, kResync, kResync)},

      // Restore from the recycle bin.
      {"recycled_without_restore_says_how", applied_before(), seen_port(port("RECYCLED")),
       expect(kNone, Phase::Recycled, "PortRecycled", "Observed", kKeep, kResync, kResync, {"PortRecycled"})},
      {"recycled_with_restore_renews", restoring(applied_before()), seen_port(port("RECYCLED")),
       expect(kRenew, Phase::Pending, "Restoring", "Observed", kKeep, kPoll, kPoll)},
      {"renew_accepted_recently_waits", with_operation(restoring(applied_before()), "RenewPort", "", recent),
       seen_port(port("RECYCLED")),
       expect(kNone, Phase::Pending, "Restoring", "Observed", kKeep, kPoll, kMaxPoll)},
      {"renew_no_reply_waits", with_operation(restoring(applied_before()), "RenewPort", kNoReplyCode, recent),
       seen_port(port("RECYCLED")),
       expect(kNone, Phase::Pending, "Restoring", "Observed", kKeep, kPoll, kMaxPoll)},
      {"renew_accepted_past_grace_is_sent_again",
       with_operation(restoring(applied_before()), "RenewPort", "", old), seen_port(port("RECYCLED")),
       expect(kRenew, Phase::Pending, "Restoring", "Observed", kKeep, kPoll, kPoll)},
      {"renew_refused_fails_and_waits",
       with_operation(restoring(applied_before()), "RenewPort", "INVALID_PARAMETER_PORT_ID", recent),
       seen_port(port("RECYCLED")),
       expect(kNone, Phase::Recycled, "RestoreFailed", "RestoreFailed", kKeep, 4min, 4min,
              {"RestoreFailed"})},
      {"renew_refused_unknown_fails_and_waits",
       with_operation(restoring(applied_before()), "RenewPort", "SOMETHING_NEW", recent),
       seen_port(port("RECYCLED")),
       expect(kNone, Phase::Recycled, "RestoreFailed", "RestoreFailed", kKeep, 4min, 4min,
              {"RestoreFailed"})},
      {"recovering_after_renew_is_restoring",
       with_operation(restoring(applied_before()), "RenewPort", "", recent), seen_port(port("RECOVERING")),
       expect(kNone, Phase::Pending, "Restoring", "Observed", kKeep, kPoll, kMaxPoll)},
      {"recovering_otherwise_is_busy", applied_before(), seen_port(port("RECOVERING")),
       expect(kNone, Phase::Ready, "PortBusy", "Observed", kKeep, kPoll, kPoll)},
      {"restored_is_ready", with_operation(restoring(applied_before()), "RenewPort", "", recent),
       seen_port(port()), expect(kNone, Phase::Ready, "PortRunning", "Observed", kKeep, kResync, kResync)},
      {"deleting_recycled_never_renews",
       [] {
         PortResource r = restoring(applied_before());
         r.deletion_timestamp = now() - 30s;
         return r;
       }(),
       seen_port(port("RECYCLED")),
       expect(kNone, Phase::Recycled, "PortRecycled", "Observed", kKeep, 0ms, 0ms, {"PortRecycled"})},
  };
}

class DecideUpdateTable : public ::testing::TestWithParam<Row> {};

TEST_P(DecideUpdateTable, Row) {
  const Row& row = GetParam();
  check_plan(decide(row.resource, row.observation, DecideInput{row.at, kSettings}), row.expect);
}

INSTANTIATE_TEST_SUITE_P(Cases, DecideUpdateTable, ::testing::ValuesIn(rows()),
                         [](const auto& info) { return info.param.name; });

TEST(DecideUpdate, ModifySendsOnlyTheDifferingAttributes) {
  PortResource resource = renamed(applied_before());
  resource.spec.port_remarks = "new remarks";
  const Plan plan = decide(resource, seen_port(cloud_port("port-1")), DecideInput{now(), kSettings});
  ASSERT_EQ(plan.action, CloudAction::ModifyPort);
  ASSERT_TRUE(plan.modify.has_value());
  EXPECT_EQ(plan.modify->port_id, "port-1");
  EXPECT_EQ(plan.modify->port_name, std::optional<std::string>("edge-2"));
  EXPECT_EQ(plan.modify->port_remarks, std::optional<std::string>("new remarks"));
  EXPECT_FALSE(plan.modify->business_entity_name.has_value()) << "it already matches";
  EXPECT_EQ(plan.status.last_operation, (LastOperation{"ModifyPortAttribute", "", "", now()}));
  EXPECT_EQ(plan.status.condition("Ready")->status, "True") << "the port still serves";
  const auto* synced = plan.status.condition("Synced");
  EXPECT_EQ(synced->status, "False");
  EXPECT_NE(synced->message.find("portName, portRemarks"), std::string::npos) << synced->message;
}

TEST(DecideUpdate, LockedEntityIsLeftOutButTheRestIsApplied) {
  PortResource resource = renamed(applied_before());
  const Plan plan = decide(
      resource,
      seen_port(
          loa_uploaded(with(cloud_port("port-1"), [](PortInfo& p) { p.business_entity_name = "Old Ltd"; }))),
      DecideInput{now(), kSettings});
  ASSERT_EQ(plan.action, CloudAction::ModifyPort);
  EXPECT_EQ(plan.modify->port_name, std::optional<std::string>("edge-2"));
  EXPECT_FALSE(plan.modify->business_entity_name.has_value());
  // Once the name is shown, the lock is what remains to say.
  const Plan next = decide(resource,
                           seen_port(loa_uploaded(with(cloud_port("port-1"),
                                                       [](PortInfo& p) {
                                                         p.business_entity_name = "Old Ltd";
                                                         p.port_name = "edge-2";
                                                       }))),
                           DecideInput{now(), kSettings});
  EXPECT_EQ(next.action, CloudAction::None);
  EXPECT_EQ(reason(next.status, "Synced"), "BusinessEntityLocked");
  EXPECT_NE(next.status.condition("Synced")->message.find("LOA_UPLOADED"), std::string::npos);
  EXPECT_EQ(next.status.observed_generation, 3) << "nothing more can be applied";
}

TEST(DecideUpdate, ImmutableMessageSaysWhatAndThatNothingChanges) {
  PortResource resource = applied_before();
  resource.spec.dc_id = "FRA1";
  const Plan plan = decide(resource, seen_port(cloud_port("port-1")), DecideInput{now(), kSettings});
  EXPECT_EQ(
      plan.status.condition("Synced")->message,
      "spec.dcId is FRA1 but the port is in SIN1; dcId cannot change after creation; nothing is changed");
}

TEST(DecideUpdate, RecycledMessageHintsAtRestore) {
  const Plan plan =
      decide(applied_before(), seen_port(cloud_port("port-1", "RECYCLED")), DecideInput{now(), kSettings});
  const std::string& message = plan.status.condition("Ready")->message;
  EXPECT_TRUE(message.ends_with("set spec.restore: true to restore it")) << message;
}

TEST(DecideUpdate, RenewPlanRecordsTheOperation) {
  const Plan plan = decide(restoring(applied_before()), seen_port(cloud_port("port-1", "RECYCLED")),
                           DecideInput{now(), kSettings});
  ASSERT_EQ(plan.action, CloudAction::RenewPort);
  EXPECT_EQ(plan.status.last_operation, (LastOperation{"RenewPort", "", "", now()}));
  EXPECT_EQ(plan.status.observed_generation, 2) << "the restore is outstanding";
}

// Deleted while a RenewPort may still bring the port back: releasing it (RecycleBin) would leave a running
// port nobody manages, and a DestroyPort would race the restore. It waits for the port to settle.
TEST(DecideUpdate, ADeletionDuringARestoreWaitsForThePortToSettle) {
  for (const auto policy : {DeletionPolicy::RecycleBin, DeletionPolicy::Delete}) {
    PortResource resource = with_operation(restoring(applied_before()), "RenewPort", "", now() - 60s);
    resource.spec.deletion_policy = policy;
    resource.deletion_timestamp = now() - 30s;
    const Plan waiting =
        decide(resource, seen_port(cloud_port("port-1", "RECYCLED")), DecideInput{now(), kSettings});
    EXPECT_EQ(waiting.action, CloudAction::None);
    EXPECT_EQ(waiting.finalizer, FinalizerChange::Keep);
    ASSERT_NE(waiting.status.condition("Ready"), nullptr);
    EXPECT_EQ(waiting.status.condition("Ready")->reason, "Restoring");
    ASSERT_TRUE(waiting.requeue_after.has_value());
    // Restored after all: the deletion terminates it as any running port.
    const Plan restored =
        decide(resource, seen_port(cloud_port("port-1", "RUNNING")), DecideInput{now(), kSettings});
    EXPECT_EQ(restored.action, CloudAction::TerminatePort);
    // Past the grace the RenewPort did not happen: the port in the bin is released as usual.
    resource.status.last_operation->time = now() - kSettings.terminate_grace - 1s;
    const Plan settled =
        decide(resource, seen_port(cloud_port("port-1", "RECYCLED")), DecideInput{now(), kSettings});
    if (policy == DeletionPolicy::RecycleBin) {
      EXPECT_EQ(settled.finalizer, FinalizerChange::Remove);
    } else {
      EXPECT_NE(settled.finalizer, FinalizerChange::Remove);
      EXPECT_TRUE(settled.action == CloudAction::DestroyPort || settled.status.phase == Phase::Recycled);
    }
  }
}

// A modify the cloud accepts but never shows as written is repeated with a backoff, not once per poll.
TEST(DecideUpdate, AModifyThatNeverShowsIsRepeatedWithABackoff) {
  PortResource resource = renamed(applied_before());
  // Updating since 10 minutes: the window has grown to max_poll_interval.
  resource.status.conditions.push_back(
      Condition{"Synced", "False", 3, now() - 10min, "Updating", "ModifyPortAttribute sent: portName"});
  resource = with_operation(resource, "ModifyPortAttribute", "", now() - 30s);
  const Plan plan = decide(resource, seen_port(cloud_port("port-1")), DecideInput{now(), kSettings});
  EXPECT_EQ(plan.action, CloudAction::None);
  ASSERT_TRUE(plan.requeue_after.has_value());
  EXPECT_EQ(*plan.requeue_after, kSettings.max_poll_interval - 30s);
}

TEST(DecideUpdate, AdoptionFillsStatusPortId) {
  const Plan plan =
      decide(live_resource(), seen("RUNNING", just_before_now()), DecideInput{now(), kSettings});
  EXPECT_EQ(plan.status.port_id, "port-1");
}

TEST(DecideUpdate, RefusedModifyRestoresTheConditions) {
  const PortResource resource = renamed(applied_before());
  Plan plan = decide(resource, seen_port(cloud_port("port-1")), DecideInput{now(), kSettings});
  ASSERT_EQ(plan.action, CloudAction::ModifyPort);
  MutationOutcome outcome;
  outcome.code = "INVALID_PARAMETER_PORT_NAME";
  outcome.error_class = ErrorClass::InvalidRequest;
  record_mutation_outcome(plan, resource, outcome);
  EXPECT_EQ(plan.status.last_operation->code, "INVALID_PARAMETER_PORT_NAME");
  EXPECT_EQ(plan.status.conditions, resource.status.conditions);
  EXPECT_EQ(plan.requeue_after, milliseconds(0));
}

// observedGeneration says when the spec is applied: it lags while the modify is outstanding, through the
// stale look after it and the cloud's lag, and catches up once the port shows the spec's values.
TEST(DecideUpdate, ObservedGenerationLagsUntilThePortMatches) {
  PortResource resource = renamed(applied_before());
  Plan plan = decide(resource, seen_port(cloud_port("port-1")), DecideInput{now(), kSettings});
  ASSERT_EQ(plan.action, CloudAction::ModifyPort);
  EXPECT_EQ(plan.status.observed_generation, 2);
  record_mutation_outcome(plan, resource, MutationOutcome{.accepted = true, .request_id = "req-3"});
  resource.status = plan.status;

  const Plan stale = decide(resource, seen_port(cloud_port("port-1")), DecideInput{now() + 2s, kSettings});
  EXPECT_EQ(stale.action, CloudAction::ObservePort);
  EXPECT_EQ(stale.status.observed_generation, 2);

  const Plan lagging =
      decide(resource, seen_port(cloud_port("port-1"), now() + 2s), DecideInput{now() + 2s, kSettings});
  EXPECT_EQ(lagging.action, CloudAction::None) << "one modify per poll interval";
  EXPECT_EQ(lagging.status.observed_generation, 2);

  const Plan updating = decide(resource, seen_port(cloud_port("port-1", "UPDATING"), now() + 3s),
                               DecideInput{now() + 3s, kSettings});
  EXPECT_EQ(updating.status.observed_generation, 2);

  const Plan applied =
      decide(resource,
             seen_port(with(cloud_port("port-1"), [](PortInfo& p) { p.port_name = "edge-2"; }), now() + 6s),
             DecideInput{now() + 6s, kSettings});
  EXPECT_EQ(applied.action, CloudAction::None);
  EXPECT_EQ(reason(applied.status, "Synced"), "Observed");
  EXPECT_EQ(applied.status.observed_generation, 3);
  for (const auto& condition : applied.status.conditions)
    EXPECT_EQ(condition.observed_generation, 3);
}

// ---- The sweep: live and deleting resources × spec attributes × port attributes and states × last
// operation.

struct Case {
  std::string name;
  PortResource resource;
  Observation observation;
};

std::vector<Case> every_combination() {
  using Change = std::function<void(PortResource&)>;
  const std::vector<std::pair<std::string, Change>> specs{
      {"same", [](PortResource&) {}},
      {"unmanaged",
       [](PortResource& r) {
         r.spec.port_name.reset();
         r.spec.port_remarks.reset();
         r.spec.business_entity_name.reset();
       }},
      {"name", [](PortResource& r) { r.spec.port_name = "edge-2"; }},
      {"remarks", [](PortResource& r) { r.spec.port_remarks = ""; }},
      {"entity", [](PortResource& r) { r.spec.business_entity_name = "New Ltd"; }},
      {"all",
       [](PortResource& r) {
         r.spec.port_name = "edge-2";
         r.spec.port_remarks = "r2";
         r.spec.business_entity_name = "New Ltd";
       }},
      {"dc", [](PortResource& r) { r.spec.dc_id = "FRA1"; }},
      {"type-and-name",
       [](PortResource& r) {
         r.spec.port_type = "1G";
         r.spec.port_name = "edge-2";
       }},
  };
  const std::vector<std::pair<std::string, Change>> states{
      {"live", [](PortResource&) {}},
      {"live-restore", [](PortResource& r) { r.spec.restore = true; }},
      {"del", [](PortResource& r) { r.deletion_timestamp = now() - 30s; }},
      {"del-restore",
       [](PortResource& r) {
         r.spec.restore = true;
         r.deletion_timestamp = now() - 30s;
       }},
      {"recyclebin-restore",
       [](PortResource& r) {
         r.spec.restore = true;
         r.spec.deletion_policy = DeletionPolicy::RecycleBin;
         r.deletion_timestamp = now() - 30s;
       }},
  };
  const std::vector<std::tuple<std::string, std::string, std::string, Time>> operations{
      {"no-op", "", "", Time{}},
      {"modify-2s", "ModifyPortAttribute", "", now() - 2s},
      {"modify-10s", "ModifyPortAttribute", "", now() - 10s},
      {"modify-refused", "ModifyPortAttribute", "INVALID_PARAMETER_PORT_NAME", now() - 60s},
      {"modify-loa", "ModifyPortAttribute", "OPERATION_DENIED_LOA_UPLOADED", now() - 60s},
      {"renew-recent", "RenewPort", "", now() - 60s},
      {"renew-old", "RenewPort", "", now() - 11min},
      {"renew-refused", "RenewPort", "SOMETHING", now() - 60s},
      {"create-accepted", "CreatePort", "", now() - 60s},
  };
  const std::vector<std::pair<std::string, PortInfo>> ports{
      {"running", cloud_port("port-1")},
      {"running-loa", loa_uploaded(cloud_port("port-1"))},
      {"running-no-loa", with(cloud_port("port-1"), [](PortInfo& p) { p.loa_status.clear(); })},
      {"running-no-dc", with(cloud_port("port-1"), [](PortInfo& p) { p.dc_id.clear(); })},
      {"creating", cloud_port("port-1", "CREATING")},
      {"updating", cloud_port("port-1", "UPDATING")},
      {"recycled", cloud_port("port-1", "RECYCLED")},
      {"recovering", cloud_port("port-1", "RECOVERING")},
      {"destroying", cloud_port("port-1", "DESTROYING")},
      {"weird", cloud_port("port-1", "WEIRD")},
  };
  std::vector<Case> cases;
  for (const auto& [spec_name, spec] : specs) {
    for (const auto& [state_name, state] : states) {
      for (const auto& [op_name, action, code, at] : operations) {
        for (const auto& [port_name, port] : ports) {
          PortResource resource = applied_before();
          spec(resource);
          state(resource);
          if (!action.empty()) resource = with_operation(resource, action, code, at);
          cases.push_back(Case{spec_name + "/" + state_name + "/" + op_name + "/" + port_name, resource,
                               seen_port(port)});
        }
      }
    }
  }
  return cases;
}

// The test's own reading of "the spec differs from the port" (businessEntityName only while it may change).
bool differs(const PortResource& r, const PortInfo& port) {
  const bool open = port.loa_status.empty() || port.loa_status == "LOA_NOT_UPLOAD";
  return (r.spec.port_name && *r.spec.port_name != port.port_name) ||
         (r.spec.port_remarks && *r.spec.port_remarks != port.port_remarks) ||
         (open && r.spec.business_entity_name && *r.spec.business_entity_name != port.business_entity_name);
}

TEST(DecideUpdateSweep, InvariantsHoldForEveryCombination) {
  const auto cases = every_combination();
  ASSERT_EQ(cases.size(), 8u * 5u * 9u * 10u);
  int modifies = 0;
  int renews = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto& r = c.resource;
    const PortInfo& port = *c.observation.port;
    const Plan plan = decide(r, c.observation, DecideInput{now(), kSettings});
    EXPECT_NE(plan.action, CloudAction::CreatePort);
    EXPECT_NE(plan.action, CloudAction::LookupPorts);
    if (plan.action == CloudAction::ModifyPort) {
      ++modifies;
      EXPECT_FALSE(r.deleting()) << "no ModifyPort while deleting";
      EXPECT_EQ(port.port_status, "RUNNING") << "no ModifyPort for a port not RUNNING";
      ASSERT_TRUE(plan.modify.has_value());
      EXPECT_EQ(plan.modify->port_id, "port-1");
      EXPECT_TRUE(plan.modify->port_name || plan.modify->port_remarks || plan.modify->business_entity_name);
      if (plan.modify->port_name) {
        EXPECT_EQ(plan.modify->port_name, r.spec.port_name);
        EXPECT_NE(*plan.modify->port_name, port.port_name);
      }
      if (plan.modify->port_remarks) {
        EXPECT_EQ(plan.modify->port_remarks, r.spec.port_remarks);
        EXPECT_NE(*plan.modify->port_remarks, port.port_remarks);
      }
      if (plan.modify->business_entity_name) {
        EXPECT_NE(port.loa_status, "LOA_UPLOADED") << "never businessEntityName with the LOA uploaded";
        EXPECT_EQ(plan.modify->business_entity_name, r.spec.business_entity_name);
      }
      EXPECT_EQ(r.spec.dc_id, port.dc_id.empty() ? r.spec.dc_id : port.dc_id) << "never with dcId differing";
      EXPECT_EQ(r.spec.port_type, port.port_type);
      const auto& operation = r.status.last_operation;
      if (operation && operation->action == "ModifyPortAttribute" && operation->code.empty()) {
        EXPECT_GE(now() - *operation->time, kSettings.poll_interval)
            << "at most one modify per poll interval";
      }
      EXPECT_EQ(plan.status.observed_generation, 2) << "the modify is outstanding";
    }
    if (plan.action == CloudAction::RenewPort) {
      ++renews;
      EXPECT_FALSE(r.deleting()) << "no RenewPort while deleting";
      EXPECT_TRUE(r.spec.restore) << "no RenewPort without spec.restore";
      EXPECT_EQ(port.port_status, "RECYCLED");
      const auto& operation = r.status.last_operation;
      if (operation && operation->action == "RenewPort" && operation->code.empty()) {
        EXPECT_GE(now() - *operation->time, kSettings.terminate_grace);
      }
    }
    if (plan.action == CloudAction::TerminatePort || plan.action == CloudAction::DestroyPort) {
      EXPECT_TRUE(r.deleting());
    }
    if (!r.deleting()) {
      EXPECT_EQ(plan.finalizer, FinalizerChange::Keep);
      // observedGeneration: behind while the port does not show what the spec asks, caught up once it does.
      if (differs(r, port) || (port.port_status == "RECYCLED" && r.spec.restore)) {
        EXPECT_EQ(plan.status.observed_generation, 2);
      } else if (port.port_status == "RUNNING") {
        EXPECT_EQ(plan.status.observed_generation, 3);
      }
    }
    for (const auto& condition : plan.status.conditions) {
      EXPECT_EQ(condition.observed_generation, 3);
      EXPECT_FALSE(condition.reason.empty());
    }
    expect_level_based(r, plan, c.observation);
  }
  EXPECT_GT(modifies, 0);
  EXPECT_GT(renews, 0);
}

}  // namespace
}  // namespace zpo::port
