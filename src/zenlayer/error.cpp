#include "zenlayer/error.hpp"

namespace zenlayer {

namespace {

bool one_of(std::string_view code, std::initializer_list<std::string_view> codes) {
  for (const auto candidate : codes) {
    if (code == candidate) return true;
  }
  return false;
}

std::string describe(const ApiErrorDetails& d) {
  std::string text = d.action + " failed: " + std::string(to_string(d.error_class));
  if (d.http_status != 0) text += ", HTTP " + std::to_string(d.http_status);
  if (!d.code.empty()) text += ", code " + d.code;
  if (!d.message.empty()) text += ": " + d.message;
  if (!d.request_id.empty()) text += " (requestId " + d.request_id + ")";
  if (d.may_have_taken_effect) text += " [may have taken effect]";
  return text;
}

}  // namespace

std::string_view to_string(ErrorClass error_class) {
  switch (error_class) {
    case ErrorClass::Throttled:
      return "Throttled";
    case ErrorClass::Transient:
      return "Transient";
    case ErrorClass::NotFound:
      return "NotFound";
    case ErrorClass::AlreadyRecycled:
      return "AlreadyRecycled";
    case ErrorClass::Auth:
      return "Auth";
    case ErrorClass::InvalidRequest:
      return "InvalidRequest";
    case ErrorClass::Transport:
      return "Transport";
    case ErrorClass::NetworkBlocked:
      return "NetworkBlocked";
    case ErrorClass::Unknown:
      return "Unknown";
  }
  return "Unknown";
}

ErrorClass classify(int http_status, std::string_view code, bool cf_challenge) {
  // Codes first: the port codes are authoritative whatever status carries them (the docs print "7105").
  if (one_of(code, {"SELF_SERVICE_PORT_NOT_FOUND", "INVALID_PORT_NOT_FOUND",
                    "OPERATION_FAILED_RESOURCE_NOT_FOUND"})) {
    return ErrorClass::NotFound;
  }
  if (one_of(code, {"OPERATION_DENIED_INSTANCE_RECYCLED", "OPERATION_FAILED_FOR_RECYCLE_RESOURCE"})) {
    return ErrorClass::AlreadyRecycled;
  }
  if (code == "REQUEST_LIMIT_EXCEEDED" || http_status == 429) return ErrorClass::Throttled;
  if (code.starts_with("AUTHFAILURE_") || http_status == 401) return ErrorClass::Auth;
  if (code == "MISSING_PARAMETER" || code.starts_with("INVALID_PARAMETER")) return ErrorClass::InvalidRequest;
  if ((http_status == 403 && cf_challenge) || http_status == 451) return ErrorClass::NetworkBlocked;
  if (one_of(code, {"SERVICE_TEMPORARY_UNAVAILABLE", "REQUEST_TIMED_OUT", "INTERNAL_SERVER_ERROR"}) ||
      http_status >= 500) {
    return ErrorClass::Transient;
  }
  return ErrorClass::Unknown;
}

ApiError::ApiError(ApiErrorDetails details)
    : std::runtime_error(describe(details)), details_(std::move(details)) {}

}  // namespace zenlayer
