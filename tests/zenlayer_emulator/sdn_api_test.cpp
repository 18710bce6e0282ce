// The SDN API as the client sees it, without HTTP: envelopes, request checks, injected faults, the call log.
#include <gtest/gtest.h>

#include "emulator.hpp"
#include "fake_clock.hpp"
#include "signed_request.hpp"

namespace zenemu {
namespace {

using nlohmann::json;
using testing::FakeClock;

constexpr const char* kHost = "127.0.0.1:8080";

class EmulatorSdnApi : public ::testing::Test {
 protected:
  EmulatorSdnApi() : emulator(clock, config()) {}

  static EmulatorConfig config() {
    EmulatorConfig c;
    c.credentials = {testing::kKeyId, testing::kKeyPassword};
    c.delays.terminate = Millis(0);
    c.delays.terminate_lag_polls = 0;
    c.delays.destroy = Millis(0);
    c.seed = 42;
    c.call_log_capacity = 5;
    return c;
  }

  HttpRequest sdn(const std::string& action, const json& body) {
    HttpRequest r;
    r.method = "POST";
    r.target = "/api/v2/sdn";
    r.body = body.dump();
    r.headers = testing::signed_headers(action, r.body, clock.unix_seconds(), kHost);
    return r;
  }

  HttpReply admin(const std::string& method, const std::string& target, const json& body = nullptr) {
    HttpRequest r;
    r.method = method;
    r.target = target;
    if (!body.is_null()) r.body = body.dump();
    return emulator.handle(r);
  }

  json admin_json(const std::string& method, const std::string& target, const json& body = nullptr) {
    auto reply = admin(method, target, body);
    EXPECT_EQ(reply.status, 200) << reply.body;
    return json::parse(reply.body);
  }

  std::string port_status(const std::string& id) {
    auto reply = emulator.handle(sdn("DescribePorts", {{"portIds", {id}}}));
    auto data = json::parse(reply.body)["response"]["dataSet"];
    return data.empty() ? "absent" : data[0]["portStatus"].get<std::string>();
  }

  FakeClock clock;
  Emulator emulator;
};

TEST_F(EmulatorSdnApi, SuccessCarriesTheRequestIdAtTopAndInsideResponse) {
  admin_json("POST", "/admin/ports", {{"portId", "p1"}});
  auto reply = emulator.handle(sdn("DescribePorts", {{"portIds", {"p1"}}}));
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto body = json::parse(reply.body);
  const std::string id = body["requestId"];
  EXPECT_EQ(id.size(), 33u);
  EXPECT_EQ(id[0], 'T');
  EXPECT_EQ(body["response"]["requestId"], id);
  EXPECT_EQ(body["response"]["totalCount"], 1);
  EXPECT_EQ(body["response"]["dataSet"][0]["portStatus"], "RUNNING");
  EXPECT_FALSE(body.contains("code"));
}

TEST_F(EmulatorSdnApi, FailureCarriesRequestIdCodeAndMessageAtTopLevel) {
  auto reply = emulator.handle(sdn("TerminatePort", {{"portId", "ghost"}}));
  EXPECT_EQ(reply.status, 400);
  auto body = json::parse(reply.body);
  EXPECT_EQ(body["code"], "SELF_SERVICE_PORT_NOT_FOUND");
  EXPECT_TRUE(body["message"].is_string());
  EXPECT_EQ(body["requestId"].get<std::string>()[0], 'T');
  EXPECT_FALSE(body.contains("response"));
}

TEST_F(EmulatorSdnApi, ChecksPathMethodVersionAndAction) {
  auto r = sdn("DescribePorts", json::object());
  r.target = "/api/v2/sdn?x=1";
  EXPECT_EQ(emulator.handle(r).status, 404);
  r = sdn("DescribePorts", json::object());
  r.method = "PUT";
  EXPECT_EQ(emulator.handle(r).status, 405);

  r = sdn("DescribePorts", json::object());
  r.headers["x-zc-version"] = "2022-01-01";
  auto reply = emulator.handle(r);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(json::parse(reply.body)["code"], "INVALID_PARAMETER_VERSION");

  r.headers.erase("x-zc-version");
  EXPECT_EQ(json::parse(emulator.handle(r).body)["code"], "MISSING_PARAMETER");

  reply = emulator.handle(sdn("DescribeInstances", json::object()));
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(json::parse(reply.body)["code"], "INVALID_ACTION");

  r = sdn("", json::object());
  r.headers.erase("x-zc-action");
  EXPECT_EQ(json::parse(emulator.handle(r).body)["code"], "MISSING_PARAMETER");
}

TEST_F(EmulatorSdnApi, RejectsBadSignaturesBeforeAnythingElse) {
  auto r = sdn("TerminatePort", {{"portId", "p1"}});
  r.body = R"({"portId":"p2"})";  // tampered after signing
  auto reply = emulator.handle(r);
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(json::parse(reply.body)["code"], "AUTHFAILURE_SIGNATURE_FAILURE");

  r = sdn("TerminatePort", {{"portId", "p1"}});
  r.headers["host"] = "127.0.0.1";  // signed with :8080
  EXPECT_EQ(json::parse(emulator.handle(r).body)["code"], "AUTHFAILURE_SIGNATURE_FAILURE");

  r = sdn("TerminatePort", {{"portId", "p1"}});
  clock.advance(std::chrono::minutes(6));
  EXPECT_EQ(json::parse(emulator.handle(r).body)["code"], "AUTHFAILURE_SIGNATURE_EXPIRED");

  r = sdn("TerminatePort", {{"portId", "p1"}});
  r.headers.erase("authorization");
  EXPECT_EQ(json::parse(emulator.handle(r).body)["code"], "AUTHFAILURE_INVALID_AUTHORIZATION");

  // The password never shows in replies or in the call log.
  auto calls = admin("GET", "/admin/calls").body;
  EXPECT_EQ(calls.find(testing::kKeyPassword), std::string::npos);
}

TEST_F(EmulatorSdnApi, MalformedBodyIsInvalidParameter) {
  auto r = sdn("DescribePorts", json::object());
  r.body = "{not json";
  r.headers = testing::signed_headers("DescribePorts", r.body, clock.unix_seconds(), kHost);
  auto reply = emulator.handle(r);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(json::parse(reply.body)["code"], "INVALID_PARAMETER_BODY");
}

TEST_F(EmulatorSdnApi, CommitThenFailAppliesTheMutationButAnswers500) {
  admin_json("POST", "/admin/ports", {{"portId", "p1"}});
  admin_json("PUT", "/admin/faults", {{"commitThenFailRate", 1.0}, {"commitThenFailMode", "error"}});
  auto reply = emulator.handle(sdn("TerminatePort", {{"portId", "p1"}}));
  EXPECT_EQ(reply.status, 500);
  EXPECT_EQ(json::parse(reply.body)["code"], "INTERNAL_SERVER_ERROR");
  // Reads are never commit-then-fail: the port is seen recycled.
  EXPECT_EQ(port_status("p1"), "RECYCLED");

  auto calls = admin_json("GET", "/admin/calls")["calls"];
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0]["action"], "TerminatePort");
  EXPECT_EQ(calls[0]["portId"], "p1");
  EXPECT_EQ(calls[0]["committed"], true);
  EXPECT_EQ(calls[0]["fault"], "commit_then_error");
  EXPECT_EQ(calls[0]["httpStatus"], 500);
  EXPECT_EQ(calls[1]["portIds"], json::array({"p1"}));
  EXPECT_EQ(calls[1]["fault"], "");
}

TEST_F(EmulatorSdnApi, CommitThenDropAppliesTheMutationAndDropsTheConnection) {
  admin_json("POST", "/admin/ports", {{"portId", "p1"}, {"portStatus", "RECYCLED"}});
  admin_json("PUT", "/admin/faults", {{"commitThenFailRate", 1.0}, {"commitThenFailMode", "drop"}});
  auto reply = emulator.handle(sdn("DestroyPort", {{"portId", "p1"}}));
  EXPECT_TRUE(reply.drop);
  admin_json("PUT", "/admin/faults", {{"commitThenFailRate", 0}});
  EXPECT_EQ(port_status("p1"), "DESTROYED");
}

TEST_F(EmulatorSdnApi, TransientFaultsDoNotApplyTheCall) {
  admin_json("POST", "/admin/ports", {{"portId", "p1"}});
  struct Case {
    const char* fault;
    int status;
    const char* code;
  };
  for (const Case& c : {Case{"internalErrorRate", 500, "INTERNAL_SERVER_ERROR"},
                        Case{"unavailableRate", 503, "SERVICE_TEMPORARY_UNAVAILABLE"},
                        Case{"throttleRate", 429, "REQUEST_LIMIT_EXCEEDED"}}) {
    admin_json("PUT", "/admin/faults", {{c.fault, 1.0}});
    auto reply = emulator.handle(sdn("TerminatePort", {{"portId", "p1"}}));
    EXPECT_EQ(reply.status, c.status) << c.fault;
    EXPECT_EQ(json::parse(reply.body)["code"], c.code) << c.fault;
    admin_json("PUT", "/admin/faults", {{c.fault, 0}});
  }
  EXPECT_EQ(port_status("p1"), "RUNNING");
  auto stats = admin_json("GET", "/admin/stats");
  EXPECT_EQ(stats["calls"]["byFault"]["throttled"], 1);
  EXPECT_EQ(stats["calls"]["byCode"]["REQUEST_LIMIT_EXCEEDED"], 1);
}

TEST_F(EmulatorSdnApi, GarbledReplyIsCutShortButTheCallTookEffect) {
  admin_json("POST", "/admin/ports", {{"portId", "p1"}});
  admin_json("PUT", "/admin/faults", {{"garbleRate", 1.0}});
  auto reply = emulator.handle(sdn("TerminatePort", {{"portId", "p1"}}));
  EXPECT_EQ(reply.status, 200);
  EXPECT_TRUE(json::parse(reply.body, nullptr, false).is_discarded()) << reply.body;
  admin_json("PUT", "/admin/faults", {{"garbleRate", 0}});
  EXPECT_EQ(port_status("p1"), "RECYCLED");
}

TEST_F(EmulatorSdnApi, ExpireNextSignaturesRejectsExactlyThatManyValidCalls) {
  admin_json("PUT", "/admin/faults", {{"expireNextSignatures", 2}});
  for (int i = 0; i < 2; ++i) {
    auto reply = emulator.handle(sdn("DescribePorts", json::object()));
    EXPECT_EQ(reply.status, 401);
    EXPECT_EQ(json::parse(reply.body)["code"], "AUTHFAILURE_SIGNATURE_EXPIRED");
  }
  EXPECT_EQ(emulator.handle(sdn("DescribePorts", json::object())).status, 200);
  EXPECT_EQ(admin_json("GET", "/admin/faults")["expireNextSignatures"], 0);
}

TEST_F(EmulatorSdnApi, ScriptedRepliesAnswerTheNextMatchingCallOnce) {
  admin_json("POST", "/admin/ports", {{"portId", "p1"}});
  admin_json("POST", "/admin/script",
             json::array({{{"action", "TerminatePort"},
                           {"httpStatus", 403},
                           {"body", "<html>blocked</html>"},
                           {"headers", {{"cf-mitigated", "challenge"}, {"Content-Type", "text/html"}}}},
                          {{"action", "TerminatePort"}, {"httpStatus", 500}, {"commit", true}}}));
  // DescribePorts does not match the queued entries.
  EXPECT_EQ(emulator.handle(sdn("DescribePorts", json::object())).status, 200);

  auto blocked = emulator.handle(sdn("TerminatePort", {{"portId", "p1"}}));
  EXPECT_EQ(blocked.status, 403);
  EXPECT_EQ(blocked.body, "<html>blocked</html>");
  bool challenge = false;
  for (const auto& [name, value] : blocked.headers)
    challenge |= name == "cf-mitigated" && value == "challenge";
  EXPECT_TRUE(challenge);
  EXPECT_EQ(port_status("p1"), "RUNNING");  // not committed

  auto committed = emulator.handle(sdn("TerminatePort", {{"portId", "p1"}}));
  EXPECT_EQ(committed.status, 500);
  EXPECT_EQ(json::parse(committed.body)["code"], "INTERNAL_SERVER_ERROR");
  EXPECT_EQ(port_status("p1"), "RECYCLED");
  EXPECT_TRUE(admin_json("GET", "/admin/script")["queued"].empty());

  admin_json("POST", "/admin/script", {{"drop", true}});
  EXPECT_TRUE(emulator.handle(sdn("DescribePorts", json::object())).drop);
  admin_json("POST", "/admin/script", {{"httpStatus", 429}});
  EXPECT_EQ(json::parse(emulator.handle(sdn("DescribePorts", json::object())).body)["code"],
            "REQUEST_LIMIT_EXCEEDED");
}

TEST_F(EmulatorSdnApi, LatencyIsReturnedAsADelayForTheServer) {
  admin_json("PUT", "/admin/faults", {{"latencyMs", 250}});
  EXPECT_EQ(emulator.handle(sdn("DescribePorts", json::object())).delay, Millis(250));
}

TEST_F(EmulatorSdnApi, CallLogIsBoundedAndReadableSinceASequenceNumber) {
  for (int i = 0; i < 7; ++i)
    emulator.handle(sdn("DescribePorts", json::object()));
  auto log = admin_json("GET", "/admin/calls");
  EXPECT_EQ(log["calls"].size(), 5u);  // capacity 5
  EXPECT_EQ(log["calls"][0]["seq"], 3);
  EXPECT_EQ(log["lastSeq"], 7);
  EXPECT_EQ(log["evicted"], 2);
  auto tail = admin_json("GET", "/admin/calls?since=5");
  ASSERT_EQ(tail["calls"].size(), 2u);
  EXPECT_EQ(tail["calls"][0]["seq"], 6);
  EXPECT_EQ(admin_json("GET", "/admin/calls?since=3&limit=1")["calls"][0]["seq"], 4);
  EXPECT_EQ(admin("GET", "/admin/calls?since=x").status, 400);
  EXPECT_EQ(admin_json("GET", "/admin/stats")["calls"]["total"], 7);  // counters cover every call
}

TEST_F(EmulatorSdnApi, StatsReportViolationsDuplicatesAndPortCounts) {
  admin_json("POST", "/admin/ports", {{"count", 2}});
  emulator.handle(sdn("DestroyPort", {{"portId", "port-00000001"}}));
  emulator.handle(sdn("TerminatePort", {{"portId", "port-00000002"}}));
  emulator.handle(sdn("TerminatePort", {{"portId", "port-00000002"}}));
  auto stats = admin_json("GET", "/admin/stats");
  EXPECT_EQ(stats["violations"]["count"], 1);
  EXPECT_EQ(stats["violations"]["details"][0]["portId"], "port-00000001");
  EXPECT_EQ(stats["duplicateTerminates"], 1);
  EXPECT_EQ(stats["calls"]["byAction"]["TerminatePort"], 2);
  EXPECT_EQ(stats["calls"]["byCode"]["OK"], 1);
  EXPECT_EQ(stats["ports"]["listed"]["RUNNING"], 1);
  EXPECT_EQ(stats["ports"]["listed"]["RECYCLED"], 1);
}

TEST_F(EmulatorSdnApi, AdminChangesAndResetsDelaysConfigAndFaults) {
  EXPECT_EQ(admin_json("PUT", "/admin/delays", {{"createMs", 5}})["createMs"], 5);
  EXPECT_EQ(admin_json("GET", "/admin/delays")["terminateMs"], 0);  // merge keeps the rest
  EXPECT_EQ(admin("PUT", "/admin/delays", {{"createMs", -1}}).status, 400);
  EXPECT_EQ(admin("PUT", "/admin/faults", {{"throttleRate", 2}}).status, 400);
  EXPECT_EQ(admin("PUT", "/admin/faults", {{"noSuchFault", 1}}).status, 400);
  admin_json("PUT", "/admin/config", {{"notFoundHttpStatus", 404}, {"dcIds", {"X1"}}});
  EXPECT_EQ(emulator.handle(sdn("TerminatePort", {{"portId", "ghost"}})).status, 404);
  admin_json("PUT", "/admin/faults", {{"throttleRate", 1.0}});
  admin_json("POST", "/admin/ports", {{"count", 3}});

  admin_json("POST", "/admin/reset");
  EXPECT_EQ(admin_json("GET", "/admin/delays")["createMs"], 2000);
  EXPECT_EQ(admin_json("GET", "/admin/faults")["throttleRate"], 0);
  EXPECT_EQ(admin_json("GET", "/admin/config")["notFoundHttpStatus"], 400);
  EXPECT_TRUE(admin_json("GET", "/admin/ports")["ports"].empty());
  EXPECT_EQ(admin_json("GET", "/admin/stats")["calls"]["total"], 0);

  EXPECT_EQ(admin("GET", "/admin/nothing").status, 404);
  EXPECT_EQ(admin("DELETE", "/admin/ports").status, 405);
  EXPECT_EQ(admin("POST", "/admin/ports", nullptr).status, 400);
}

TEST_F(EmulatorSdnApi, TheSameSeedGivesTheSameRequestIdsAndFaults) {
  auto run = [this] {
    admin_json("POST", "/admin/reset");
    admin_json("PUT", "/admin/faults", {{"unavailableRate", 0.5}});
    std::string trace;
    for (int i = 0; i < 20; ++i) {
      auto body = json::parse(emulator.handle(sdn("DescribePorts", json::object())).body);
      trace += body["requestId"].get<std::string>() + body.value("code", "OK") + ";";
    }
    return trace;
  };
  const std::string first = run();
  EXPECT_EQ(run(), first);
  EXPECT_NE(first.find("SERVICE_TEMPORARY_UNAVAILABLE"), std::string::npos);
  EXPECT_NE(first.find("OK"), std::string::npos);
}

}  // namespace
}  // namespace zenemu
