#pragma once
// The Zenlayer Cloud API client: signs each attempt at send time, passes every attempt through the
// client-wide rate limiter, classifies failures and retries the ones that are safe to retry. Synchronous: the
// caller's thread sends, waits and sleeps between attempts; its stop token ends the call promptly.
//
// Retry rules (zenlayer-api.md):
// - Throttled and Transient replies are retried with capped, jittered exponential backoff, up to
// max_attempts.
// - AUTHFAILURE_SIGNATURE_EXPIRED is re-signed and sent once more, immediately.
// - An outcome that may have taken effect (no reply, garbled reply, 500) is retried for reads only: a
// mutation's
//   error goes back to the caller, who must observe the port before deciding to repeat it.
// - Everything else (auth, invalid request, not found, unknown codes) is returned at once.

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stop_token>
#include <string>

#include "zenlayer/backoff.hpp"
#include "zenlayer/clock.hpp"
#include "zenlayer/credentials.hpp"
#include "zenlayer/error.hpp"
#include "zenlayer/rate_limiter.hpp"
#include "zenlayer/transport.hpp"

namespace zenlayer {

inline constexpr const char* kContentType = "application/json; charset=utf-8";

// What the observer hook gets after every HTTP attempt. No secrets.
struct AttemptRecord {
  std::string action{};
  int attempt = 0;                          // 1 for the first attempt of a call
  int http_status = 0;                      // 0 when no reply arrived
  std::string code{};                       // the error code, empty on success
  std::optional<ErrorClass> error_class{};  // empty on success
  std::chrono::nanoseconds duration{};
  std::string request_id{};
};

using AttemptObserver = std::function<void(const AttemptRecord&)>;

struct ClientOptions {
  BackoffPolicy backoff{};
  RateLimit rate_limit{};
  AttemptObserver observer{};  // called in the calling thread; must be thread-safe if the client is shared
};

struct ApiCall {
  std::string service{};  // "sdn"
  std::string version{};  // "2023-08-30"
  std::string action{};
  nlohmann::json body = nlohmann::json::object();
  bool mutation = false;  // changes cloud state: never repeated after an outcome that may have taken effect
};

struct ApiReply {
  nlohmann::json response{};  // the "response" object of the reply
  std::string request_id{};
};

template <typename T>
struct Reply {
  T value{};
  std::string request_id{};
};

class Client {
 public:
  Client(Credentials credentials, std::shared_ptr<Transport> transport, ClientOptions options = {},
         std::shared_ptr<Clock> clock = std::make_shared<SystemClock>());

  // Throws ApiError (cancelled() when `stop` ended it). Thread-safe.
  ApiReply call(const ApiCall& call, const std::stop_token& stop = {});

  const RateLimiter& rate_limiter() const { return limiter_; }

 private:
  HttpRequest signed_request(const ApiCall& call, const std::string& body) const;

  const Credentials credentials_;
  const std::shared_ptr<Transport> transport_;
  const AttemptObserver observer_;
  const std::shared_ptr<Clock> clock_;
  Backoff backoff_;
  RateLimiter limiter_;
};

}  // namespace zenlayer
