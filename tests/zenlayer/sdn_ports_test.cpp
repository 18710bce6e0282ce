#include "zenlayer/sdn_ports.hpp"

#include <gtest/gtest.h>

#include "fakes.hpp"

namespace zenlayer {
namespace {

using nlohmann::json;
using testing::FakeClock;
using testing::FakeTransport;
using testing::header_of;
using testing::success;

struct Harness {
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  std::shared_ptr<FakeTransport> transport = std::make_shared<FakeTransport>();
  Client client{Credentials{"AKID", SecretString("pw")}, transport,
                ClientOptions{.backoff = {.max_attempts = 3,
                                          .base = std::chrono::milliseconds(1),
                                          .cap = std::chrono::milliseconds(2)},
                              .rate_limit = {.queries_per_second = 1000, .burst = 1000}},
                clock};
  SdnPorts ports{client};

  json body(std::size_t i) const { return json::parse(transport->requests.at(i).body); }
};

std::vector<std::string> ids(int count, int first = 0) {
  std::vector<std::string> result;
  for (int i = first; i < first + count; ++i)
    result.push_back("port-" + std::to_string(i));
  return result;
}

json port_json(const std::string& id, const std::string& status = "RUNNING") {
  return {{"portId", id}, {"portStatus", status}, {"unknownField", true}};
}

// Answers each DescribePorts call from the ids it asked for, as the server would, with fresh request ids.
testing::Step answer_ids(const std::string& request_id) {
  return [request_id](const HttpRequest& request) {
    const auto asked = json::parse(request.body).at("portIds");
    json data = json::array();
    for (const auto& id : asked)
      data.push_back(port_json(id));
    return success(request_id, {{"totalCount", asked.size()}, {"dataSet", data}})(request);
  };
}

TEST(ZenlayerSdnPorts, DescribeSendsAtMostOneHundredIdsPerCall) {
  Harness h;
  h.transport->then(answer_ids("T-1")).then(answer_ids("T-2")).then(answer_ids("T-3"));
  const auto wanted = ids(250);
  const auto result = h.ports.describe_ports(wanted);

  ASSERT_EQ(h.transport->requests.size(), 3u);
  EXPECT_EQ(h.body(0).at("portIds").size(), 100u);
  EXPECT_EQ(h.body(1).at("portIds").size(), 100u);
  EXPECT_EQ(h.body(2).at("portIds").size(), 50u);
  EXPECT_EQ(h.body(2).at("portIds").front(), "port-200");
  EXPECT_EQ(h.body(0).at("pageNum"), 1);
  EXPECT_EQ(h.body(0).at("pageSize"), 100);
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_EQ(header_of(h.transport->requests[i], "X-ZC-Action"), "DescribePorts");

  ASSERT_EQ(result.ports.size(), 250u);
  for (std::size_t i = 0; i < wanted.size(); ++i)
    EXPECT_EQ(result.ports[i].port_id, wanted[i]);
  EXPECT_EQ(result.request_ids, (std::vector<std::string>{"T-1", "T-2", "T-3"}));
}

TEST(ZenlayerSdnPorts, DescribeWithoutIdsMakesNoCall) {
  Harness h;
  const auto result = h.ports.describe_ports({});
  EXPECT_TRUE(result.ports.empty());
  EXPECT_TRUE(h.transport->requests.empty());
}

TEST(ZenlayerSdnPorts, AbsentPortsAreSimplyMissing) {
  Harness h;
  h.transport->then(success("T-1", {{"totalCount", 1}, {"dataSet", {port_json("port-1", "RECYCLED")}}}));
  const auto result = h.ports.describe_ports({"port-1", "port-gone"});
  ASSERT_EQ(result.ports.size(), 1u);
  EXPECT_EQ(result.ports[0].status(), PortStatus::Recycled);
}

TEST(ZenlayerSdnPorts, ListPagesThroughTotalCountWithFilters) {
  Harness h;
  h.transport->then(success("T-1", {{"totalCount", 5}, {"dataSet", {port_json("a"), port_json("b")}}}))
      .then(success("T-2", {{"totalCount", 5}, {"dataSet", {port_json("c"), port_json("d")}}}))
      .then(success("T-3", {{"totalCount", 5}, {"dataSet", {port_json("e", "SOMETHING_NEW")}}}));
  const auto result = h.ports.list_ports(PortFilter{.dc_id = "HKG-A", .port_name = "edge", .page_size = 2});
  ASSERT_EQ(h.transport->requests.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(h.body(i).at("pageNum"), i + 1);
    EXPECT_EQ(h.body(i).at("pageSize"), 2);
    EXPECT_EQ(h.body(i).at("dcId"), "HKG-A");
    EXPECT_EQ(h.body(i).at("portName"), "edge");
    EXPECT_FALSE(h.body(i).contains("portIds"));
  }
  ASSERT_EQ(result.ports.size(), 5u);
  EXPECT_EQ(result.ports[4].port_status, "SOMETHING_NEW");
  EXPECT_EQ(result.request_ids.size(), 3u);
}

TEST(ZenlayerSdnPorts, AnEmptyPageEndsPagingEvenIfTheCountPromisedMore) {
  Harness h;
  h.transport->then(success("T-1", {{"totalCount", 500}, {"dataSet", {port_json("a")}}}))
      .then(success("T-2", {{"totalCount", 500}, {"dataSet", json::array()}}));
  const auto result = h.ports.list_ports(PortFilter{.page_size = 1});
  EXPECT_EQ(result.ports.size(), 1u);
  EXPECT_EQ(h.transport->requests.size(), 2u);
}

TEST(ZenlayerSdnPorts, MalformedDescribeReplyIsATransportError) {
  Harness h;
  h.transport->then(success("T-bad", {{"dataSet", json::array()}}));
  try {
    h.ports.describe_ports({"port-1"});
    FAIL() << "no error";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::Transport);
    EXPECT_EQ(e.request_id(), "T-bad");
    EXPECT_FALSE(e.may_have_taken_effect());
  }
}

TEST(ZenlayerSdnPorts, MutationsSendTheirActionAndBodyAndReturnTheRequestId) {
  Harness h;
  h.transport->then(success("T-term"))
      .then(success("T-destroy"))
      .then(success("T-renew"))
      .then(success("T-mod"));
  EXPECT_EQ(h.ports.terminate_port("port-1").request_id, "T-term");
  EXPECT_EQ(h.ports.destroy_port("port-1").request_id, "T-destroy");
  EXPECT_EQ(h.ports.renew_port("port-1").request_id, "T-renew");
  EXPECT_EQ(h.ports.modify_port_attribute({.port_id = "port-1", .port_remarks = "moved"}).request_id,
            "T-mod");
  const std::vector<std::string> actions{"TerminatePort", "DestroyPort", "RenewPort", "ModifyPortAttribute"};
  for (std::size_t i = 0; i < actions.size(); ++i) {
    EXPECT_EQ(header_of(h.transport->requests[i], "X-ZC-Action"), actions[i]);
    EXPECT_EQ(header_of(h.transport->requests[i], "X-ZC-Version"), "2023-08-30");
    EXPECT_EQ(h.body(i).at("portId"), "port-1");
  }
  EXPECT_EQ(h.body(3), (json{{"portId", "port-1"}, {"portRemarks", "moved"}}));
}

TEST(ZenlayerSdnPorts, CreatePortReturnsThePortId) {
  Harness h;
  h.transport->then(success("T-create", {{"portId", "port-new"}}));
  const auto created = h.ports.create_port(
      {.dc_id = "HKG-A", .port_name = "edge", .port_type = "10G", .business_entity_name = "ACME"});
  EXPECT_EQ(created.value, "port-new");
  EXPECT_EQ(created.request_id, "T-create");
  EXPECT_EQ(
      h.body(0),
      (json{{"dcId", "HKG-A"}, {"portName", "edge"}, {"portType", "10G"}, {"businessEntityName", "ACME"}}));
}

TEST(ZenlayerSdnPorts, CreatePortWithoutPortIdMayHaveTakenEffect) {
  Harness h;
  h.transport->then(success("T-create"));
  try {
    h.ports.create_port(
        {.dc_id = "HKG-A", .port_name = "edge", .port_type = "10G", .business_entity_name = "A"});
    FAIL() << "no error";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::Transport);
    EXPECT_TRUE(e.may_have_taken_effect());
    EXPECT_EQ(e.request_id(), "T-create");
  }
}

TEST(ZenlayerSdnPorts, TerminateIsNotRepeatedAfterALostReply) {
  Harness h;
  h.transport->then(testing::connection_lost()).then(success("T-never"));
  EXPECT_THROW(h.ports.terminate_port("port-1"), ApiError);
  EXPECT_EQ(h.transport->requests.size(), 1u);
}

}  // namespace
}  // namespace zenlayer
