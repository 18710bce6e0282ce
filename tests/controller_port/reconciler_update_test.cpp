// The reconciler keeping a port in line with its resource (issue 5) over a simulated cloud and API server,
// with a manual clock: ModifyPortAttribute with only what differs, observedGeneration catching up once the
// port matches, fields that cannot change reported instead of applied, and RenewPort bringing a recycled port
// back when spec.restore asks for it.

#include "reconciler_fixture.hpp"

namespace zpo::port {
namespace {

using namespace testing;
using nlohmann::json;

const std::string kKey = "team-a/edge";

// An adopted port named "edge" in SIN1 whose LOA is not uploaded yet, and its resource managing its name,
// remarks and business entity.
struct UpdateTest : ReconcilerTest {
  void SetUp() override {
    FakeCloud::Port port;
    port.name = "edge";
    port.remarks = "first";
    port.loa_status = "LOA_NOT_UPLOAD";
    cloud->add_port("port-1", port);
    json object = port_object("edge", "port-1");
    object["spec"]["portName"] = "edge";
    object["spec"]["portRemarks"] = "first";
    object["spec"]["businessEntityName"] = "Example Ltd";
    store.put(object);
    enqueue(kKey);
    run(std::chrono::minutes(1));
    ASSERT_EQ(resource("edge")->status.phase, Phase::Ready);
  }
  // Edits the spec as kubectl would: the generation moves on.
  void edit_spec(const std::function<void(json& spec)>& change) {
    store.mutate(kKey, [&](json& o) {
      change(o["spec"]);
      o["metadata"]["generation"] = o["metadata"].value("generation", 1) + 1;
    });
    enqueue(kKey);
  }
};

TEST_F(UpdateTest, AChangedNameAndRemarksAreModifiedOnce) {
  // The status as it was when the port was next described after the ModifyPortAttribute.
  std::optional<PortResource> after_modify;
  cloud->on_call([&](const std::string& action) {
    if (action == "DescribePorts" && cloud->calls("ModifyPortAttribute") == 1 && !after_modify)
      after_modify = resource("edge");
  });
  edit_spec([](json& spec) {
    spec["portName"] = "edge-renamed";
    spec["portRemarks"] = "second";
  });
  run(std::chrono::minutes(2));
  EXPECT_EQ(cloud->calls("ModifyPortAttribute"), 1);
  const auto port = cloud->port("port-1");
  EXPECT_EQ(port->name, "edge-renamed");
  EXPECT_EQ(port->remarks, "second");
  EXPECT_EQ(port->entity, "Example Ltd");
  ASSERT_TRUE(after_modify.has_value());
  EXPECT_EQ(after_modify->status.observed_generation, 1) << "not applied until the port is seen to match";
  const auto r = resource("edge");
  EXPECT_EQ(r->status.observed_generation, 2);
  EXPECT_EQ(r->status.phase, Phase::Ready);
  EXPECT_EQ(r->status.condition("Synced")->status, "True");
  EXPECT_EQ(events("PortModified"), 1);
  for (const auto& event : store.events()) {
    if (event.reason != "PortModified") continue;
    EXPECT_NE(event.message.find("portName, portRemarks"), std::string::npos) << event.message;
  }
  run(std::chrono::minutes(35));
  EXPECT_EQ(cloud->calls("ModifyPortAttribute"), 1);
  EXPECT_EQ(cloud->violations(), std::vector<std::string>{});
}

TEST_F(UpdateTest, ABusinessEntityIsNotChangedOnceTheLoaIsSeenUploaded) {
  cloud->change_port("port-1", [](FakeCloud::Port& port) { port.loa_status = "LOA_UPLOADED"; });
  run(std::chrono::minutes(11));  // a resync sees it
  edit_spec([](json& spec) { spec["businessEntityName"] = "Other Ltd"; });
  run(std::chrono::minutes(30));
  EXPECT_EQ(cloud->calls("ModifyPortAttribute"), 0);
  const auto r = resource("edge");
  ASSERT_NE(r->status.condition("Synced"), nullptr);
  EXPECT_EQ(r->status.condition("Synced")->reason, "BusinessEntityLocked");
  EXPECT_EQ(events("BusinessEntityLocked"), 1);
  EXPECT_EQ(cloud->port("port-1")->entity, "Example Ltd");
}

TEST_F(UpdateTest, ABusinessEntityRefusedForAnUnseenLoaIsNotRetried) {
  // Uploaded since the last look: the operator asks once, the cloud refuses, and the refusal is reported.
  cloud->change_port("port-1", [](FakeCloud::Port& port) { port.loa_status = "LOA_UPLOADED"; });
  edit_spec([](json& spec) { spec["businessEntityName"] = "Other Ltd"; });
  run(std::chrono::minutes(30));
  EXPECT_EQ(cloud->calls("ModifyPortAttribute"), 1);
  const auto r = resource("edge");
  ASSERT_NE(r->status.condition("Synced"), nullptr);
  EXPECT_EQ(r->status.condition("Synced")->reason, "BusinessEntityLocked");
  EXPECT_EQ(cloud->port("port-1")->entity, "Example Ltd");
  EXPECT_EQ(cloud->violations(), std::vector<std::string>{});
}

TEST_F(UpdateTest, AnotherDataCenterIsReportedNeverApplied) {
  edit_spec([](json& spec) { spec["dcId"] = "HKG1"; });
  run(std::chrono::minutes(30));
  const auto r = resource("edge");
  ASSERT_NE(r->status.condition("Synced"), nullptr);
  EXPECT_EQ(r->status.condition("Synced")->reason, "ImmutableFieldChanged");
  EXPECT_EQ(events("ImmutableFieldChanged"), 1);
  EXPECT_EQ(cloud->calls("ModifyPortAttribute") + cloud->calls("CreatePort") + cloud->calls("TerminatePort"),
            0);
}

TEST_F(UpdateTest, ARecycledPortIsRestoredOnlyWhenAskedTo) {
  // Someone terminates the port in the console: the next resync finds it in the recycle bin.
  cloud->change_port("port-1", [](FakeCloud::Port& port) { port.status = "RECYCLED"; });
  run(std::chrono::minutes(11));
  ASSERT_EQ(resource("edge")->status.phase, Phase::Recycled);
  EXPECT_EQ(cloud->calls("RenewPort"), 0);

  edit_spec([](json& spec) { spec["restore"] = true; });
  run(std::chrono::minutes(2));
  EXPECT_EQ(cloud->calls("RenewPort"), 1);
  EXPECT_EQ(cloud->status_of("port-1"), "RUNNING");
  const auto r = resource("edge");
  EXPECT_EQ(r->status.phase, Phase::Ready);
  EXPECT_EQ(r->status.observed_generation, 2);
  EXPECT_EQ(events("RestoreRequested"), 1);
  const auto phases = store.phases_written(kKey);
  EXPECT_EQ(std::vector<std::string>(phases.end() - 3, phases.end()),
            (std::vector<std::string>{"Recycled", "Pending", "Ready"}));
  run(std::chrono::minutes(35));
  EXPECT_EQ(cloud->calls("RenewPort"), 1);
  EXPECT_EQ(cloud->violations(), std::vector<std::string>{});
}

}  // namespace
}  // namespace zpo::port
