// The zenlayer-emulator binary over real HTTP: start-up contract, signature rejection, the port life,
// scripted faults, the admin API, keep-alive, concurrency and clean shutdown.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "signed_request.hpp"
#include "support/child_process.hpp"
#include "support/http_client.hpp"

namespace zenemu {
namespace {

using nlohmann::json;
using testsupport::ChildProcess;
using testsupport::http_request;
using testsupport::HttpResponse;

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string host_of(const std::string& url) {
  return url.substr(std::string("http://").size());
}

class EmulatorBinary : public ::testing::Test {
 protected:
  void SetUp() override {
    child_ = ChildProcess::start({ZENLAYER_EMULATOR_BIN, "--listen", "127.0.0.1:0", "--access-key-id",
                                  testing::kKeyId, "--access-key-password", testing::kKeyPassword,
                                  "--create-delay-ms", "50", "--terminate-delay-ms", "50",
                                  "--terminate-lag-polls", "1", "--destroy-delay-ms", "50",
                                  "--destroyed-visible-ms", "100", "--seed", "3"});
    url_ = child_->wait_for_listening();
  }

  HttpResponse call(const std::string& action, const json& body,
                    const std::string& password = testing::kKeyPassword) {
    const std::string raw = body.dump();
    return http_request("POST", url_ + "/api/v2/sdn", raw,
                        testing::signed_headers(action, raw, now_seconds(), host_of(url_), password));
  }

  json admin(const std::string& method, const std::string& path, const json& body = nullptr) {
    auto r = http_request(method, url_ + path, body.is_null() ? "" : body.dump());
    EXPECT_EQ(r.status, 200) << method << " " << path << ": " << r.body;
    return json::parse(r.body);
  }

  std::string port_status(const std::string& id) {
    auto r = call("DescribePorts", {{"portIds", {id}}});
    EXPECT_EQ(r.status, 200) << r.body;
    auto data = json::parse(r.body)["response"]["dataSet"];
    return data.empty() ? "absent" : data[0]["portStatus"].get<std::string>();
  }

  // Polls until the port reads `status` (at most ~3 s), as a client would.
  bool wait_for_status(const std::string& id, const std::string& status) {
    for (int i = 0; i < 150; ++i) {
      if (port_status(id) == status) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  std::optional<ChildProcess> child_;
  std::string url_;
};

TEST_F(EmulatorBinary, PrintsTheUrlItListensOn) {
  EXPECT_EQ(url_.rfind("http://127.0.0.1:", 0), 0u) << url_;
  EXPECT_NE(url_, "http://127.0.0.1:0");
}

TEST_F(EmulatorBinary, RejectsUnsignedAndWronglySignedCalls) {
  auto unsigned_call = http_request("POST", url_ + "/api/v2/sdn", "{}",
                                    {{"Content-Type", "application/json"},
                                     {"X-ZC-Action", "DescribePorts"},
                                     {"X-ZC-Version", "2023-08-30"}});
  EXPECT_EQ(unsigned_call.status, 401);
  EXPECT_EQ(json::parse(unsigned_call.body)["code"], "AUTHFAILURE_INVALID_AUTHORIZATION");
  EXPECT_EQ(unsigned_call.headers["content-type"], "application/json; charset=utf-8");

  auto wrong = call("DescribePorts", json::object(), "not-the-password");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(json::parse(wrong.body)["code"], "AUTHFAILURE_SIGNATURE_FAILURE");

  // Signed without the port in host: the emulator checks host as sent, with :port.
  auto headers = testing::signed_headers("DescribePorts", "{}", now_seconds(), "127.0.0.1");
  headers.erase("host");
  auto no_port = http_request("POST", url_ + "/api/v2/sdn", "{}", headers);
  EXPECT_EQ(json::parse(no_port.body)["code"], "AUTHFAILURE_SIGNATURE_FAILURE");

  auto old = http_request("POST", url_ + "/api/v2/sdn", "{}",
                          testing::signed_headers("DescribePorts", "{}", now_seconds() - 600, host_of(url_)));
  EXPECT_EQ(json::parse(old.body)["code"], "AUTHFAILURE_SIGNATURE_EXPIRED");

  auto ok = call("DescribePorts", json::object());
  EXPECT_EQ(ok.status, 200) << ok.body;
  auto stats = admin("GET", "/admin/stats");
  EXPECT_EQ(stats["calls"]["byCode"]["AUTHFAILURE_SIGNATURE_FAILURE"], 2);
  EXPECT_EQ(stats["calls"]["byCode"]["OK"], 1);
}

TEST_F(EmulatorBinary, DrivesAPortFromRunningToGone) {
  auto created =
      call("CreatePort",
           {{"dcId", "SIN1"}, {"portName", "it-port"}, {"portType", "10G"}, {"businessEntityName", "ACME"}});
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string id = json::parse(created.body)["response"]["portId"];
  ASSERT_TRUE(wait_for_status(id, "RUNNING"));

  ASSERT_EQ(call("TerminatePort", {{"portId", id}}).status, 200);
  ASSERT_TRUE(wait_for_status(id, "RECYCLED"));
  ASSERT_EQ(call("DestroyPort", {{"portId", id}}).status, 200);
  ASSERT_TRUE(wait_for_status(id, "absent"));

  auto stats = admin("GET", "/admin/stats");
  EXPECT_EQ(stats["violations"]["count"], 0);
  EXPECT_EQ(stats["duplicateTerminates"], 0);
  EXPECT_EQ(stats["ports"]["unlisted"], 1);
  auto ports = admin("GET", "/admin/ports")["ports"];
  ASSERT_EQ(ports.size(), 1u);
  EXPECT_EQ(ports[0]["portStatus"], "DESTROYED");
}

TEST_F(EmulatorBinary, AnswersScriptedFaultsThenRecovers) {
  admin("POST", "/admin/ports", {{"portId", "p1"}});
  admin(
      "POST", "/admin/script",
      json::array({{{"action", "TerminatePort"}, {"drop", true}, {"commit", true}},
                   {{"action", "DescribePorts"}, {"httpStatus", 503}, {"headers", {{"Retry-After", "1"}}}}}));

  // The connection is dropped, but the termination was applied.
  EXPECT_THROW(call("TerminatePort", {{"portId", "p1"}}), std::runtime_error);
  auto unavailable = call("DescribePorts", {{"portIds", {"p1"}}});
  EXPECT_EQ(unavailable.status, 503);
  EXPECT_EQ(unavailable.headers["retry-after"], "1");
  EXPECT_EQ(json::parse(unavailable.body)["code"], "SERVICE_TEMPORARY_UNAVAILABLE");
  EXPECT_TRUE(wait_for_status("p1", "RECYCLED"));

  auto calls = admin("GET", "/admin/calls")["calls"];
  ASSERT_GE(calls.size(), 2u);
  EXPECT_EQ(calls[0]["action"], "TerminatePort");
  EXPECT_EQ(calls[0]["committed"], true);
  EXPECT_EQ(calls[0]["fault"], "scripted");
  EXPECT_EQ(calls[1]["httpStatus"], 503);
  // A repeat after the lost reply is counted apart, and answered "already recycled".
  auto repeat = call("TerminatePort", {{"portId", "p1"}});
  EXPECT_EQ(repeat.status, 403);
  EXPECT_EQ(json::parse(repeat.body)["code"], "OPERATION_FAILED_FOR_RECYCLE_RESOURCE");
  EXPECT_EQ(admin("GET", "/admin/stats")["duplicateTerminates"], 1);
}

TEST_F(EmulatorBinary, AdminApiSeedsListsAndResets) {
  auto seeded = admin("POST", "/admin/ports", {{"count", 250}, {"portChargeType", "PREPAID"}});
  EXPECT_EQ(seeded["portIds"].size(), 250u);
  auto page = call("DescribePorts", {{"pageSize", 100}, {"pageNum", 3}});
  auto response = json::parse(page.body)["response"];
  EXPECT_EQ(response["totalCount"], 250);
  EXPECT_EQ(response["dataSet"].size(), 50u);
  auto refused = call("TerminatePort", {{"portId", seeded["portIds"][0]}});
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(json::parse(refused.body)["code"], "OPERATION_DENIED_PORT_PREPAID");

  EXPECT_EQ(admin("PUT", "/admin/delays", {{"terminateLagPolls", 4}})["terminateLagPolls"], 4);
  EXPECT_EQ(http_request("PUT", url_ + "/admin/faults", "{\"throttleRate\": 7}").status, 400);
  EXPECT_EQ(http_request("GET", url_ + "/admin/unknown").status, 404);
  admin("POST", "/admin/reset");
  EXPECT_EQ(admin("GET", "/admin/delays")["terminateLagPolls"], 1);  // back to the flag
  EXPECT_TRUE(admin("GET", "/admin/ports")["ports"].empty());
}

TEST_F(EmulatorBinary, KeepsConnectionsAliveAndServesConcurrentCallsDespiteLatency) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  // Three calls on one connection.
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  auto colon = host_of(url_).rfind(':');
  stream.connect(resolver.resolve("127.0.0.1", host_of(url_).substr(colon + 1)));
  for (int i = 0; i < 3; ++i) {
    http::request<http::string_body> req{http::verb::post, "/api/v2/sdn", 11};
    for (const auto& [name, value] :
         testing::signed_headers("DescribePorts", "{}", now_seconds(), host_of(url_))) {
      req.set(name, value);
    }
    req.body() = "{}";
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    EXPECT_EQ(res.result_int(), 200u) << res.body();
    EXPECT_TRUE(res.keep_alive());
  }

  // Injected latency is a timer, not a blocked thread: 8 calls of 300 ms each finish together.
  admin("PUT", "/admin/faults", {{"latencyMs", 300}});
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::future<int>> calls;
  for (int i = 0; i < 8; ++i) {
    calls.push_back(
        std::async(std::launch::async, [this] { return call("DescribePorts", json::object()).status; }));
  }
  for (auto& c : calls)
    EXPECT_EQ(c.get(), 200);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, std::chrono::milliseconds(300));
  EXPECT_LT(elapsed, std::chrono::milliseconds(2000));  // one after the other: 2400 ms
}

TEST_F(EmulatorBinary, ExitsCleanlyOnSigterm) {
  child_->signal(SIGTERM);
  EXPECT_EQ(child_->wait(), 0);
}

TEST(EmulatorBinaryFlags, TakesCredentialsFromTheEnvironmentOrRefusesToStart) {
  auto none =
      ChildProcess::start({ZENLAYER_EMULATOR_BIN, "--listen", "127.0.0.1:0"},
                          {{"ZENLAYERCLOUD_ACCESS_KEY_ID", ""}, {"ZENLAYERCLOUD_ACCESS_KEY_PASSWORD", ""}});
  EXPECT_THROW(none.wait_for_listening(), std::runtime_error);
  EXPECT_EQ(none.wait(), 2);

  auto from_env = ChildProcess::start({ZENLAYER_EMULATOR_BIN, "--listen", "127.0.0.1:0"},
                                      {{"ZENLAYERCLOUD_ACCESS_KEY_ID", testing::kKeyId},
                                       {"ZENLAYERCLOUD_ACCESS_KEY_PASSWORD", testing::kKeyPassword}});
  const std::string url = from_env.wait_for_listening();
  auto r = http_request("POST", url + "/api/v2/sdn", "{}",
                        testing::signed_headers("DescribePorts", "{}", now_seconds(), host_of(url)));
  EXPECT_EQ(r.status, 200) << r.body;

  auto bad_flag = ChildProcess::start(
      {ZENLAYER_EMULATOR_BIN, "--access-key-id", "a", "--access-key-password", "b", "--throttle-rate", "3"});
  EXPECT_THROW(bad_flag.wait_for_listening(), std::runtime_error);
  EXPECT_EQ(bad_flag.wait(), 2);
}

}  // namespace
}  // namespace zenemu
