// The real client (cpprest transport, signing, retries) over HTTP against the zenlayer-emulator binary.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <thread>

#include "support/child_process.hpp"
#include "support/http_client.hpp"
#include "zenlayer/client.hpp"
#include "zenlayer/cpprest_transport.hpp"
#include "zenlayer/sdn_ports.hpp"

namespace zenlayer {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

constexpr const char* kId = "AKID-emulator";
constexpr const char* kPassword = "emulator-Pa55word";

class ZenlayerEmulator : public ::testing::Test {
 protected:
  void SetUp() override {
    emulator_ = std::make_unique<testsupport::ChildProcess>(testsupport::ChildProcess::start(
        {ZENLAYER_EMULATOR_PATH, "--listen", "127.0.0.1:0", "--access-key-id", kId, "--access-key-password",
         kPassword, "--create-delay-ms", "100", "--terminate-delay-ms", "150", "--terminate-lag-polls", "2",
         "--destroy-delay-ms", "150", "--destroyed-visible-ms", "300", "--renew-delay-ms", "100"}));
    url_ = emulator_->wait_for_listening();
  }

  std::unique_ptr<Client> client(const std::string& password = kPassword, TransportOptions transport = {},
                                 std::shared_ptr<Clock> clock = std::make_shared<SystemClock>()) {
    transport.endpoint = Endpoint::parse(url_);
    return std::make_unique<Client>(
        Credentials{kId, SecretString(password)}, make_cpprest_transport(transport),
        ClientOptions{.backoff = {.max_attempts = 4, .base = milliseconds(10), .cap = milliseconds(100)},
                      .rate_limit = {.queries_per_second = 1000, .burst = 1000},
                      .observer = [this](const AttemptRecord& record) { attempts_.push_back(record); }},
        std::move(clock));
  }

  json admin(const std::string& method, const std::string& path, const json& body = nullptr) {
    const auto response = testsupport::http_request(method, url_ + path, body.is_null() ? "" : body.dump(),
                                                    {{"Content-Type", "application/json"}});
    EXPECT_EQ(response.status, 200) << method << " " << path << ": " << response.body;
    return json::parse(response.body);
  }

  std::vector<std::string> seed(const json& ports) {
    return admin("POST", "/admin/ports", ports).at("portIds").get<std::vector<std::string>>();
  }

  // The SDN calls the emulator saw, oldest first.
  std::vector<json> calls() { return admin("GET", "/admin/calls").at("calls").get<std::vector<json>>(); }

  std::vector<json> calls_of(const std::string& action) {
    std::vector<json> result;
    for (auto& call : calls()) {
      if (call.at("action") == action) result.push_back(call);
    }
    return result;
  }

  // Polls DescribePorts until the port reads one of `statuses` (or is absent when "" is among them).
  std::string wait_for_status(SdnPorts& ports, const std::string& port_id,
                              const std::set<std::string>& statuses) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::string seen;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto list = ports.describe_ports({port_id});
      seen = list.ports.empty() ? "" : list.ports.front().port_status;
      if (statuses.count(seen) != 0) return seen;
      std::this_thread::sleep_for(milliseconds(30));
    }
    ADD_FAILURE() << port_id << " stayed " << seen;
    return seen;
  }

  ApiError expect_error(const std::function<void()>& call) {
    try {
      call();
    } catch (const ApiError& e) {
      return e;
    }
    ADD_FAILURE() << "no ApiError thrown";
    return ApiError(ApiErrorDetails{});
  }

  std::unique_ptr<testsupport::ChildProcess> emulator_;
  std::string url_;
  std::vector<AttemptRecord> attempts_;
};

TEST_F(ZenlayerEmulator, DescribesPortsInBatchesOfOneHundred) {
  const auto ids = seed({{"count", 250}});
  auto c = client();
  SdnPorts ports(*c);
  const auto result = ports.describe_ports(ids);
  ASSERT_EQ(result.ports.size(), 250u);
  for (std::size_t i = 0; i < ids.size(); ++i)
    EXPECT_EQ(result.ports[i].port_id, ids[i]);
  EXPECT_EQ(result.ports[0].status(), PortStatus::Running);
  EXPECT_EQ(result.request_ids.size(), 3u);

  const auto describes = calls_of("DescribePorts");
  ASSERT_EQ(describes.size(), 3u);
  EXPECT_EQ(describes[0].at("portIds").size(), 100u);
  EXPECT_EQ(describes[1].at("portIds").size(), 100u);
  EXPECT_EQ(describes[2].at("portIds").size(), 50u);
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_EQ(describes[i].at("requestId"), result.request_ids[i]);
}

TEST_F(ZenlayerEmulator, ListsEveryPortPageByPage) {
  seed({{"count", 45}, {"dcId", "HKG1"}});
  seed({{"count", 5}, {"dcId", "SIN1"}});
  auto c = client();
  SdnPorts ports(*c);
  EXPECT_EQ(ports.list_ports({.page_size = 20}).ports.size(), 50u);
  EXPECT_EQ(calls_of("DescribePorts").size(), 3u);
  const auto hkg = ports.list_ports({.dc_id = "HKG1", .page_size = 1000});
  EXPECT_EQ(hkg.ports.size(), 45u);
  for (const auto& port : hkg.ports)
    EXPECT_EQ(port.dc_id, "HKG1");
}

TEST_F(ZenlayerEmulator, TerminateThenDestroyFollowsTheAsynchronousRelease) {
  const auto id = seed({{"portName", "edge"}}).at(0);
  auto c = client();
  SdnPorts ports(*c);
  EXPECT_FALSE(ports.terminate_port(id).request_id.empty());
  // The cloud lags: right after an accepted TerminatePort the port still reads RUNNING.
  EXPECT_EQ(ports.describe_ports({id}).ports.at(0).port_status, "RUNNING");
  EXPECT_EQ(wait_for_status(ports, id, {"RECYCLED"}), "RECYCLED");

  EXPECT_FALSE(ports.destroy_port(id).request_id.empty());
  wait_for_status(ports, id, {"DESTROYED", ""});
  EXPECT_EQ(wait_for_status(ports, id, {""}), "");  // then no longer listed

  const auto stats = admin("GET", "/admin/stats");
  EXPECT_EQ(stats.at("violations").at("count"), 0) << stats.dump();
}

TEST_F(ZenlayerEmulator, CreateModifyAndRenew) {
  auto c = client();
  SdnPorts ports(*c);
  const auto created = ports.create_port(
      {.dc_id = "HKG1", .port_name = "new", .port_type = "10G", .business_entity_name = "ACME"});
  EXPECT_FALSE(created.request_id.empty());
  EXPECT_EQ(wait_for_status(ports, created.value, {"RUNNING"}), "RUNNING");
  ports.modify_port_attribute({.port_id = created.value, .port_name = "renamed"});
  EXPECT_EQ(ports.describe_ports({created.value}).ports.at(0).port_name, "renamed");

  ports.terminate_port(created.value);
  wait_for_status(ports, created.value, {"RECYCLED"});
  ports.renew_port(created.value);
  EXPECT_EQ(wait_for_status(ports, created.value, {"RUNNING"}), "RUNNING");
}

TEST_F(ZenlayerEmulator, ThrottlingIsRetriedAndSlowsTheClient) {
  const auto id = seed(json::object()).at(0);
  admin(
      "POST", "/admin/script",
      json::array({{{"action", "DescribePorts"}, {"httpStatus", 429}, {"code", "REQUEST_LIMIT_EXCEEDED"}},
                   {{"action", "DescribePorts"}, {"httpStatus", 429}, {"code", "REQUEST_LIMIT_EXCEEDED"}}}));
  auto c = client();
  SdnPorts ports(*c);
  EXPECT_EQ(ports.describe_ports({id}).ports.size(), 1u);
  const auto describes = calls_of("DescribePorts");
  ASSERT_EQ(describes.size(), 3u);
  EXPECT_EQ(describes[0].at("httpStatus"), 429);
  EXPECT_EQ(describes[1].at("httpStatus"), 429);
  EXPECT_EQ(describes[2].at("httpStatus"), 200);
  EXPECT_LT(c->rate_limiter().current_rate(), 1000);
  ASSERT_EQ(attempts_.size(), 3u);
  EXPECT_EQ(attempts_[0].error_class, ErrorClass::Throttled);
  EXPECT_EQ(attempts_[0].code, "REQUEST_LIMIT_EXCEEDED");
  EXPECT_EQ(attempts_[2].attempt, 3);
  EXPECT_EQ(attempts_[2].request_id, describes[2].at("requestId"));
}

TEST_F(ZenlayerEmulator, ServiceUnavailableIsRetried) {
  const auto id = seed(json::object()).at(0);
  admin("POST", "/admin/script", {{"httpStatus", 503}, {"code", "SERVICE_TEMPORARY_UNAVAILABLE"}});
  auto c = client();
  SdnPorts ports(*c);
  EXPECT_FALSE(
      ports.terminate_port(id).request_id.empty());  // a 503 did nothing, so even a mutation is retried
  const auto terminates = calls_of("TerminatePort");
  ASSERT_EQ(terminates.size(), 2u);
  EXPECT_EQ(terminates[0].at("httpStatus"), 503);
  EXPECT_EQ(terminates[1].at("httpStatus"), 200);
}

TEST_F(ZenlayerEmulator, CommitThenFailIsReportedAsMayHaveTakenEffect) {
  const auto ids = seed({{"count", 3}});
  admin("POST", "/admin/script",
        json::array({{{"action", "TerminatePort"},
                      {"httpStatus", 500},
                      {"code", "INTERNAL_SERVER_ERROR"},
                      {"commit", true}},
                     {{"action", "TerminatePort"}, {"drop", true}, {"commit", true}},
                     {{"action", "TerminatePort"},
                      {"httpStatus", 200},
                      {"body", R"({"requestId":"T-cut)"},
                      {"commit", true}}}));
  auto c = client();
  SdnPorts ports(*c);
  const std::vector<ErrorClass> expected{ErrorClass::Transient, ErrorClass::Transport, ErrorClass::Transport};
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto error = expect_error([&] { ports.terminate_port(ids[i]); });
    EXPECT_EQ(error.error_class(), expected[i]) << i << ": " << error.what();
    EXPECT_TRUE(error.may_have_taken_effect()) << i;
  }
  EXPECT_EQ(calls_of("TerminatePort").size(), 3u);  // none repeated
  for (const auto& id : ids)
    EXPECT_EQ(wait_for_status(ports, id, {"RECYCLED"}), "RECYCLED");  // observed
}

TEST_F(ZenlayerEmulator, AMutationDroppedOnAWarmClientIsNeverResentByTheTransport) {
  const auto ids = seed({{"count", 4}});
  auto c = client();
  SdnPorts ports(*c);
  ports.describe_ports(ids);  // keep-alive connections exist now
  ports.modify_port_attribute({.port_id = ids[0], .port_remarks = "warm"});
  ports.modify_port_attribute({.port_id = ids[1], .port_remarks = "warm"});
  admin("POST", "/admin/script", {{"action", "TerminatePort"}, {"drop", true}, {"commit", true}});
  const auto error = expect_error([&] { ports.terminate_port(ids[2]); });
  EXPECT_EQ(error.error_class(), ErrorClass::Transport);
  EXPECT_TRUE(error.may_have_taken_effect());
  EXPECT_EQ(calls_of("TerminatePort").size(), 1u);
}

TEST_F(ZenlayerEmulator, WrongPasswordIsAnAuthErrorAndNotRetried) {
  const auto id = seed(json::object()).at(0);
  auto c = client("not-the-password");
  SdnPorts ports(*c);
  const auto error = expect_error([&] { ports.describe_ports({id}); });
  EXPECT_EQ(error.error_class(), ErrorClass::Auth);
  EXPECT_EQ(error.http_status(), 401);
  EXPECT_EQ(error.code(), "AUTHFAILURE_SIGNATURE_FAILURE");
  EXPECT_EQ(std::string(error.what()).find("not-the-password"), std::string::npos);
  EXPECT_EQ(attempts_.size(), 1u);
}

TEST_F(ZenlayerEmulator, ExpiredSignatureIsResignedAndSucceeds) {
  const auto id = seed(json::object()).at(0);
  admin("PUT", "/admin/faults", {{"expireNextSignatures", 1}});
  auto c = client();
  SdnPorts ports(*c);
  EXPECT_EQ(ports.describe_ports({id}).ports.size(), 1u);
  const auto describes = calls_of("DescribePorts");
  ASSERT_EQ(describes.size(), 2u);
  EXPECT_EQ(describes[0].at("code"), "AUTHFAILURE_SIGNATURE_EXPIRED");
  EXPECT_EQ(describes[1].at("httpStatus"), 200);
}

// A wall clock ten minutes slow: every timestamp is out of the server's 5-minute window.
class SlowWallClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return system_.now(); }
  std::chrono::system_clock::time_point wall_time() const override {
    return system_.wall_time() - std::chrono::minutes(10);
  }
  bool sleep_for(std::chrono::nanoseconds duration, const std::stop_token& stop) override {
    return system_.sleep_for(duration, stop);
  }

 private:
  SystemClock system_;
};

TEST_F(ZenlayerEmulator, ASkewedClockIsResignedOnceThenReportedAsAuth) {
  auto c = client(kPassword, {}, std::make_shared<SlowWallClock>());
  SdnPorts ports(*c);
  const auto error = expect_error([&] { ports.describe_ports({"port-1"}); });
  EXPECT_EQ(error.error_class(), ErrorClass::Auth);
  EXPECT_EQ(error.code(), "AUTHFAILURE_SIGNATURE_EXPIRED");
  EXPECT_EQ(calls_of("DescribePorts").size(), 2u);
}

TEST_F(ZenlayerEmulator, NotFoundAndAlreadyRecycledCodes) {
  const auto id = seed({{"portStatus", "RECYCLED"}}).at(0);
  auto c = client();
  SdnPorts ports(*c);
  EXPECT_EQ(expect_error([&] { ports.terminate_port("port-missing"); }).error_class(), ErrorClass::NotFound);
  admin("PUT", "/admin/config", {{"notFoundHttpStatus", 404}});
  const auto not_found = expect_error([&] { ports.destroy_port("port-missing"); });
  EXPECT_EQ(not_found.error_class(), ErrorClass::NotFound);
  EXPECT_EQ(not_found.http_status(), 404);

  EXPECT_EQ(expect_error([&] { ports.terminate_port(id); }).error_class(), ErrorClass::AlreadyRecycled);
  admin("PUT", "/admin/config", {{"recycledTerminateCode", "OPERATION_DENIED_INSTANCE_RECYCLED"}});
  const auto recycled = expect_error([&] { ports.terminate_port(id); });
  EXPECT_EQ(recycled.error_class(), ErrorClass::AlreadyRecycled);
  EXPECT_EQ(recycled.code(), "OPERATION_DENIED_INSTANCE_RECYCLED");
  EXPECT_EQ(calls_of("TerminatePort").size(), 3u);
}

TEST_F(ZenlayerEmulator, PrepaidRefusalIsUnknownAndNotRetried) {
  const auto id = seed({{"portChargeType", "PREPAID"}, {"chargeTypeReported", false}}).at(0);
  auto c = client();
  SdnPorts ports(*c);
  EXPECT_FALSE(ports.describe_ports({id}).ports.at(0).port_charge_type.has_value());
  const auto error = expect_error([&] { ports.terminate_port(id); });
  EXPECT_EQ(error.error_class(), ErrorClass::Unknown);
  EXPECT_EQ(calls_of("TerminatePort").size(), 1u);
}

TEST_F(ZenlayerEmulator, RequestTimeoutIsATransportError) {
  admin("PUT", "/admin/faults", {{"latencyMs", 3000}});
  auto c = client(kPassword, {.request_timeout = milliseconds(200)});
  SdnPorts ports(*c);
  const auto started = std::chrono::steady_clock::now();
  const auto error = expect_error([&] { ports.terminate_port("port-1"); });
  EXPECT_EQ(error.error_class(), ErrorClass::Transport);
  EXPECT_TRUE(error.may_have_taken_effect());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

TEST_F(ZenlayerEmulator, StopTokenCancelsAnInFlightCallPromptly) {
  admin("PUT", "/admin/faults", {{"latencyMs", 5000}});
  auto c = client();
  SdnPorts ports(*c);
  std::stop_source stop;
  std::jthread stopper([&] {
    std::this_thread::sleep_for(milliseconds(100));
    stop.request_stop();
  });
  const auto started = std::chrono::steady_clock::now();
  const auto error = expect_error([&] { ports.describe_ports({"port-1"}, stop.get_token()); });
  EXPECT_TRUE(error.cancelled());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

TEST(ZenlayerCpprestTransport, ConnectionRefusedIsATransportErrorRetriedForReads) {
  // Port 1 on loopback: nothing listens there, so every connection is refused at once.
  std::vector<AttemptRecord> attempts;
  Client c(Credentials{kId, SecretString(kPassword)},
           make_cpprest_transport({.endpoint = Endpoint::parse("http://127.0.0.1:1")}),
           ClientOptions{.backoff = {.max_attempts = 3, .base = milliseconds(1), .cap = milliseconds(2)},
                         .observer = [&](const AttemptRecord& r) { attempts.push_back(r); }});
  SdnPorts ports(c);
  try {
    ports.describe_ports({"port-1"});
    FAIL() << "no error";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::Transport);
    EXPECT_EQ(e.http_status(), 0);
  }
  EXPECT_EQ(attempts.size(), 3u);
}

}  // namespace
}  // namespace zenlayer
