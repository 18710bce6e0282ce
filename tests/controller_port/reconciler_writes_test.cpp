// How many Kubernetes writes a resource costs (issue 7: at most 5 per port from deletion to removal, Events
// aside). Each test walks a resource through the simulated cloud — including its lag: a port that still reads
// RUNNING for two polls after TerminatePort, then RECYCLED, DESTROYING, DESTROYED — and checks the exact
// writes the API server received: one status write per phase change, the finalizer, and nothing for a poll
// that only saw the cloud lag (DESIGN principle 5: no status write when nothing changed).

#include "reconciler_fixture.hpp"

namespace zpo::port {
namespace {

using namespace testing;
using nlohmann::json;
using Write = FakeStore::Write;

struct ReconcilerWritesTest : ReconcilerTest {
  // What the cloud answered, in order: "TerminatePort", "DestroyPort", and "DescribePorts:<status>" for each
  // observation (the port's status as that call finds it; "gone" once no longer listed).
  std::vector<std::string> cloud_log;

  void SetUp() override {
    cloud->on_call([this](const std::string& action) {
      if (action == "DescribePorts") {
        cloud_log.push_back("DescribePorts:" + cloud->status_of("port-1").value_or("gone"));
      } else {
        cloud_log.push_back(action);
      }
    });
  }

  // As the API server deletes an object with finalizers: deletionTimestamp set and a new generation.
  void delete_as_the_api_server_does(const std::string& name) {
    now += std::chrono::seconds(5);
    store.mutate("team-a/" + name, [this](json& o) {
      o["metadata"]["deletionTimestamp"] = format_time(now);
      o["metadata"]["generation"] = o["metadata"]["generation"].get<std::int64_t>() + 1;
    });
    enqueue("team-a/" + name);
  }

  // The writes to `name` from the `from`th on, as "status <phase>" / "finalizer added|removed".
  std::vector<std::string> writes(const std::string& name, std::size_t from = 0) {
    std::vector<std::string> out;
    const auto all = store.writes("team-a/" + name);
    for (std::size_t i = from; i < all.size(); ++i)
      out.push_back(all[i].what == "status" ? "status " + all[i].phase : all[i].what);
    return out;
  }
  std::size_t write_count(const std::string& name) { return store.writes("team-a/" + name).size(); }
  // How many observations after `action` found the port in `status`.
  int seen_after(const std::string& action, const std::string& status) {
    const auto start = std::find(cloud_log.begin(), cloud_log.end(), action);
    return static_cast<int>(std::count(start, cloud_log.end(), "DescribePorts:" + status));
  }
};

TEST_F(ReconcilerWritesTest, AdoptionIsTheFinalizerAndOneStatusWrite) {
  cloud->add_port("port-1");
  create("edge", "port-1");
  run(std::chrono::minutes(1));
  ASSERT_EQ(resource("edge")->status.phase, Phase::Ready);
  EXPECT_EQ(writes("edge"), (std::vector<std::string>{"finalizer added", "status Ready"}));
  const auto ready = store.writes("team-a/edge").back();
  // The one status write carries everything adoption learns: the port's identity and state, the generation.
  for (const char* field : {"phase", "portId", "portStatus", "observedGeneration", "conditions"}) {
    EXPECT_NE(std::find(ready.fields.begin(), ready.fields.end(), field), ready.fields.end()) << field;
  }
}

TEST_F(ReconcilerWritesTest, DeletionThroughTheCloudsLagIsFiveWrites) {
  cloud->add_port("port-1");
  create("edge", "port-1");
  run(std::chrono::minutes(1));
  const std::size_t before = write_count("edge");
  delete_as_the_api_server_does("edge");
  run();
  ASSERT_FALSE(resource("edge").has_value()) << "the finalizer is removed and the object gone";
  // The walk really went through the lag: two polls still read RUNNING after TerminatePort, and the port was
  // seen DESTROYING before DESTROYED.
  EXPECT_GE(seen_after("TerminatePort", "RUNNING"), 2) << ::testing::PrintToString(cloud_log);
  EXPECT_GE(seen_after("DestroyPort", "DESTROYING"), 1) << ::testing::PrintToString(cloud_log);
  EXPECT_EQ(seen_after("DestroyPort", "DESTROYED"), 1) << ::testing::PrintToString(cloud_log);
  EXPECT_EQ(cloud->calls("TerminatePort"), 1);
  EXPECT_EQ(cloud->calls("DestroyPort"), 1);
  EXPECT_EQ(cloud->violations(), std::vector<std::string>{});
  // One write per phase change and the finalizer: nothing for the polls that saw the cloud lag, nothing for
  // the new generation alone, nothing for portStatus moving from RECYCLED to DESTROYING.
  const auto deletion = writes("edge", before);
  EXPECT_EQ(deletion, (std::vector<std::string>{"status Terminating", "status Recycled", "status Destroying",
                                                "status Destroyed", "finalizer removed"}));
  EXPECT_LE(deletion.size(), 5u);
}

TEST_F(ReconcilerWritesTest, EachAcceptedMutationIsInTheWriteOfItsPhase) {
  cloud->add_port("port-1");
  create("edge", "port-1");
  run(std::chrono::minutes(1));
  const std::size_t before = write_count("edge");
  delete_as_the_api_server_does("edge");
  run();
  const auto all = store.writes("team-a/edge");
  std::vector<std::string> carrying_operation;
  for (std::size_t i = before; i < all.size(); ++i) {
    if (std::find(all[i].fields.begin(), all[i].fields.end(), "lastOperation") != all[i].fields.end())
      carrying_operation.push_back(all[i].phase);
  }
  // The request ids of TerminatePort and DestroyPort reach the status in the write that starts their stage,
  // not in a write of their own.
  EXPECT_EQ(carrying_operation, (std::vector<std::string>{"Terminating", "Destroying"}));
}

TEST_F(ReconcilerWritesTest, ARestartDuringTheLagAddsNoWrite) {
  cloud->add_port("port-1");
  create("edge", "port-1");
  run(std::chrono::minutes(1));
  const std::size_t before = write_count("edge");
  delete_as_the_api_server_does("edge");
  run(std::chrono::seconds(8));  // TerminatePort accepted and one poll made; the cloud still says RUNNING
  ASSERT_EQ(cloud->calls("TerminatePort"), 1);
  ASSERT_EQ(cloud->status_of("port-1"), "RUNNING");
  ASSERT_EQ(writes("edge", before), std::vector<std::string>{"status Terminating"});
  restart();  // no memory survives, only the status
  run();
  EXPECT_FALSE(resource("edge").has_value());
  EXPECT_EQ(cloud->calls("TerminatePort"), 1);
  EXPECT_EQ(writes("edge", before),
            (std::vector<std::string>{"status Terminating", "status Recycled", "status Destroying",
                                      "status Destroyed", "finalizer removed"}));
}

TEST_F(ReconcilerWritesTest, RecycleBinIsThreeWrites) {
  cloud->add_port("port-1");
  create("edge", "port-1", "RecycleBin");
  run(std::chrono::minutes(1));
  const std::size_t before = write_count("edge");
  delete_as_the_api_server_does("edge");
  run();
  ASSERT_FALSE(resource("edge").has_value());
  EXPECT_GE(seen_after("TerminatePort", "RUNNING"), 2) << ::testing::PrintToString(cloud_log);
  EXPECT_EQ(writes("edge", before),
            (std::vector<std::string>{"status Terminating", "status Recycled", "finalizer removed"}));
}

TEST_F(ReconcilerWritesTest, OrphanIsTwoWrites) {
  cloud->add_port("port-1");
  create("edge", "port-1", "Orphan");
  run(std::chrono::minutes(1));
  const std::size_t before = write_count("edge");
  delete_as_the_api_server_does("edge");
  run();
  ASSERT_FALSE(resource("edge").has_value());
  EXPECT_EQ(writes("edge", before), (std::vector<std::string>{"status Orphaned", "finalizer removed"}));
}

TEST_F(ReconcilerWritesTest, AnIdleReadyPortIsNotWrittenAgain) {
  cloud->add_port("port-1");
  create("edge", "port-1");
  run(std::chrono::minutes(1));
  const std::size_t before = write_count("edge");
  run(std::chrono::minutes(35));  // three resyncs
  EXPECT_GE(cloud->calls("DescribePorts"), 4);
  EXPECT_EQ(write_count("edge"), before);
}

}  // namespace
}  // namespace zpo::port
