#include "zenlayer/error.hpp"

#include <gtest/gtest.h>

namespace zenlayer {
namespace {

struct Row {
  int status;
  const char* code;
  bool cf_challenge;
  ErrorClass expected;
};

// Every row of the treatment table in zenlayer-api.md, plus the port codes under several statuses.
const Row kTable[] = {
    {429, "REQUEST_LIMIT_EXCEEDED", false, ErrorClass::Throttled},
    {429, "", false, ErrorClass::Throttled},
    {503, "SERVICE_TEMPORARY_UNAVAILABLE", false, ErrorClass::Transient},
    {503, "REQUEST_TIMED_OUT", false, ErrorClass::Transient},
    {500, "INTERNAL_SERVER_ERROR", false, ErrorClass::Transient},
    {502, "", false, ErrorClass::Transient},
    {401, "AUTHFAILURE_SIGNATURE_EXPIRED", false, ErrorClass::Auth},
    {401, "AUTHFAILURE_INVALID_AUTHORIZATION", false, ErrorClass::Auth},
    {401, "AUTHFAILURE_SIGNATURE_FAILURE", false, ErrorClass::Auth},
    {401, "AUTHFAILURE_UNAUTHORIZED_OPERATION", false, ErrorClass::Auth},
    {403, "AUTHFAILURE_UNAUTHORIZED_OPERATION", false, ErrorClass::Auth},
    {400, "MISSING_PARAMETER", false, ErrorClass::InvalidRequest},
    {400, "INVALID_PARAMETER_VALUE", false, ErrorClass::InvalidRequest},
    {400, "INVALID_PARAMETER_FORMAT", false, ErrorClass::InvalidRequest},
    {403, "OPERATION_FAILED_FOR_RECYCLE_RESOURCE", false, ErrorClass::AlreadyRecycled},
    {400, "OPERATION_DENIED_INSTANCE_RECYCLED", false, ErrorClass::AlreadyRecycled},
    {403, "OPERATION_DENIED_INSTANCE_RECYCLED", false, ErrorClass::AlreadyRecycled},
    {404, "OPERATION_FAILED_RESOURCE_NOT_FOUND", false, ErrorClass::NotFound},
    {400, "OPERATION_FAILED_RESOURCE_NOT_FOUND", false, ErrorClass::NotFound},
    {404, "SELF_SERVICE_PORT_NOT_FOUND", false, ErrorClass::NotFound},
    {400, "SELF_SERVICE_PORT_NOT_FOUND", false, ErrorClass::NotFound},
    {500, "SELF_SERVICE_PORT_NOT_FOUND", false, ErrorClass::NotFound},
    {7105, "SELF_SERVICE_PORT_NOT_FOUND", false, ErrorClass::NotFound},
    {400, "INVALID_PORT_NOT_FOUND", false, ErrorClass::NotFound},
    {403, "", true, ErrorClass::NetworkBlocked},
    {451, "", false, ErrorClass::NetworkBlocked},
    {403, "", false, ErrorClass::Unknown},
    {400, "OPERATION_DENIED_PREPAID_PORT", false, ErrorClass::Unknown},
    {404, "", false, ErrorClass::Unknown},
};

TEST(ZenlayerClassify, EveryRowOfTheTreatmentTable) {
  for (const auto& row : kTable) {
    EXPECT_EQ(classify(row.status, row.code, row.cf_challenge), row.expected)
        << row.status << " " << row.code << " cf=" << row.cf_challenge << " got "
        << to_string(classify(row.status, row.code, row.cf_challenge));
  }
}

TEST(ZenlayerApiError, CarriesEveryFieldAndDescribesItself) {
  const ApiError error(ApiErrorDetails{.action = "TerminatePort",
                                       .http_status = 500,
                                       .code = "INTERNAL_SERVER_ERROR",
                                       .message = "boom",
                                       .request_id = "T123",
                                       .error_class = ErrorClass::Transient,
                                       .may_have_taken_effect = true});
  EXPECT_EQ(error.action(), "TerminatePort");
  EXPECT_EQ(error.http_status(), 500);
  EXPECT_EQ(error.code(), "INTERNAL_SERVER_ERROR");
  EXPECT_EQ(error.request_id(), "T123");
  EXPECT_EQ(error.error_class(), ErrorClass::Transient);
  EXPECT_TRUE(error.may_have_taken_effect());
  EXPECT_FALSE(error.cancelled());
  EXPECT_STREQ(error.what(),
               "TerminatePort failed: Transient, HTTP 500, code INTERNAL_SERVER_ERROR: boom (requestId T123) "
               "[may have taken effect]");
}

}  // namespace
}  // namespace zenlayer
