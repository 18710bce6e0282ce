#include "port_state_machine.hpp"

#include <gtest/gtest.h>

#include "fake_clock.hpp"

namespace zenemu {
namespace {

using nlohmann::json;
using testing::FakeClock;

class EmulatorPortStateMachine : public ::testing::Test {
 protected:
  EmulatorPortStateMachine() : ports(clock, test_delays()) {}

  static Delays test_delays() {
    Delays d;
    d.create = Millis(1000);
    d.terminate = Millis(1000);
    d.terminate_lag_polls = 2;
    d.destroy = Millis(500);
    d.destroyed_visible = Millis(2000);
    d.renew = Millis(300);
    return d;
  }

  // The portStatus DescribePorts reports (one poll), or "absent".
  std::string poll(const std::string& id) {
    auto r = ports.describe_ports({{"portIds", {id}}});
    EXPECT_TRUE(r.ok()) << r.code;
    const auto& data = r.response["dataSet"];
    return data.empty() ? "absent" : data[0]["portStatus"].get<std::string>();
  }

  ActionResult terminate(const std::string& id) { return ports.terminate_port({{"portId", id}}); }
  ActionResult destroy(const std::string& id) { return ports.destroy_port({{"portId", id}}); }
  ActionResult renew(const std::string& id) { return ports.renew_port({{"portId", id}}); }

  void seed(json spec) { ports.seed(spec); }

  FakeClock clock;
  PortStateMachine ports;
};

TEST_F(EmulatorPortStateMachine, CreatePortGoesFromCreatingToRunningAfterTheDelay) {
  auto r = ports.create_port(
      {{"dcId", "SIN1"}, {"portName", "edge-1"}, {"portType", "10G"}, {"businessEntityName", "ACME"}});
  ASSERT_TRUE(r.ok()) << r.code;
  EXPECT_TRUE(r.committed);
  const std::string id = r.response["portId"];
  EXPECT_TRUE(valid_port_id(id));
  EXPECT_EQ(poll(id), "CREATING");
  clock.advance(Millis(999));
  EXPECT_EQ(poll(id), "CREATING");
  clock.advance(Millis(1));
  EXPECT_EQ(poll(id), "RUNNING");

  auto info = ports.describe_ports({{"portIds", {id}}}).response["dataSet"][0];
  EXPECT_EQ(info["portName"], "edge-1");
  EXPECT_EQ(info["portType"], "10G");
  EXPECT_EQ(info["dcId"], "SIN1");
  EXPECT_EQ(info["cityName"], "Singapore");
  EXPECT_EQ(info["portChargeType"], "POSTPAID");
  EXPECT_EQ(info["createdTime"], "2026-01-01T00:00:00Z");
}

TEST_F(EmulatorPortStateMachine, CreatePortValidatesItsParameters) {
  json good = {{"dcId", "SIN1"}, {"portName", "p"}, {"portType", "100G"}, {"businessEntityName", "ACME"}};
  for (const char* field : {"dcId", "portName", "portType", "businessEntityName"}) {
    json params = good;
    params.erase(field);
    EXPECT_EQ(ports.create_port(params).code, "MISSING_PARAMETER") << field;
  }
  json bad_dc = good;
  bad_dc["dcId"] = "MARS1";
  EXPECT_EQ(ports.create_port(bad_dc).code, "INVALID_PARAMETER_DC_ID");
  json bad_type = good;
  bad_type["portType"] = "25G";
  auto r = ports.create_port(bad_type);
  EXPECT_EQ(r.code, "INVALID_PARAMETER_PORT_TYPE");
  EXPECT_EQ(r.http_status, 400);
  EXPECT_FALSE(r.committed);
  json wrong_type = good;
  wrong_type["portName"] = 7;
  EXPECT_EQ(ports.create_port(wrong_type).code, "INVALID_PARAMETER_VALUE");

  // The known data centers are settable.
  PortRules rules = ports.rules();
  rules.dc_ids = {"MARS1"};
  ports.set_rules(rules);
  EXPECT_TRUE(ports.create_port(bad_dc).ok());
  EXPECT_EQ(ports.create_port(good).code, "INVALID_PARAMETER_DC_ID");
  EXPECT_EQ(ports.status_counts()["total"], 1);
}

TEST_F(EmulatorPortStateMachine, TerminatedPortReadsRunningForTheLagPollsAndTheDelayThenRecycled) {
  seed({{"portId", "p1"}});
  auto r = terminate("p1");
  ASSERT_TRUE(r.ok()) << r.code;
  EXPECT_TRUE(r.committed);
  EXPECT_EQ(poll("p1"), "RUNNING");  // lag poll 1
  EXPECT_EQ(poll("p1"), "RUNNING");  // lag poll 2
  EXPECT_EQ(poll("p1"), "RUNNING");  // lag used up, but the delay has not passed
  clock.advance(Millis(999));
  EXPECT_EQ(poll("p1"), "RUNNING");
  clock.advance(Millis(1));
  EXPECT_EQ(poll("p1"), "RECYCLED");
}

TEST_F(EmulatorPortStateMachine, LagPollsAloneHoldBackRecycledWhenTheDelayIsZero) {
  Delays d = ports.delays();
  d.terminate = Millis(0);
  d.terminate_lag_polls = 3;
  ports.set_delays(d);
  seed({{"portId", "p1"}});
  ASSERT_TRUE(terminate("p1").ok());
  EXPECT_EQ(poll("p1"), "RUNNING");
  EXPECT_EQ(poll("p1"), "RUNNING");
  EXPECT_EQ(poll("p1"), "RUNNING");
  EXPECT_EQ(poll("p1"), "RECYCLED");
}

TEST_F(EmulatorPortStateMachine, LagOnlyCountsPollsThatReturnThePort) {
  Delays d = ports.delays();
  d.terminate = Millis(0);
  d.terminate_lag_polls = 1;
  ports.set_delays(d);
  seed(json::array({{{"portId", "a"}}, {{"portId", "b"}}}));
  ASSERT_TRUE(terminate("b").ok());
  // A page that does not include b does not consume its lag.
  auto page = ports.describe_ports({{"pageSize", 1}});
  EXPECT_EQ(page.response["dataSet"][0]["portId"], "a");
  EXPECT_EQ(poll("b"), "RUNNING");
  EXPECT_EQ(poll("b"), "RECYCLED");
}

TEST_F(EmulatorPortStateMachine, RepeatedTerminateIsCountedAsDuplicateNotAsViolation) {
  seed({{"portId", "p1"}});
  ASSERT_TRUE(terminate("p1").ok());
  auto again = terminate("p1");  // while the port still reads RUNNING
  EXPECT_EQ(again.http_status, 403);
  EXPECT_EQ(again.code, "OPERATION_FAILED_FOR_RECYCLE_RESOURCE");
  EXPECT_FALSE(again.committed);
  clock.advance(Millis(5000));
  poll("p1");
  poll("p1");
  EXPECT_EQ(poll("p1"), "RECYCLED");
  EXPECT_EQ(terminate("p1").code, "OPERATION_FAILED_FOR_RECYCLE_RESOURCE");
  EXPECT_EQ(ports.duplicate_terminates(), 2u);
  EXPECT_EQ(ports.violation_count(), 0u);
}

TEST_F(EmulatorPortStateMachine, TerminateOnAPortAlreadyRecycledAnswersTheConfiguredCode) {
  seed({{"portId", "p1"}, {"portStatus", "RECYCLED"}});
  EXPECT_EQ(terminate("p1").code, "OPERATION_FAILED_FOR_RECYCLE_RESOURCE");
  PortRules rules = ports.rules();
  rules.recycled_terminate_code = "OPERATION_DENIED_INSTANCE_RECYCLED";
  ports.set_rules(rules);
  auto r = terminate("p1");
  EXPECT_EQ(r.code, "OPERATION_DENIED_INSTANCE_RECYCLED");
  EXPECT_EQ(r.http_status, 403);
  EXPECT_EQ(ports.duplicate_terminates(), 0u);  // never accepted here: not a repeat
}

TEST_F(EmulatorPortStateMachine, PrepaidAndCreatingPortsRefuseTerminate) {
  seed(json::array(
      {{{"portId", "pre"}, {"portChargeType", "PREPAID"}, {"expiredTime", "2027-01-01T00:00:00Z"}},
       {{"portId", "hidden"}, {"portChargeType", "PREPAID"}, {"chargeTypeReported", false}},
       {{"portId", "new"}, {"portStatus", "CREATING"}},
       {{"portId", "odd"}, {"portStatus", "DELETING_FAILED"}}}));
  auto r = terminate("pre");
  EXPECT_EQ(r.http_status, 403);
  EXPECT_EQ(r.code, "OPERATION_DENIED_PORT_PREPAID");
  EXPECT_EQ(terminate("hidden").code, "OPERATION_DENIED_PORT_PREPAID");
  EXPECT_EQ(terminate("new").code, "OPERATION_DENIED_PORT_CREATING");
  EXPECT_EQ(terminate("odd").code, "OPERATION_DENIED_PORT_STATUS");
  EXPECT_EQ(poll("pre"), "RUNNING");

  auto data = ports.describe_ports({{"portIds", {"pre", "hidden"}}}).response["dataSet"];
  EXPECT_EQ(data[0]["portChargeType"], "PREPAID");
  EXPECT_EQ(data[0]["expiredTime"], "2027-01-01T00:00:00Z");
  EXPECT_FALSE(data[1].contains("portChargeType"));
}

TEST_F(EmulatorPortStateMachine, AnEmptyChargeTypeIsOmittedAndBehavesAsPostpaid) {
  seed({{"portId", "p1"}, {"portChargeType", ""}});
  auto data = ports.describe_ports({{"portIds", {"p1"}}}).response["dataSet"];
  EXPECT_FALSE(data[0].contains("portChargeType"));
  EXPECT_TRUE(terminate("p1").ok());
}

TEST_F(EmulatorPortStateMachine, UnknownPortsAnswerNotFoundWithTheConfiguredStatus) {
  auto r = terminate("nope");
  EXPECT_EQ(r.code, "SELF_SERVICE_PORT_NOT_FOUND");
  EXPECT_EQ(r.http_status, 400);
  PortRules rules = ports.rules();
  rules.not_found_http_status = 404;
  ports.set_rules(rules);
  EXPECT_EQ(destroy("nope").http_status, 404);
  EXPECT_EQ(renew("nope").code, "SELF_SERVICE_PORT_NOT_FOUND");
  EXPECT_EQ(ports.violation_count(), 0u);  // absent is not a protocol mistake
}

TEST_F(EmulatorPortStateMachine, PortIdIsRequiredAndMustMatchTheFormat) {
  EXPECT_EQ(ports.terminate_port(json::object()).code, "MISSING_PARAMETER");
  EXPECT_EQ(ports.terminate_port({{"portId", ""}}).code, "MISSING_PARAMETER");
  EXPECT_EQ(ports.terminate_port({{"portId", 12}}).code, "INVALID_PARAMETER_VALUE");
  for (const char* bad : {"-p", ".p", "p 1", "p/1", "p\n"}) {
    EXPECT_EQ(terminate(bad).code, "INVALID_PARAMETER_PORT_ID") << bad;
  }
  EXPECT_TRUE(valid_port_id("A1.b_c-d"));
}

TEST_F(EmulatorPortStateMachine, DestroyTakesARecycledPortThroughDestroyingToDestroyedThenUnlisted) {
  seed({{"portId", "p1"}, {"portStatus", "RECYCLED"}});
  auto r = destroy("p1");
  ASSERT_TRUE(r.ok()) << r.code;
  EXPECT_TRUE(r.committed);
  EXPECT_EQ(poll("p1"), "DESTROYING");
  clock.advance(Millis(500));
  EXPECT_EQ(poll("p1"), "DESTROYED");
  clock.advance(Millis(1999));
  EXPECT_EQ(poll("p1"), "DESTROYED");
  clock.advance(Millis(1));
  EXPECT_EQ(poll("p1"), "absent");
  EXPECT_EQ(ports.describe_ports(json::object()).response["totalCount"], 0);
  EXPECT_EQ(terminate("p1").code, "SELF_SERVICE_PORT_NOT_FOUND");

  // Still known to the admin view, marked unlisted.
  auto all = ports.all_ports();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]["portStatus"], "DESTROYED");
  EXPECT_EQ(all[0]["internal"]["listed"], false);
  EXPECT_EQ(ports.status_counts()["unlisted"], 1);
  EXPECT_EQ(ports.violation_count(), 0u);
}

TEST_F(EmulatorPortStateMachine, VisibilityOfDestroyedPortsCountsFromWhenTheyBecameDestroyed) {
  // Nobody looks at the port while it is destroyed: lazy evaluation must still date DESTROYED at the due
  // time.
  seed({{"portId", "p1"}, {"portStatus", "RECYCLED"}});
  ASSERT_TRUE(destroy("p1").ok());
  clock.advance(Millis(500 + 2000));
  EXPECT_EQ(poll("p1"), "absent");
}

TEST_F(EmulatorPortStateMachine, DestroyOnAPortThatIsNotRecycledIsRefusedAndCountedAsViolation) {
  seed(json::array({{{"portId", "run"}}, {{"portId", "bin"}, {"portStatus", "RECYCLED"}}}));
  auto r = destroy("run");
  EXPECT_EQ(r.http_status, 403);
  EXPECT_EQ(r.code, "OPERATION_DENIED_PORT_NOT_RECYCLED");
  EXPECT_FALSE(r.committed);
  EXPECT_EQ(poll("run"), "RUNNING");

  // Terminated but still reading RUNNING (lag): destroying now is the client's mistake too.
  ASSERT_TRUE(terminate("run").ok());
  EXPECT_EQ(destroy("run").code, "OPERATION_DENIED_PORT_NOT_RECYCLED");

  ASSERT_TRUE(destroy("bin").ok());
  EXPECT_EQ(destroy("bin").code, "OPERATION_DENIED_PORT_NOT_RECYCLED");  // repeat while DESTROYING

  EXPECT_EQ(ports.violation_count(), 3u);
  auto v = ports.violations();
  ASSERT_EQ(v["details"].size(), 3u);
  EXPECT_EQ(v["details"][0]["action"], "DestroyPort");
  EXPECT_EQ(v["details"][0]["portId"], "run");
  EXPECT_EQ(v["details"][0]["portStatus"], "RUNNING");
  EXPECT_EQ(v["details"][2]["portStatus"], "DESTROYING");
}

TEST_F(EmulatorPortStateMachine, RenewBringsARecycledPortBackToRunning) {
  seed(json::array({{{"portId", "p1"}}, {{"portId", "p2"}}}));
  Delays d = ports.delays();
  d.terminate_lag_polls = 0;
  ports.set_delays(d);
  ASSERT_TRUE(terminate("p1").ok());
  EXPECT_EQ(renew("p1").code, "OPERATION_DENIED_PORT_NOT_RECYCLED");  // not yet RECYCLED
  clock.advance(Millis(1000));
  EXPECT_EQ(poll("p1"), "RECYCLED");
  auto r = renew("p1");
  ASSERT_TRUE(r.ok()) << r.code;
  EXPECT_TRUE(r.committed);
  EXPECT_EQ(poll("p1"), "RECOVERING");
  clock.advance(Millis(300));
  EXPECT_EQ(poll("p1"), "RUNNING");
  // A renewed port can be terminated again, and that is not a duplicate.
  EXPECT_TRUE(terminate("p1").ok());
  EXPECT_EQ(ports.duplicate_terminates(), 0u);
  EXPECT_EQ(renew("p2").code, "OPERATION_DENIED_PORT_NOT_RECYCLED");
  EXPECT_EQ(ports.violation_count(), 0u);
}

TEST_F(EmulatorPortStateMachine, DescribePortsPagesAndCountsAllMatches) {
  seed({{"count", 25}, {"dcId", "HKG1"}});
  auto first = ports.describe_ports(json::object());
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.response["totalCount"], 25);
  EXPECT_EQ(first.response["dataSet"].size(), 20u);  // default pageSize
  EXPECT_EQ(first.response["dataSet"][0]["portId"], "port-00000001");

  auto third = ports.describe_ports({{"pageNum", 3}, {"pageSize", 10}});
  EXPECT_EQ(third.response["totalCount"], 25);
  ASSERT_EQ(third.response["dataSet"].size(), 5u);
  EXPECT_EQ(third.response["dataSet"][0]["portId"], "port-00000021");
  EXPECT_EQ(third.response["dataSet"][0]["dcId"], "HKG1");

  auto beyond = ports.describe_ports({{"pageNum", 9}, {"pageSize", 10}});
  EXPECT_EQ(beyond.response["totalCount"], 25);
  EXPECT_TRUE(beyond.response["dataSet"].empty());

  EXPECT_EQ(ports.describe_ports({{"pageSize", 1000}}).response["dataSet"].size(), 25u);
  EXPECT_EQ(ports.describe_ports({{"pageSize", 1001}}).code, "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(ports.describe_ports({{"pageSize", 0}}).code, "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(ports.describe_ports({{"pageNum", 0}}).code, "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(ports.describe_ports({{"pageNum", "1"}}).code, "INVALID_PARAMETER_VALUE");
}

TEST_F(EmulatorPortStateMachine, DescribePortsByIdsFiltersAndLimitsToAHundred) {
  seed(json::array({{{"portId", "a"}, {"dcId", "SIN1"}, {"portName", "edge-east"}},
                    {{"portId", "b"}, {"dcId", "FRA1"}, {"portName", "edge-west"}},
                    {{"portId", "c"}, {"dcId", "SIN1"}, {"portName", "core"}, {"portRemarks", "spare"}}}));
  auto by_ids = ports.describe_ports({{"portIds", {"c", "missing", "a", "c"}}});
  ASSERT_TRUE(by_ids.ok());
  EXPECT_EQ(by_ids.response["totalCount"], 2);  // unknown ids are absent, repeats count once
  EXPECT_EQ(by_ids.response["dataSet"][0]["portId"], "c");
  EXPECT_EQ(by_ids.response["dataSet"][1]["portId"], "a");

  EXPECT_EQ(ports.describe_ports({{"dcId", "SIN1"}}).response["totalCount"], 2);
  EXPECT_EQ(ports.describe_ports({{"portName", "edge"}}).response["totalCount"], 2);
  EXPECT_EQ(ports.describe_ports({{"portRemarks", "spare"}}).response["totalCount"], 1);
  EXPECT_EQ(ports.describe_ports({{"cityName", "Frankfurt"}}).response["dataSet"][0]["portId"], "b");
  EXPECT_EQ(ports.describe_ports({{"dcId", "SIN1"}, {"portIds", {"b"}}}).response["totalCount"], 0);

  json hundred = json::array();
  for (int i = 0; i < 100; ++i)
    hundred.push_back("id" + std::to_string(i));
  EXPECT_TRUE(ports.describe_ports({{"portIds", hundred}}).ok());
  hundred.push_back("one-too-many");
  auto r = ports.describe_ports({{"portIds", hundred}});
  EXPECT_EQ(r.http_status, 400);
  EXPECT_EQ(r.code, "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(ports.describe_ports({{"portIds", "a"}}).code, "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(ports.describe_ports({{"portIds", {1}}}).code, "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(ports.describe_ports({{"portIds", {"bad id"}}}).code, "INVALID_PARAMETER_PORT_ID");
  EXPECT_EQ(ports.describe_ports({{"dcId", 5}}).code, "INVALID_PARAMETER_VALUE");
}

TEST_F(EmulatorPortStateMachine, SeedPassesUnknownFieldsThroughAndRejectsDuplicatesAtomically) {
  seed({{"portId", "p1"}, {"futureField", {{"x", 1}}}, {"portName", "named"}});
  auto info = ports.describe_ports({{"portIds", {"p1"}}}).response["dataSet"][0];
  EXPECT_EQ(info["futureField"]["x"], 1);
  EXPECT_EQ(info["portName"], "named");
  EXPECT_EQ(info["portStatus"], "RUNNING");

  EXPECT_THROW(ports.seed(json::array({{{"portId", "p2"}}, {{"portId", "p1"}}})), std::invalid_argument);
  EXPECT_THROW(ports.seed({{"portId", "bad id"}}), std::invalid_argument);
  EXPECT_THROW(ports.seed({{"portStatus", 3}}), std::invalid_argument);
  EXPECT_THROW(ports.seed({{"count", -1}}), std::invalid_argument);
  EXPECT_EQ(ports.status_counts()["total"], 1);  // p2 was not added

  auto ids = ports.seed({{"count", 3}, {"portStatus", "RECYCLED"}})["portIds"];
  EXPECT_EQ(ids.size(), 3u);
  auto counts = ports.status_counts();
  EXPECT_EQ(counts["listed"]["RUNNING"], 1);
  EXPECT_EQ(counts["listed"]["RECYCLED"], 3);
}

TEST_F(EmulatorPortStateMachine, SeededTransitionalPortsFinishTheirTransition) {
  seed(json::array(
      {{{"portId", "c"}, {"portStatus", "CREATING"}}, {{"portId", "d"}, {"portStatus", "DESTROYING"}}}));
  clock.advance(Millis(500));
  EXPECT_EQ(poll("c"), "CREATING");
  EXPECT_EQ(poll("d"), "DESTROYED");
  clock.advance(Millis(500));
  EXPECT_EQ(poll("c"), "RUNNING");
}

TEST_F(EmulatorPortStateMachine, ModifyPortAttributeChangesNamesUntilRecycled) {
  seed(json::array({{{"portId", "p1"}, {"loaStatus", "LOA_NOT_UPLOAD"}}, {{"portId", "p2"}}}));
  auto r =
      ports.modify_port_attribute({{"portId", "p1"}, {"portName", "renamed"}, {"businessEntityName", "New"}});
  ASSERT_TRUE(r.ok()) << r.code;
  auto info = ports.describe_ports({{"portIds", {"p1"}}}).response["dataSet"][0];
  EXPECT_EQ(info["portName"], "renamed");
  EXPECT_EQ(info["businessEntityName"], "New");
  EXPECT_EQ(ports.modify_port_attribute({{"portId", "p2"}, {"businessEntityName", "X"}}).code,
            "OPERATION_DENIED_LOA_UPLOADED");
  Delays d = ports.delays();
  d.terminate = Millis(0);
  d.terminate_lag_polls = 0;
  ports.set_delays(d);
  ASSERT_TRUE(terminate("p2").ok());
  EXPECT_EQ(ports.modify_port_attribute({{"portId", "p2"}, {"portName", "x"}}).code,
            "OPERATION_FAILED_FOR_RECYCLE_RESOURCE");
}

TEST_F(EmulatorPortStateMachine, ClearForgetsPortsAndCounters) {
  seed({{"portId", "p1"}});
  destroy("p1");
  ports.clear();
  EXPECT_EQ(ports.status_counts()["total"], 0);
  EXPECT_EQ(ports.violation_count(), 0u);
  EXPECT_EQ(ports.seed({{"count", 1}})["portIds"][0], "port-00000001");
}

}  // namespace
}  // namespace zenemu
