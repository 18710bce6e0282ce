// The default log sink of the informer and the Event recorder: one parseable JSON line per call on stderr.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "kube/log_sink.hpp"

namespace {

TEST(StderrLogSink, WritesOneJsonLinePerCall) {
  const zpo::kube::LogSink sink = zpo::kube::stderr_log_sink();
  testing::internal::CaptureStderr();
  sink("warn", "watch failed", {{"error", "connection \"reset\"\nby peer"}, {"collection", "/apis/x"}});
  sink("info", "re-listed", {});
  const std::string out = testing::internal::GetCapturedStderr();

  const auto newline = out.find('\n');
  ASSERT_NE(newline, std::string::npos);
  EXPECT_EQ(out.size(), out.find('\n', newline + 1) + 1) << out;  // exactly two lines
  const auto first = nlohmann::json::parse(out.substr(0, newline));
  EXPECT_EQ(first["level"], "warn");
  EXPECT_EQ(first["msg"], "watch failed");
  EXPECT_EQ(first["error"], "connection \"reset\"\nby peer");
  EXPECT_EQ(first["collection"], "/apis/x");
  EXPECT_TRUE(std::regex_match(first["time"].get<std::string>(),
                               std::regex("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z")))
      << first["time"];
  EXPECT_EQ(nlohmann::json::parse(out.substr(newline + 1))["msg"], "re-listed");
}

TEST(StderrLogSink, InvalidUtf8FromAServerDoesNotThrow) {
  const zpo::kube::LogSink sink = zpo::kube::stderr_log_sink();
  testing::internal::CaptureStderr();
  EXPECT_NO_THROW(sink("warn", "bad reply", {{"error", std::string("\xff\xfe broken")}}));
  const std::string out = testing::internal::GetCapturedStderr();
  const auto line = nlohmann::json::parse(out);
  EXPECT_EQ(line["msg"], "bad reply");
  EXPECT_NE(line["error"].get<std::string>().find(" broken"), std::string::npos);
}

}  // namespace
