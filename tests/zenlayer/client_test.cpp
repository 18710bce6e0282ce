#include "zenlayer/client.hpp"

#include <gtest/gtest.h>

#include "fakes.hpp"
#include "zenlayer/signer.hpp"

namespace zenlayer {
namespace {

using std::chrono::milliseconds;
using testing::connection_lost;
using testing::failure;
using testing::FakeClock;
using testing::FakeTransport;
using testing::header_of;
using testing::raw_reply;
using testing::success;

constexpr const char* kPassword = "Gu5t9xGARNpq86cd98joQYCN3";
const BackoffPolicy kFastBackoff{.max_attempts = 4, .base = milliseconds(100), .cap = milliseconds(1000)};
const RateLimit kGenerousLimit{.queries_per_second = 1000, .burst = 1000};

struct Harness {
  explicit Harness(Endpoint endpoint = Endpoint::parse("https://console.zenlayer.com"),
                   RateLimit limit = kGenerousLimit)
      : transport(std::make_shared<FakeTransport>(std::move(endpoint))),
        client(Credentials{"AKID-test", SecretString(kPassword)}, transport,
               ClientOptions{.backoff = kFastBackoff,
                             .rate_limit = limit,
                             .observer = [this](const AttemptRecord& record) { records.push_back(record); }},
               clock) {}

  // Sleeps long enough to be backoff (the rate limiter's waits here are a few milliseconds at most).
  std::vector<std::chrono::nanoseconds> backoff_sleeps() const {
    std::vector<std::chrono::nanoseconds> result;
    for (const auto sleep : clock->sleeps) {
      if (sleep >= kFastBackoff.base / 2) result.push_back(sleep);
    }
    return result;
  }

  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  std::shared_ptr<FakeTransport> transport;
  std::vector<AttemptRecord> records;
  Client client;
};

const ApiCall kRead{"sdn", "2023-08-30", "DescribePorts", {{"portIds", {"p-1"}}}, false};
const ApiCall kMutation{"sdn", "2023-08-30", "TerminatePort", {{"portId", "p-1"}}, true};

ApiError call_expecting_error(Harness& h, const ApiCall& call, const std::stop_token& stop = {}) {
  try {
    h.client.call(call, stop);
  } catch (const ApiError& e) {
    return e;
  }
  ADD_FAILURE() << "no ApiError thrown";
  return ApiError(ApiErrorDetails{});
}

// Recomputes the signature from what was actually sent: Host, Content-Type, timestamp and body.
std::string expected_authorization(const HttpRequest& request) {
  const auto canonical =
      signer::canonical_request(header_of(request, "Content-Type"), header_of(request, "Host"), request.body);
  const auto to_sign = signer::string_to_sign(std::stoll(header_of(request, "X-ZC-Timestamp")), canonical);
  return signer::authorization("AKID-test", signer::signature(SecretString(kPassword), to_sign));
}

TEST(ZenlayerClient, SendsASignedRequestAndReturnsTheResponse) {
  Harness h;
  h.transport->then(success("T-ok", {{"totalCount", 0}}));
  const auto reply = h.client.call(kRead);
  EXPECT_EQ(reply.request_id, "T-ok");
  EXPECT_EQ(reply.response.at("totalCount"), 0);

  ASSERT_EQ(h.transport->requests.size(), 1u);
  const auto& request = h.transport->requests[0];
  EXPECT_EQ(request.path, "/api/v2/sdn");
  EXPECT_EQ(request.body, R"({"portIds":["p-1"]})");
  EXPECT_EQ(header_of(request, "X-ZC-Action"), "DescribePorts");
  EXPECT_EQ(header_of(request, "X-ZC-Version"), "2023-08-30");
  EXPECT_EQ(header_of(request, "X-ZC-Timestamp"), "1673361177");
  EXPECT_EQ(header_of(request, "X-ZC-Signature-Method"), "ZC2-HMAC-SHA256");
  EXPECT_EQ(header_of(request, "Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(header_of(request, "Host"), "console.zenlayer.com");
  EXPECT_EQ(header_of(request, "Authorization"), expected_authorization(request));
  EXPECT_TRUE(request.idempotent);

  ASSERT_EQ(h.records.size(), 1u);
  EXPECT_EQ(h.records[0].action, "DescribePorts");
  EXPECT_EQ(h.records[0].attempt, 1);
  EXPECT_EQ(h.records[0].http_status, 200);
  EXPECT_EQ(h.records[0].request_id, "T-ok");
  EXPECT_FALSE(h.records[0].error_class.has_value());
}

TEST(ZenlayerClient, SignsTheHostWithItsPortForANonDefaultPort) {
  Harness h(Endpoint::parse("http://127.0.0.1:4321"));
  h.transport->then(success("T-ok"));
  h.client.call(kRead);
  const auto& request = h.transport->requests.at(0);
  EXPECT_EQ(header_of(request, "Host"), "127.0.0.1:4321");
  EXPECT_EQ(header_of(request, "Authorization"), expected_authorization(request));
}

TEST(ZenlayerClient, ThrottledIsRetriedWithJitteredBackoffAndSlowsTheClient) {
  Harness h;
  h.transport->then(failure(429, "REQUEST_LIMIT_EXCEEDED", "T-1"))
      .then(failure(429, "REQUEST_LIMIT_EXCEEDED", "T-2"))
      .then(success("T-3"));
  EXPECT_EQ(h.client.call(kRead).request_id, "T-3");
  EXPECT_EQ(h.transport->requests.size(), 3u);

  const auto sleeps = h.backoff_sleeps();
  ASSERT_EQ(sleeps.size(), 2u);
  EXPECT_GE(sleeps[0], milliseconds(50));
  EXPECT_LE(sleeps[0], milliseconds(100));
  EXPECT_GE(sleeps[1], milliseconds(100));
  EXPECT_LE(sleeps[1], milliseconds(200));
  EXPECT_LT(h.client.rate_limiter().current_rate(), kGenerousLimit.queries_per_second);

  ASSERT_EQ(h.records.size(), 3u);
  EXPECT_EQ(h.records[0].attempt, 1);
  EXPECT_EQ(h.records[0].http_status, 429);
  EXPECT_EQ(h.records[0].code, "REQUEST_LIMIT_EXCEEDED");
  EXPECT_EQ(h.records[0].error_class, ErrorClass::Throttled);
  EXPECT_EQ(h.records[0].request_id, "T-1");
  EXPECT_EQ(h.records[2].attempt, 3);
  EXPECT_EQ(h.records[2].request_id, "T-3");
}

TEST(ZenlayerClient, EveryRetryIsSignedAfresh) {
  Harness h;
  h.transport->simulate_latency(*h.clock, std::chrono::seconds(1));
  h.transport->then(failure(503, "SERVICE_TEMPORARY_UNAVAILABLE")).then(success("T-ok"));
  h.client.call(kRead);
  ASSERT_EQ(h.transport->requests.size(), 2u);
  const auto& first = h.transport->requests[0];
  const auto& second = h.transport->requests[1];
  EXPECT_LT(std::stoll(header_of(first, "X-ZC-Timestamp")), std::stoll(header_of(second, "X-ZC-Timestamp")));
  EXPECT_EQ(header_of(second, "Authorization"), expected_authorization(second));
  EXPECT_NE(header_of(first, "Authorization"), header_of(second, "Authorization"));
}

TEST(ZenlayerClient, ServiceUnavailableIsRetriedUntilMaxAttempts) {
  Harness h;
  for (int i = 0; i < 5; ++i)
    h.transport->then(failure(503, "SERVICE_TEMPORARY_UNAVAILABLE"));
  const auto error = call_expecting_error(h, kRead);
  EXPECT_EQ(error.error_class(), ErrorClass::Transient);
  EXPECT_EQ(error.http_status(), 503);
  EXPECT_EQ(h.transport->requests.size(), 4u);  // max_attempts
  EXPECT_EQ(h.backoff_sleeps().size(), 3u);
}

TEST(ZenlayerClient, ExpiredSignatureIsResignedOnceWithANewTimestamp) {
  Harness h;
  h.transport->simulate_latency(*h.clock, std::chrono::seconds(2));
  h.transport->then(failure(401, "AUTHFAILURE_SIGNATURE_EXPIRED")).then(success("T-ok"));
  EXPECT_EQ(h.client.call(kMutation).request_id, "T-ok");
  ASSERT_EQ(h.transport->requests.size(), 2u);
  const auto& resent = h.transport->requests[1];
  EXPECT_NE(header_of(h.transport->requests[0], "X-ZC-Timestamp"), header_of(resent, "X-ZC-Timestamp"));
  EXPECT_EQ(header_of(resent, "Authorization"), expected_authorization(resent));
  EXPECT_TRUE(h.backoff_sleeps().empty());
}

// Found by tests/fuzz (zenlayer_reply): a 502 carrying AUTHFAILURE_SIGNATURE_EXPIRED made the client re-sign
// and send a mutation again although a 5xx other than 503 may come after the server acted.
TEST(ZenlayerClient, ExpiredSignatureOnAnUncertainReplyDoesNotRepeatAMutation) {
  Harness h;
  h.transport->then(failure(502, "AUTHFAILURE_SIGNATURE_EXPIRED")).then(success("T-never"));
  const auto error = call_expecting_error(h, kMutation);
  EXPECT_TRUE(error.may_have_taken_effect());
  EXPECT_EQ(h.transport->requests.size(), 1u);
}

TEST(ZenlayerClient, ExpiredSignatureTwiceIsAnAuthError) {
  Harness h;
  h.transport->then(failure(401, "AUTHFAILURE_SIGNATURE_EXPIRED"))
      .then(failure(401, "AUTHFAILURE_SIGNATURE_EXPIRED"))
      .then(success("T-never"));
  const auto error = call_expecting_error(h, kRead);
  EXPECT_EQ(error.error_class(), ErrorClass::Auth);
  EXPECT_EQ(error.code(), "AUTHFAILURE_SIGNATURE_EXPIRED");
  EXPECT_EQ(h.transport->requests.size(), 2u);
}

TEST(ZenlayerClient, MutationIsNotRepeatedAfterALostReply) {
  Harness h;
  h.transport->then(connection_lost()).then(success("T-never"));
  const auto error = call_expecting_error(h, kMutation);
  EXPECT_EQ(error.error_class(), ErrorClass::Transport);
  EXPECT_TRUE(error.may_have_taken_effect());
  EXPECT_EQ(error.action(), "TerminatePort");
  EXPECT_EQ(h.transport->requests.size(), 1u);
  EXPECT_FALSE(h.transport->requests[0].idempotent);  // the transport must not resend it either
  EXPECT_EQ(h.records.at(0).http_status, 0);
}

TEST(ZenlayerClient, MutationIsNotRepeatedAfterAnInternalServerError) {
  Harness h;
  h.transport->then(failure(500, "INTERNAL_SERVER_ERROR", "T-500")).then(success("T-never"));
  const auto error = call_expecting_error(h, kMutation);
  EXPECT_EQ(error.error_class(), ErrorClass::Transient);
  EXPECT_TRUE(error.may_have_taken_effect());
  EXPECT_EQ(error.request_id(), "T-500");
  EXPECT_EQ(h.transport->requests.size(), 1u);
}

TEST(ZenlayerClient, MutationIsNotRepeatedAfterAGarbledSuccess) {
  for (const std::string body :
       {"<html>oops</html>", R"({"requestId":"T-x"})", R"({"response":"text"})", ""}) {
    Harness h;
    h.transport->then(raw_reply(200, body)).then(success("T-never"));
    const auto error = call_expecting_error(h, kMutation);
    EXPECT_EQ(error.error_class(), ErrorClass::Transport) << body;
    EXPECT_TRUE(error.may_have_taken_effect()) << body;
    EXPECT_EQ(error.http_status(), 200);
    EXPECT_EQ(h.transport->requests.size(), 1u) << body;
  }
}

TEST(ZenlayerClient, MutationIsRetriedWhenTheServerSurelyDidNothing) {
  Harness h;
  h.transport->then(failure(429, "REQUEST_LIMIT_EXCEEDED"))
      .then(failure(503, "SERVICE_TEMPORARY_UNAVAILABLE"))
      .then(success("T-ok"));
  EXPECT_EQ(h.client.call(kMutation).request_id, "T-ok");
  EXPECT_EQ(h.transport->requests.size(), 3u);
}

TEST(ZenlayerClient, ReadIsRetriedAfterLostGarbledAndFailedReplies) {
  Harness h;
  h.transport->then(connection_lost())
      .then(failure(500, "INTERNAL_SERVER_ERROR"))
      .then(raw_reply(200, "{not json"))
      .then(success("T-ok"));
  EXPECT_EQ(h.client.call(kRead).request_id, "T-ok");
  EXPECT_EQ(h.transport->requests.size(), 4u);
}

TEST(ZenlayerClient, UnknownCodeIsNotRetried) {
  Harness h;
  h.transport->then(failure(400, "OPERATION_DENIED_PREPAID_PORT")).then(success("T-never"));
  const auto error = call_expecting_error(h, kMutation);
  EXPECT_EQ(error.error_class(), ErrorClass::Unknown);
  EXPECT_FALSE(error.may_have_taken_effect());
  EXPECT_EQ(h.transport->requests.size(), 1u);
}

TEST(ZenlayerClient, AuthFailureIsNotRetriedAndNeverShowsTheSecret) {
  Harness h;
  h.transport->then(failure(401, "AUTHFAILURE_SIGNATURE_FAILURE")).then(success("T-never"));
  const auto error = call_expecting_error(h, kRead);
  EXPECT_EQ(error.error_class(), ErrorClass::Auth);
  EXPECT_EQ(h.transport->requests.size(), 1u);
  const std::string what = error.what();
  EXPECT_EQ(what.find(kPassword), std::string::npos);
  EXPECT_EQ(what.find(header_of(h.transport->requests[0], "Authorization")), std::string::npos);
}

// Found by tests/fuzz (zenlayer_reply, input corpus/zenlayer_reply/echoed_password): a reply that echoes the
// password in its code, message or request id. The error's texts, which go to logs and Events, show "***"
// in its place.
TEST(ZenlayerClient, APasswordEchoedByTheServerIsMaskedInTheError) {
  Harness h;
  const std::string password = kPassword;
  h.transport->then(raw_reply(403, R"({"requestId": "T-)" + password + R"(", "code": "OPERATION_FAILED)" +
                                       password + R"(", "message": "refused )" + password + " and " +
                                       password + R"("})"));
  const auto error = call_expecting_error(h, kMutation);
  const std::string what = error.what();
  EXPECT_EQ(what.find(kPassword), std::string::npos) << what;
  EXPECT_EQ(error.code(), "OPERATION_FAILED***");
  EXPECT_EQ(error.message(), "refused *** and ***");
  EXPECT_EQ(error.request_id(), "T-***");
  EXPECT_EQ(h.transport->requests.size(), 1u);
}

TEST(ZenlayerClient, NotFoundAndAlreadyRecycledAreReturnedAtOnce) {
  Harness h;
  h.transport->then(failure(404, "SELF_SERVICE_PORT_NOT_FOUND"))
      .then(failure(403, "OPERATION_FAILED_FOR_RECYCLE_RESOURCE"));
  EXPECT_EQ(call_expecting_error(h, kMutation).error_class(), ErrorClass::NotFound);
  EXPECT_EQ(call_expecting_error(h, kMutation).error_class(), ErrorClass::AlreadyRecycled);
  EXPECT_EQ(h.transport->requests.size(), 2u);
}

TEST(ZenlayerClient, NetworkBlockIsRecognisedFromTheChallengeHeader) {
  Harness h;
  h.transport->then(testing::reply(403, "<html>challenge</html>", {{"cf-mitigated", "challenge"}}));
  EXPECT_EQ(call_expecting_error(h, kRead).error_class(), ErrorClass::NetworkBlocked);
}

TEST(ZenlayerClient, StopBeforeSendingSendsNothing) {
  Harness h;
  std::stop_source stop;
  stop.request_stop();
  const auto error = call_expecting_error(h, kRead, stop.get_token());
  EXPECT_TRUE(error.cancelled());
  EXPECT_TRUE(h.transport->requests.empty());
}

TEST(ZenlayerClient, StopDuringBackoffEndsTheCallWithTheLastError) {
  Harness h;
  std::stop_source stop;
  h.transport->then([&](const HttpRequest& request) {
    stop.request_stop();  // shutdown arrives while the reply is on its way
    return failure(503, "SERVICE_TEMPORARY_UNAVAILABLE")(request);
  });
  h.transport->then(success("T-never"));
  const auto error = call_expecting_error(h, kRead, stop.get_token());
  EXPECT_TRUE(error.cancelled());
  EXPECT_EQ(error.http_status(), 503);
  EXPECT_EQ(h.transport->requests.size(), 1u);
}

TEST(ZenlayerClient, RateLimiterSpacesCallsOfTheWholeClient) {
  Harness h(Endpoint::parse("https://console.zenlayer.com"), RateLimit{.queries_per_second = 10, .burst = 2});
  for (int i = 0; i < 4; ++i)
    h.transport->then(success("T-" + std::to_string(i)));
  for (int i = 0; i < 4; ++i)
    h.client.call(kRead);
  ASSERT_EQ(h.clock->sleeps.size(), 2u);
  EXPECT_EQ(h.clock->sleeps[0], milliseconds(100));
  EXPECT_EQ(h.clock->sleeps[1], milliseconds(100));
}

}  // namespace
}  // namespace zenlayer
