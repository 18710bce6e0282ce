// The reconciler creating ports (issue 5) over a simulated cloud and API server, with a manual clock: the
// create-in-flight record written before CreatePort, lost replies and crashes resolved by a lookup by name
// (never a second CreatePort while the first may exist), names already taken, refused creates, a stale read
// refused with 409, and deletion of resources that created nothing or whose create was in flight.

#include "reconciler_fixture.hpp"

namespace zpo::port {
namespace {

using namespace testing;
using nlohmann::json;

const std::string kKey = "team-a/sin-edge";

zenlayer::ApiErrorDetails lost_reply() {
  zenlayer::ApiErrorDetails details;
  details.error_class = zenlayer::ErrorClass::Transport;
  details.may_have_taken_effect = true;
  return details;
}

zenlayer::ApiErrorDetails internal_error() {
  zenlayer::ApiErrorDetails details;
  details.http_status = 500;
  details.code = "INTERNAL_SERVER_ERROR";
  details.error_class = zenlayer::ErrorClass::Transient;
  details.may_have_taken_effect = true;
  return details;
}

FakeCloud::Port named(const std::string& name, const std::string& dc_id = "SIN1") {
  FakeCloud::Port port;
  port.name = name;
  port.dc_id = dc_id;
  return port;
}

TEST_F(ReconcilerTest, CreatesThePortOnceAfterWritingTheRecord) {
  // The resource as the API server held it when CreatePort reached the cloud.
  std::optional<PortResource> at_create;
  cloud->on_call([&](const std::string& action) {
    if (action == "CreatePort") at_create = resource("sin-edge");
  });
  cloud->add_port("port-other", named("sin-edge-2"));  // contains the name: not the same name
  apply_new("sin-edge", "sin-edge");
  run(std::chrono::minutes(2));

  ASSERT_TRUE(at_create.has_value());
  EXPECT_TRUE(at_create->has_finalizer());
  ASSERT_TRUE(at_create->status.last_operation.has_value()) << "the create in flight is on record first";
  EXPECT_EQ(at_create->status.last_operation->action, "CreatePort");
  EXPECT_EQ(at_create->status.last_operation->code, "");
  EXPECT_EQ(at_create->status.port_id, "");

  EXPECT_EQ(cloud->calls("CreatePort"), 1);
  EXPECT_EQ(cloud->lookups(), (std::vector<std::pair<std::string, std::string>>{{"SIN1", "sin-edge"}}));
  const auto r = resource("sin-edge");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status.port_id, "port-new-1");
  EXPECT_EQ(r->port_id(), "port-new-1");
  EXPECT_EQ(r->status.last_operation->request_id, "create-1");
  EXPECT_EQ(r->status.phase, Phase::Ready);
  EXPECT_EQ(r->status.port_status, "RUNNING");
  EXPECT_EQ(r->status.observed_generation, 1);
  EXPECT_EQ(store.phases_written(kKey), (std::vector<std::string>{"Pending", "Ready"}));
  EXPECT_EQ(events("PortCreated"), 1);
  EXPECT_EQ(cloud->port("port-new-1")->entity, "Example Ltd");
  EXPECT_EQ(cloud->violations(), std::vector<std::string>{});

  // Resyncs later: nothing created again, nothing modified.
  run(std::chrono::minutes(35));
  EXPECT_EQ(cloud->calls("CreatePort"), 1);
  EXPECT_EQ(cloud->calls("ModifyPortAttribute"), 0);
  EXPECT_EQ(cloud->lookups().size(), 1u);
}

// A CreatePort that took effect although its reply was lost (`failure`): the next reconciles look the port up
// by name and adopt the one they find.
void expect_adopted_after_lost_reply(ReconcilerTest& test, const zenlayer::ApiErrorDetails& failure) {
  test.cloud->fail_next("CreatePort", {failure, true});
  test.apply_new("sin-edge", "sin-edge");
  test.run(std::chrono::minutes(2));
  EXPECT_EQ(test.cloud->calls("CreatePort"), 1) << "never a second CreatePort";
  const auto ports = test.cloud->ports_named("sin-edge");
  ASSERT_EQ(ports.size(), 1u);
  const auto r = test.resource("sin-edge");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status.port_id, ports.front());
  EXPECT_EQ(r->status.phase, Phase::Ready);
  EXPECT_EQ(test.cloud->lookups().size(), 2u);
  EXPECT_EQ(test.events("PortFound"), 1);
  EXPECT_EQ(test.events("CloudError"), 1);
  EXPECT_EQ(test.cloud->violations(), std::vector<std::string>{});
}

TEST_F(ReconcilerTest, ALostCreateReplyIsLookedUpNotRepeated) {
  expect_adopted_after_lost_reply(*this, lost_reply());
}

TEST_F(ReconcilerTest, ACreateThatFailedAfterCommittingIsLookedUpNotRepeated) {
  expect_adopted_after_lost_reply(*this, internal_error());
}

TEST_F(ReconcilerTest, ACrashAfterTheRecordBeforeTheCallCreatesOnce) {
  bool crashed = false;
  cloud->on_call([&](const std::string& action) {
    // The process dies as it is about to send CreatePort: the call never leaves.
    if (action == "CreatePort" && !crashed) {
      crashed = true;
      throw std::runtime_error("killed");
    }
  });
  apply_new("sin-edge", "sin-edge");
  run(std::chrono::seconds(0));
  ASSERT_TRUE(crashed);
  ASSERT_EQ(resource("sin-edge")->status.last_operation->action, "CreatePort");
  ASSERT_TRUE(cloud->ports_named("sin-edge").empty());
  restart();
  // No port of that name is listed, but the cloud may list a new port late: the restarted process looks
  // again, backing off, and sends CreatePort only once terminate_grace has passed.
  run(std::chrono::minutes(2));
  EXPECT_EQ(cloud->calls("CreatePort"), 0);
  EXPECT_EQ(resource("sin-edge")->status.condition("Ready")->reason, "CreatePending");
  run(std::chrono::minutes(12));
  EXPECT_EQ(cloud->calls("CreatePort"), 1);
  EXPECT_EQ(cloud->ports_named("sin-edge").size(), 1u);
  EXPECT_GE(cloud->lookups().size(), 3u) << "the restarted process looked before creating";
  EXPECT_EQ(resource("sin-edge")->status.port_id, "port-new-1");
  EXPECT_EQ(resource("sin-edge")->status.phase, Phase::Ready);
  EXPECT_EQ(events("PortFound"), 0);
}

TEST_F(ReconcilerTest, ACrashAfterTheCreateBeforeItsStatusAdoptsThePort) {
  // CreatePort goes through, then the status write that would record the new id fails and the process dies.
  cloud->on_call([&](const std::string& action) {
    if (action == "CreatePort") store.fail_next_status_writes(1);
  });
  apply_new("sin-edge", "sin-edge");
  run(std::chrono::seconds(0));
  ASSERT_EQ(cloud->calls("CreatePort"), 1);
  ASSERT_EQ(resource("sin-edge")->status.port_id, "") << "only the record made it";
  cloud->on_call(nullptr);
  restart();
  run(std::chrono::minutes(2));
  EXPECT_EQ(cloud->calls("CreatePort"), 1);
  EXPECT_EQ(cloud->ports_named("sin-edge"), std::vector<std::string>{"port-new-1"});
  EXPECT_EQ(resource("sin-edge")->status.port_id, "port-new-1");
  EXPECT_EQ(resource("sin-edge")->status.phase, Phase::Ready);
  EXPECT_EQ(events("PortFound"), 1);
}

TEST_F(ReconcilerTest, AFailedWriteAfterTheCreateIsRememberedByTheSameProcess) {
  cloud->on_call([&](const std::string& action) {
    if (action == "CreatePort") store.fail_next_status_writes(1);
  });
  apply_new("sin-edge", "sin-edge");
  run(std::chrono::minutes(2));
  EXPECT_EQ(process->errors, 1);
  EXPECT_EQ(cloud->calls("CreatePort"), 1);
  EXPECT_EQ(cloud->lookups().size(), 1u) << "the process kept the new id: no lookup needed";
  EXPECT_EQ(resource("sin-edge")->status.port_id, "port-new-1");
  EXPECT_EQ(resource("sin-edge")->status.phase, Phase::Ready);
}

TEST_F(ReconcilerTest, TwoPortsOfTheNameAfterALostReplyBlockTheResource) {
  cloud->fail_next("CreatePort", {lost_reply(), true});
  apply_new("sin-edge", "sin-edge");
  run(std::chrono::seconds(0));
  ASSERT_EQ(cloud->calls("CreatePort"), 1);
  cloud->add_port("port-console", named("sin-edge"));  // someone made one by hand meanwhile
  run(std::chrono::minutes(30));
  const auto r = resource("sin-edge");
  EXPECT_EQ(r->status.phase, Phase::Blocked);
  ASSERT_NE(r->status.condition("Ready"), nullptr);
  EXPECT_EQ(r->status.condition("Ready")->reason, "CreateIndeterminate");
  EXPECT_EQ(r->status.port_id, "");
  EXPECT_EQ(cloud->calls("CreatePort"), 1);
  EXPECT_EQ(events("CreateIndeterminate"), 1);

  // The user names the right one: the resource adopts it.
  store.mutate(kKey, [](json& o) {
    o["spec"]["portId"] = "port-new-1";
    o["metadata"]["generation"] = 2;
  });
  enqueue(kKey);
  run(std::chrono::minutes(2));
  EXPECT_EQ(resource("sin-edge")->status.phase, Phase::Ready);
  EXPECT_EQ(resource("sin-edge")->port_id(), "port-new-1");
  EXPECT_EQ(cloud->calls("CreatePort"), 1);
}

TEST_F(ReconcilerTest, ANameInUseIsReportedNotCreated) {
  cloud->add_port("port-9", named("sin-edge"));
  apply_new("sin-edge", "sin-edge");
  run(std::chrono::minutes(30));
  const auto r = resource("sin-edge");
  EXPECT_EQ(r->status.phase, Phase::Failed);
  ASSERT_NE(r->status.condition("Ready"), nullptr);
  EXPECT_EQ(r->status.condition("Ready")->reason, "PortNameInUse");
  EXPECT_NE(r->status.condition("Ready")->message.find("port-9"), std::string::npos);
  EXPECT_EQ(cloud->calls("CreatePort"), 0);
  EXPECT_EQ(events("PortNameInUse"), 1);
}

TEST_F(ReconcilerTest, AnUnknownDataCenterFailsWithOneCall) {
  apply_new("sin-edge", "sin-edge", "XXX9");
  run(std::chrono::minutes(60));
  const auto r = resource("sin-edge");
  EXPECT_EQ(r->status.phase, Phase::Failed);
  ASSERT_NE(r->status.condition("Ready"), nullptr);
  EXPECT_EQ(r->status.condition("Ready")->reason, "CreateFailed");
  EXPECT_NE(r->status.condition("Ready")->message.find("INVALID_PARAMETER_DC_ID"), std::string::npos);
  EXPECT_EQ(r->status.condition("Ready")->observed_generation, 1);
  EXPECT_EQ(cloud->calls("CreatePort"), 1) << "no retry until the spec changes";
  EXPECT_EQ(events("CreateFailed"), 1);
  EXPECT_EQ(r->status.port_id, "");
}

TEST_F(ReconcilerTest, AFailedLookupCreatesNothingUntilALookupSucceeds) {
  zenlayer::ApiErrorDetails throttled;
  throttled.http_status = 429;
  throttled.code = "REQUEST_LIMIT_EXCEEDED";
  throttled.error_class = zenlayer::ErrorClass::Throttled;
  cloud->fail_next("DescribePorts", {throttled, false});
  cloud->on_call([&](const std::string& action) {
    if (action == "CreatePort") {
      EXPECT_EQ(cloud->lookups().size(), 2u) << "created after the failed lookup";
    }
  });
  apply_new("sin-edge", "sin-edge");
  run(std::chrono::minutes(2));
  EXPECT_EQ(cloud->calls("CreatePort"), 1);
  EXPECT_EQ(cloud->lookups().size(), 2u);
  EXPECT_EQ(resource("sin-edge")->status.phase, Phase::Ready);
}

TEST_F(ReconcilerTest, AStaleReadSendsNoCreate) {
  apply_new("sin-edge", "sin-edge");
  process->reconciler.reconcile(kKey, {});  // the finalizer
  ASSERT_TRUE(resource("sin-edge")->has_finalizer());
  // Someone else writes the resource; our cache has not seen it yet (another operator, a lagging watch).
  store.freeze_cache(kKey);
  store.mutate(kKey, [](json& o) { o["metadata"]["labels"] = {{"team", "b"}}; });
  EXPECT_THROW(process->reconciler.reconcile(kKey, {}), kube::StatusError);
  EXPECT_EQ(store.conflicts(), 1);
  EXPECT_EQ(cloud->calls("CreatePort"), 0) << "the record was refused: nothing sent";
  store.catch_up(kKey);
  EXPECT_FALSE(resource("sin-edge")->status.last_operation.has_value());
  process->queued.clear();
  enqueue(kKey);
  run(std::chrono::minutes(2));
  EXPECT_EQ(cloud->calls("CreatePort"), 1);
  EXPECT_EQ(resource("sin-edge")->status.phase, Phase::Ready);
}

TEST_F(ReconcilerTest, DeletingAResourceThatCreatedNothingTouchesNoCloud) {
  json object = new_port_object("sin-edge", "sin-edge");
  object["metadata"]["finalizers"] = {kFinalizer};
  object["metadata"]["deletionTimestamp"] = format_time(now);
  store.put(object);
  enqueue(kKey);
  run();
  EXPECT_FALSE(resource("sin-edge").has_value());
  EXPECT_EQ(cloud->total_calls(), 0);
}

TEST_F(ReconcilerTest, ACreatedPortIsDestroyedWhenItsResourceIsDeleted) {
  apply_new("sin-edge", "sin-edge");
  run(std::chrono::minutes(2));
  ASSERT_EQ(resource("sin-edge")->status.phase, Phase::Ready);
  delete_resource("sin-edge");
  run();
  EXPECT_FALSE(resource("sin-edge").has_value());
  EXPECT_EQ(cloud->calls("CreatePort"), 1);
  EXPECT_EQ(cloud->calls("TerminatePort"), 1);
  EXPECT_EQ(cloud->calls("DestroyPort"), 1);
  EXPECT_EQ(cloud->status_of("port-new-1").value_or("gone"), "DESTROYED");
  EXPECT_EQ(store.phases_written(kKey), (std::vector<std::string>{"Pending", "Ready", "Terminating",
                                                                  "Recycled", "Destroying", "Destroyed"}));
  EXPECT_EQ(cloud->violations(), std::vector<std::string>{});
}

TEST_F(ReconcilerTest, DeletingWhileACreateIsInFlightDestroysWhatWasCreated) {
  cloud->fail_next("CreatePort", {lost_reply(), true});
  apply_new("sin-edge", "sin-edge");
  run(std::chrono::seconds(0));
  ASSERT_EQ(cloud->ports_named("sin-edge").size(), 1u);
  ASSERT_EQ(resource("sin-edge")->status.port_id, "");
  delete_resource("sin-edge");
  run();
  EXPECT_FALSE(resource("sin-edge").has_value());
  EXPECT_EQ(cloud->calls("CreatePort"), 1);
  EXPECT_EQ(cloud->calls("TerminatePort"), 1);
  EXPECT_EQ(cloud->calls("DestroyPort"), 1);
  EXPECT_EQ(cloud->status_of("port-new-1").value_or("gone"), "DESTROYED");
  EXPECT_EQ(cloud->violations(), std::vector<std::string>{});
}

}  // namespace
}  // namespace zpo::port
