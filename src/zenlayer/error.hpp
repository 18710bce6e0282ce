#pragma once
// The one exception the client throws, and the classification the controller switches on. The classification
// comes from the HTTP status and the error `code`, never from `message` (free text that changes).

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace zenlayer {

enum class ErrorClass {
  Throttled,        // 429 / REQUEST_LIMIT_EXCEEDED: slow down and retry
  Transient,        // 5xx: retry with backoff
  NotFound,         // the port does not exist (any of the port not-found codes, whatever the status)
  AlreadyRecycled,  // the port is already in the recycle bin
  Auth,             // credentials are wrong, expired or not allowed: surface, back off long
  InvalidRequest,   // MISSING_PARAMETER / INVALID_PARAMETER_*: the spec is wrong
  Transport,  // no usable reply (connect failure, timeout, reset, garbled body): may or may not have happened
  NetworkBlocked,  // a network-layer block (403 + cf-mitigated: challenge, 451): surface, back off long
  Unknown,         // a refusal whose code we do not know: observe again, never retry in a loop
};

std::string_view to_string(ErrorClass);

// The treatment table of zenlayer-api.md. `cf_challenge` is true when the reply carried `cf-mitigated:
// challenge`.
ErrorClass classify(int http_status, std::string_view code, bool cf_challenge = false);

inline constexpr const char* kSignatureExpired = "AUTHFAILURE_SIGNATURE_EXPIRED";

struct ApiErrorDetails {
  std::string action{};
  int http_status = 0;    // 0 when no HTTP reply was received
  std::string code{};     // empty when the reply carried none
  std::string message{};  // the server's text, for people only
  std::string request_id{};
  ErrorClass error_class = ErrorClass::Unknown;
  bool may_have_taken_effect = false;
  bool cancelled = false;  // the caller's stop token ended the call
};

class ApiError : public std::runtime_error {
 public:
  explicit ApiError(ApiErrorDetails details);

  const std::string& action() const { return details_.action; }
  int http_status() const { return details_.http_status; }
  const std::string& code() const { return details_.code; }
  const std::string& message() const { return details_.message; }
  const std::string& request_id() const { return details_.request_id; }
  ErrorClass error_class() const { return details_.error_class; }
  // True when the request may have been carried out although no success was seen: a mutation must observe the
  // port before repeating it.
  bool may_have_taken_effect() const { return details_.may_have_taken_effect; }
  bool cancelled() const { return details_.cancelled; }
  const ApiErrorDetails& details() const { return details_; }

 private:
  ApiErrorDetails details_;
};

}  // namespace zenlayer
