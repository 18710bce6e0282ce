// The reconciler end to end over a simulated cloud and API server, with a manual clock: the whole Delete walk
// with cloud lag, resumption by a fresh process, lost replies, failed writes, PREPAID ports, missing
// credentials.

#include <array>

#include "reconciler_fixture.hpp"

namespace zpo::port {
namespace {

using namespace testing;
using nlohmann::json;

TEST_F(ReconcilerTest, LiveResourceGetsTheFinalizerThenReady) {
  cloud->add_port("port-1");
  create("edge", "port-1");
  run(std::chrono::minutes(1));
  const auto r = resource("edge");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->has_finalizer());
  EXPECT_EQ(r->status.phase, Phase::Ready);
  EXPECT_EQ(r->status.port_status, "RUNNING");
  EXPECT_EQ(r->status.condition("Ready")->status, "True");
  EXPECT_EQ(store.phases_written("team-a/edge"), std::vector<std::string>{"Ready"})
      << "nothing is written before the port is observed";
}

TEST_F(ReconcilerTest, ResyncWithoutChangeWritesNothing) {
  cloud->add_port("port-1");
  create("edge", "port-1");
  run(std::chrono::minutes(1));
  const int writes = store.status_writes();
  const int describes = cloud->calls("DescribePorts");
  run(std::chrono::minutes(35));  // three resyncs at 10 minutes
  EXPECT_EQ(cloud->calls("DescribePorts"), describes + 3);
  EXPECT_EQ(store.status_writes(), writes) << "nothing changed, nothing written";
}

TEST_F(ReconcilerTest, DeleteWalkWithCloudLag) {
  cloud->add_port("port-1");
  create("edge", "port-1");
  run(std::chrono::minutes(1));
  delete_resource("edge");
  run();
  EXPECT_FALSE(resource("edge").has_value())
      << "finalizer removed, object gone"
      << (resource("edge") ? to_json(resource("edge")->status).dump() : "");
  EXPECT_EQ(cloud->calls("TerminatePort"), 1);
  EXPECT_EQ(cloud->calls("DestroyPort"), 1);
  EXPECT_EQ(cloud->violations(), std::vector<std::string>{});
  EXPECT_EQ(cloud->status_of("port-1").value_or("gone"), "DESTROYED");
  EXPECT_EQ(store.phases_written("team-a/edge"),
            (std::vector<std::string>{"Ready", "Terminating", "Recycled", "Destroying", "Destroyed"}));
  const auto reasons = store.event_reasons();
  EXPECT_EQ(std::count(reasons.begin(), reasons.end(), "TerminateRequested"), 1);
  EXPECT_EQ(std::count(reasons.begin(), reasons.end(), "DestroyRequested"), 1);
  EXPECT_EQ(std::count(reasons.begin(), reasons.end(), "PortRecycled"), 1);
  EXPECT_EQ(std::count(reasons.begin(), reasons.end(), "PortDestroyed"), 1);
  // Polls back off: 20 s of lag per stage cost a handful of DescribePorts calls, not one per second.
  EXPECT_LE(cloud->calls("DescribePorts"), 14);
  EXPECT_EQ(process->reconciler.tracked_keys(), 0u);
  EXPECT_EQ(process->observer.stored(), 0u);
}

// The look that shows the port RECYCLED is acted on in one reconcile: Recycled is written (and told) first,
// then DestroyPort goes out and Destroying is written, without a second trip through the queue.
TEST_F(ReconcilerTest, RecycledIsWrittenThenDestroyPortSentInOneReconcile) {
  cloud->add_port("port-1");
  create("edge", "port-1");
  run(std::chrono::minutes(1));
  delete_resource("edge");
  const std::string key = "team-a/edge";
  pause_when = [&] {
    const auto seen = process->observer.latest(key, "port-1");
    return seen && seen->port && seen->port->status() == zenlayer::PortStatus::Recycled &&
           process->queued.count(key) > 0;
  };
  run(std::chrono::minutes(1));
  pause_when = nullptr;
  ASSERT_EQ(resource("edge")->status.phase, Phase::Terminating) << "the look is made, not yet decided on";
  ASSERT_EQ(cloud->calls("DestroyPort"), 0);

  const auto result = process->reconciler.reconcile(key, {});
  EXPECT_EQ(cloud->calls("DestroyPort"), 1);
  EXPECT_EQ(store.phases_written(key),
            (std::vector<std::string>{"Ready", "Terminating", "Recycled", "Destroying"}));
  EXPECT_EQ(events("PortRecycled"), 1);
  EXPECT_EQ(events("DestroyRequested"), 1);
  ASSERT_TRUE(result.requeue_after);
  EXPECT_GT(*result.requeue_after, std::chrono::seconds(1)) << "the next look waits for the cloud";
  EXPECT_EQ(cloud->violations(), std::vector<std::string>{});
}

// Waiting on the cloud, a poll whose object has not changed asks for its look without reading or deciding:
// only the reconcile that the look wakes reads the object. Any change to the object, and the walk is decided
// in full again.
TEST_F(ReconcilerTest, ADuePollOfAnUnchangedObjectAsksWithoutReadingIt) {
  settings.max_poll_interval = settings.poll_interval;  // a poll every 5 s through the 20 s stage
  process = fresh_process();
  cloud->add_port("port-1");
  create("edge", "port-1");
  run(std::chrono::minutes(1));
  delete_resource("edge");
  run(std::chrono::seconds(6));  // TerminatePort, then the first poll (read in full: it decides what to ask)
  ASSERT_EQ(resource("edge")->status.phase, Phase::Terminating);
  const int reads = store.reads();
  const int describes = cloud->calls("DescribePorts");
  run(std::chrono::seconds(5));  // the second poll
  EXPECT_EQ(cloud->calls("DescribePorts"), describes + 1);
  EXPECT_EQ(store.reads(), reads + 1) << "only the reconcile woken by the look read the object";

  store.mutate("team-a/edge",
               [](json& o) { o["metadata"]["labels"]["team"] = "a"; });  // a new resourceVersion
  run(std::chrono::seconds(5));
  EXPECT_EQ(cloud->calls("DescribePorts"), describes + 2);
  EXPECT_EQ(store.reads(), reads + 3) << "the object changed: the poll is decided in full";

  run();
  EXPECT_FALSE(resource("edge").has_value());
  EXPECT_EQ(cloud->calls("TerminatePort"), 1);
  EXPECT_EQ(cloud->calls("DestroyPort"), 1);
  EXPECT_EQ(cloud->violations(), std::vector<std::string>{});
  EXPECT_EQ(store.phases_written("team-a/edge"),
            (std::vector<std::string>{"Ready", "Terminating", "Recycled", "Destroying", "Destroyed"}));
}

// Ports enough to learn a stage's duration from ("edge-0" on) and one more ("late"), on a cloud whose stages
// take `stage`, polled every 5 s.
struct StageLearningTest : ReconcilerTest {
  const int learners = static_cast<int>(StageDurations::kMinSamples);

  void ready_learners_and_late(std::chrono::seconds stage) {
    cloud = std::make_shared<FakeCloud>([this] { return now; }, stage);
    settings.max_poll_interval = settings.poll_interval;
    process = fresh_process();
    for (int i = 0; i < learners; ++i) {
      cloud->add_port("port-" + std::to_string(i));
      create("edge-" + std::to_string(i), "port-" + std::to_string(i));
    }
    cloud->add_port("port-late");
    create("late", "port-late");
    run(std::chrono::minutes(1));
  }
  // Deletes the learners a second apart and runs until they are gone. They poll on jittered schedules, as the
  // operator's do, so they see the stage end at different lags.
  void release_learners() {
    const std::array<double, 5> factors{0.8, 1.2, 0.9, 1.1, 1.0};
    for (int i = 0; i < learners; ++i) {
      jitter = factors[static_cast<std::size_t>(i) % factors.size()];
      delete_resource("edge-" + std::to_string(i));
      run(std::chrono::seconds(1));
    }
    jitter = 1.0;
    run();
  }
};

// A stage that ends between two polls (17 s against a 5 s grid): once enough ports have shown how long the
// cloud takes, a port's look is aimed just past that instead of at the next grid point (20 s).
TEST_F(StageLearningTest, ALookIsAimedPastTheLearntStageDuration) {
  ready_learners_and_late(std::chrono::seconds(17));
  release_learners();
  for (int i = 0; i < learners; ++i)
    ASSERT_FALSE(resource("edge-" + std::to_string(i))) << i;

  delete_resource("late");
  run(std::chrono::milliseconds(500));
  ASSERT_EQ(resource("late")->status.phase, Phase::Terminating);
  // No port was seen done before 17 s: the grid's look at 5 s is skipped, none comes before half of it.
  const Time terminated = now;
  const int looks = cloud->calls("DescribePorts");
  run(std::chrono::milliseconds(8000));
  EXPECT_EQ(cloud->calls("DescribePorts"), looks) << "a look before half the learnt duration";
  // Past 17 s, short of the grid's 20 s.
  run(std::chrono::duration_cast<std::chrono::milliseconds>(terminated + std::chrono::milliseconds(18500) -
                                                            now));
  EXPECT_NE(resource("late")->status.phase, Phase::Terminating) << "RECYCLED seen by the aimed look";
  run();
  EXPECT_FALSE(resource("late"));
  EXPECT_EQ(cloud->violations(), std::vector<std::string>{});
  EXPECT_EQ(cloud->calls("TerminatePort"), learners + 1);
  EXPECT_EQ(cloud->calls("DestroyPort"), learners + 1);
}

// A look asked before the learnt end of the stage whose answer comes after it cannot show the stage done: the
// next look comes at once, not a poll interval later.
TEST_F(StageLearningTest, ALookAskedBeforeTheLearntEndButAnsweredAfterItIsFollowedAtOnce) {
  ready_learners_and_late(std::chrono::seconds(17));
  release_learners();

  // The late port looks at half the learnt duration (about 8.7 s), then on the grid 5 s later; that look's
  // answer comes 4.5 s late, past the learnt end (17 s and a little).
  delete_resource("late");
  run(std::chrono::milliseconds(500));
  ASSERT_EQ(resource("late")->status.phase, Phase::Terminating);
  const Time terminated = now;
  const int looks = cloud->calls("DescribePorts");
  pause_when = [&] { return cloud->calls("DescribePorts") == looks + 1; };
  run(std::chrono::seconds(12));
  pause_when = nullptr;
  ASSERT_EQ(cloud->calls("DescribePorts"), looks + 1) << "the look at half the learnt duration";
  cloud->before_next_describe_answer([this] { now += std::chrono::milliseconds(4500); });
  run(std::chrono::duration_cast<std::chrono::milliseconds>(terminated + std::chrono::milliseconds(19500) -
                                                            now));
  EXPECT_EQ(cloud->calls("DestroyPort"), learners + 1)
      << "RECYCLED seen by the look right after the late answer";
  EXPECT_EQ(cloud->calls("DescribePorts"), looks + 3);
  run();
  EXPECT_FALSE(resource("late"));
  EXPECT_EQ(cloud->violations(), std::vector<std::string>{});
}

// The same late answer, but a refusal (throttled): it did not see the port, so it says nothing about the
// stage. The next look keeps the throttled retry's timing instead of going out at once.
TEST_F(StageLearningTest, ALateFailedLookKeepsItsRetryTiming) {
  ready_learners_and_late(std::chrono::seconds(17));
  release_learners();
  delete_resource("late");
  run(std::chrono::milliseconds(500));
  ASSERT_EQ(resource("late")->status.phase, Phase::Terminating);
  const int looks = cloud->calls("DescribePorts");
  pause_when = [&] { return cloud->calls("DescribePorts") == looks + 1; };
  run(std::chrono::seconds(12));
  ASSERT_EQ(cloud->calls("DescribePorts"), looks + 1) << "the look at half the learnt duration";
  // The grid look 5 s later is refused, and answered 4.5 s late: past the learnt end.
  cloud->fail_next("DescribePorts", {throttled_reply(), false});
  cloud->before_next_describe_answer([this] { now += std::chrono::milliseconds(4500); });
  pause_when = [&] { return cloud->calls("DescribePorts") == looks + 2; };
  run(std::chrono::seconds(12));
  pause_when = nullptr;
  ASSERT_EQ(cloud->calls("DescribePorts"), looks + 2);
  run(std::chrono::milliseconds(900));
  EXPECT_EQ(cloud->calls("DescribePorts"), looks + 2) << "no look at once after a refusal";
  run();
  EXPECT_FALSE(resource("late"));
  EXPECT_EQ(cloud->violations(), std::vector<std::string>{});
}

// A mass deletion sends every TerminatePort before any port is done, so every look is scheduled on the grid.
// When the first ports teach the stage's duration, a look already scheduled past the new aim is brought
// forward to it instead of waiting for its grid point.
TEST_F(StageLearningTest, LooksScheduledBeforeTheDurationIsLearntAreBroughtForward) {
  ready_learners_and_late(std::chrono::seconds(16));
  const auto mark_deleted = [&](const std::string& name) {
    store.mutate("team-a/" + name,
                 [this](json& o) { o["metadata"]["deletionTimestamp"] = format_time(now); });
    enqueue("team-a/" + name);
  };
  // The learners look every 4 s: they see the 16 s stage done soon after it ends.
  for (int i = 0; i < learners; ++i) {
    key_jitter["team-a/edge-" + std::to_string(i)] = 0.8;
    mark_deleted("edge-" + std::to_string(i));
  }
  run(std::chrono::milliseconds(100));
  const Time terminated = now;
  ASSERT_EQ(cloud->calls("TerminatePort"), learners);
  // The late port, 2 s behind, looks every 5 s: at 7, 12, 17 and 22 s. Its stage ends at 18 s.
  now += std::chrono::seconds(2);
  mark_deleted("late");
  run(std::chrono::milliseconds(100));
  ASSERT_EQ(cloud->calls("TerminatePort"), learners + 1);

  run(std::chrono::duration_cast<std::chrono::milliseconds>(terminated + std::chrono::seconds(21) - now));
  EXPECT_EQ(cloud->calls("DestroyPort"), learners + 1)
      << "the late port's look is brought forward from 22 s to just past the learnt duration, where it sees "
         "RECYCLED";
  run();
  EXPECT_FALSE(resource("late"));
  EXPECT_EQ(cloud->violations(), std::vector<std::string>{});
  EXPECT_EQ(cloud->calls("TerminatePort"), learners + 1);
  EXPECT_EQ(cloud->calls("DestroyPort"), learners + 1);
}

TEST_F(ReconcilerTest, RecycleBinStopsAtRecycled) {
  cloud->add_port("port-1");
  create("edge", "port-1", "RecycleBin");
  run(std::chrono::minutes(1));
  delete_resource("edge");
  run();
  EXPECT_FALSE(resource("edge").has_value());
  EXPECT_EQ(cloud->calls("DestroyPort"), 0);
  EXPECT_EQ(cloud->status_of("port-1"), "RECYCLED");
}

TEST_F(ReconcilerTest, OrphanTouchesNothing) {
  cloud->add_port("port-1");
  create("edge", "port-1", "Orphan");
  run(std::chrono::minutes(1));
  const int describes = cloud->calls("DescribePorts");
  delete_resource("edge");
  run();
  EXPECT_FALSE(resource("edge").has_value());
  EXPECT_EQ(cloud->calls("DescribePorts"), describes);
  EXPECT_EQ(cloud->calls("TerminatePort"), 0);
  EXPECT_EQ(cloud->status_of("port-1"), "RUNNING");
}

TEST_F(ReconcilerTest, AFreshProcessResumesWithoutASecondTerminate) {
  cloud->add_port("port-1");
  create("edge", "port-1");
  run(std::chrono::minutes(1));
  delete_resource("edge");
  run(std::chrono::seconds(3));  // TerminatePort accepted; the cloud still says RUNNING
  ASSERT_EQ(cloud->calls("TerminatePort"), 1);
  ASSERT_EQ(resource("edge")->status.phase, Phase::Terminating);
  ASSERT_EQ(cloud->status_of("port-1"), "RUNNING");
  process = fresh_process();  // a crash: no memory survives, only the status
  enqueue("team-a/edge");
  run();
  EXPECT_FALSE(resource("edge").has_value());
  EXPECT_EQ(cloud->calls("TerminatePort"), 1);
  EXPECT_EQ(cloud->calls("DestroyPort"), 1);
  EXPECT_EQ(cloud->violations(), std::vector<std::string>{});
}

TEST_F(ReconcilerTest, ALostReplyIsObservedNotRepeated) {
  cloud->add_port("port-1");
  create("edge", "port-1");
  run(std::chrono::minutes(1));
  zenlayer::ApiErrorDetails lost;
  lost.error_class = zenlayer::ErrorClass::Transport;
  lost.may_have_taken_effect = true;
  cloud->fail_next("TerminatePort", {lost, true});  // carried out, reply lost
  zenlayer::ApiErrorDetails five_hundred;
  five_hundred.http_status = 500;
  five_hundred.code = "INTERNAL_SERVER_ERROR";
  five_hundred.error_class = zenlayer::ErrorClass::Transient;
  five_hundred.may_have_taken_effect = true;
  cloud->fail_next("DestroyPort", {five_hundred, true});
  delete_resource("edge");
  run();
  EXPECT_FALSE(resource("edge").has_value());
  EXPECT_EQ(cloud->calls("TerminatePort"), 1);
  EXPECT_EQ(cloud->calls("DestroyPort"), 1);
  EXPECT_EQ(cloud->violations(), std::vector<std::string>{});
  EXPECT_EQ(store.event_reasons().front(), "CloudError");
}

TEST_F(ReconcilerTest, AFailedStatusWriteDoesNotForgetTheTerminate) {
  cloud->add_port("port-1");
  create("edge", "port-1");
  run(std::chrono::minutes(1));
  delete_resource("edge");
  // The reconcile after the deletion observes first; the one after sends TerminatePort, and its write fails.
  process->reconciler.reconcile("team-a/edge", {});
  process->observer.observe_pending({});
  store.fail_next_status_writes(1);
  EXPECT_THROW(process->reconciler.reconcile("team-a/edge", {}), std::runtime_error);
  ASSERT_EQ(cloud->calls("TerminatePort"), 1);
  EXPECT_FALSE(resource("edge")->status.last_operation.has_value());
  process->queued.clear();
  enqueue("team-a/edge");
  run();
  EXPECT_FALSE(resource("edge").has_value());
  EXPECT_EQ(cloud->calls("TerminatePort"), 1);
  EXPECT_EQ(cloud->violations(), std::vector<std::string>{});
}

TEST_F(ReconcilerTest, PrepaidPortIsBlockedUntilOrphaned) {
  cloud->add_port("port-1", FakeCloud::Port{"RUNNING", "PREPAID", "2027-01-01T00:00:00Z"});
  create("edge", "port-1");
  run(std::chrono::minutes(1));
  delete_resource("edge");
  run(std::chrono::minutes(30));
  ASSERT_TRUE(resource("edge").has_value());
  EXPECT_EQ(resource("edge")->status.phase, Phase::Blocked);
  EXPECT_EQ(resource("edge")->status.condition("Ready")->reason, "PortPrepaid");
  EXPECT_EQ(cloud->calls("TerminatePort"), 0);
  EXPECT_LE(cloud->calls("DescribePorts"), 9) << "a slow retry, not a storm";
  const auto reasons = store.event_reasons();
  EXPECT_EQ(std::count(reasons.begin(), reasons.end(), "PortPrepaid"), 1);
  store.mutate("team-a/edge", [](json& o) { o["spec"]["deletionPolicy"] = "Orphan"; });
  enqueue("team-a/edge");
  run();
  EXPECT_FALSE(resource("edge").has_value());
  EXPECT_EQ(cloud->status_of("port-1"), "RUNNING");
}

TEST_F(ReconcilerTest, PrepaidRefusalWithoutChargeTypeIsNotRepeatedInALoop) {
  FakeCloud::Port port;
  port.charge = std::nullopt;
  port.refuses_as_prepaid = true;
  cloud->add_port("port-1", port);
  create("edge", "port-1");
  run(std::chrono::minutes(1));
  delete_resource("edge");
  run(std::chrono::minutes(12));
  EXPECT_EQ(resource("edge")->status.phase, Phase::Blocked);
  EXPECT_GE(cloud->calls("TerminatePort"), 2);
  EXPECT_LE(cloud->calls("TerminatePort"), 3) << "once per error retry interval (5 minutes)";
  EXPECT_EQ(cloud->violations(), std::vector<std::string>{});
}

TEST_F(ReconcilerTest, MissingSecretLandsOnStatusWithoutACloudCall) {
  cloud->add_port("port-1");
  auto object = port_object("edge", "port-1");
  object["spec"]["credentialsSecretRef"] = {{"name", "zl-key"}};
  store.put(object);
  enqueue("team-a/edge");
  run(std::chrono::minutes(1));
  const auto r = resource("edge");
  EXPECT_EQ(r->status.condition("Ready")->reason, "CredentialsSecretNotFound");
  EXPECT_EQ(r->status.condition("Synced")->reason, "CredentialsSecretNotFound");
  EXPECT_EQ(cloud->calls("DescribePorts"), 0);
  // The Secret appears: the next slow retry picks it up.
  secrets["/api/v1/namespaces/team-a/secrets/zl-key"] = {
      {"metadata", {{"resourceVersion", "5"}}},
      {"data", {{"accessKeyId", "QUtJRA=="}, {"accessKeyPassword", "c2VjcmV0LXB3"}}}};
  run(std::chrono::minutes(6));
  EXPECT_EQ(resource("edge")->status.phase, Phase::Ready);
  for (const auto& event : store.events())
    EXPECT_EQ(event.message.find("secret-pw"), std::string::npos);
}

TEST_F(ReconcilerTest, PortNotFoundWhileLiveAndDoneAtOnceWhenDeleted) {
  create("edge", "port-missing");
  run(std::chrono::minutes(1));
  EXPECT_EQ(resource("edge")->status.phase, Phase::Failed);
  EXPECT_EQ(resource("edge")->status.condition("Ready")->reason, "PortNotFound");
  delete_resource("edge");
  run();
  EXPECT_FALSE(resource("edge").has_value());
  EXPECT_EQ(cloud->calls("TerminatePort"), 0);
}

TEST_F(ReconcilerTest, GoneObjectsAreForgotten) {
  cloud->add_port("port-1");
  create("edge", "port-1");
  run(std::chrono::minutes(1));
  EXPECT_EQ(process->observer.stored(), 1u);
  store.mutate("team-a/edge", [](json& o) { o["metadata"]["finalizers"] = json::array(); });
  store.mutate("team-a/edge", [](json& o) { o["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z"; });
  store.remove_finalizer(*store.get("team-a/edge"));
  process->reconciler.reconcile("team-a/edge", {});
  EXPECT_EQ(process->observer.stored(), 0u);
  EXPECT_EQ(process->reconciler.tracked_keys(), 0u);
}

TEST_F(ReconcilerTest, PhasesAreCountedFromTheStore) {
  cloud->add_port("port-1");
  create("a", "port-1");
  create("b", "port-missing");
  store.put(port_object("c", "port-3"));  // never reconciled
  run(std::chrono::minutes(1));
  const auto phases = process->reconciler.phases();
  EXPECT_EQ(phases.at("Ready"), 1);
  EXPECT_EQ(phases.at("Failed"), 1);
  EXPECT_EQ(phases.at("Pending"), 1);
}

}  // namespace
}  // namespace zpo::port
