#include "field_error.hpp"

#include <gtest/gtest.h>

#include "base64.hpp"
#include "human_time.hpp"

namespace kubeemu {
namespace {

TEST(GoFormatting, FloatsPrintLikeGoPercentV) {
  EXPECT_EQ(go_float(1), "1");
  EXPECT_EQ(go_float(1.5), "1.5");
  EXPECT_EQ(go_float(100000), "100000");
  EXPECT_EQ(go_float(1000000), "1e+06");
  EXPECT_EQ(go_float(1234567), "1.234567e+06");
  EXPECT_EQ(go_float(0.0001), "0.0001");
  EXPECT_EQ(go_float(0.00001), "1e-05");
  EXPECT_EQ(go_float(-2.25), "-2.25");
  EXPECT_EQ(go_float(0.1), "0.1");
}

TEST(GoFormatting, ValuesPrintLikeErrorBody) {
  EXPECT_EQ(go_value("a\"b\n"), R"("a\"b\n")");
  EXPECT_EQ(go_value(json(nullptr)), R"("null")");
  EXPECT_EQ(go_value(7), "7");
  EXPECT_EQ(go_value(true), "true");
  EXPECT_EQ(go_value(json{{"a", 1}}), R"(map[string]interface {}{"a":1})");
  EXPECT_EQ(go_value(json::array({"x", nullptr})), R"([]interface {}{"x", interface {}(nil)})");
}

TEST(FieldErrors, MessagesMatchApimachinery) {
  EXPECT_EQ(required_error("spec.a").message, "Required value");
  EXPECT_EQ(not_supported_error("f", "X", {"A", "B"}).message,
            R"(Unsupported value: "X": supported values: "A", "B")");
  EXPECT_EQ(too_long_error("f", 1).message, "Too long: may not be more than 1 byte");
  EXPECT_EQ(too_many_error("f", 3, 1).message, "Too many: 3: must have at most 1 item");
  EXPECT_EQ(type_invalid_error("f", "string", "d").reason, "FieldValueTypeInvalid");
  EXPECT_EQ(invalid_error("f", 2, "detail").message, "Invalid value: 2: detail");
}

TEST(HumanTime, DurationsFollowHumanDuration) {
  using std::chrono::seconds;
  EXPECT_EQ(human_duration(seconds(-5)), "<invalid>");
  EXPECT_EQ(human_duration(seconds(-1)), "0s");
  EXPECT_EQ(human_duration(seconds(119)), "119s");
  EXPECT_EQ(human_duration(seconds(3 * 60 + 12)), "3m12s");
  EXPECT_EQ(human_duration(seconds(5 * 60)), "5m");
  EXPECT_EQ(human_duration(seconds(15 * 60 + 7)), "15m");
  EXPECT_EQ(human_duration(seconds(5 * 3600 + 30 * 60)), "5h30m");
  EXPECT_EQ(human_duration(seconds(20 * 3600)), "20h");
  EXPECT_EQ(human_duration(seconds(2 * 86400 + 4 * 3600)), "2d4h");
  EXPECT_EQ(human_duration(seconds(300LL * 86400)), "300d");
  EXPECT_EQ(human_duration(seconds((2 * 365 + 100) * 86400LL)), "2y100d");
  EXPECT_EQ(human_duration(seconds(9 * 365 * 86400LL)), "9y");
}

TEST(HumanTime, ParsesRfc3339WithFractionAndOffset) {
  auto utc = parse_rfc3339("2026-11-23T10:00:00Z");
  auto offset = parse_rfc3339("2026-11-23T12:00:00.500+02:00");
  ASSERT_TRUE(utc && offset);
  EXPECT_EQ(*offset - *utc, std::chrono::milliseconds(500));
  EXPECT_FALSE(parse_rfc3339("2026-11-23 10:00"));
  EXPECT_EQ(age_since("", *utc), "<unknown>");
  EXPECT_EQ(age_since("2026-11-23T09:55:00Z", *utc), "5m");
}

TEST(Base64, RoundTripsAndLocatesBadInput) {
  EXPECT_EQ(base64_encode("hunter2"), "aHVudGVyMg==");
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_decode("aHVudGVyMg==").value(), "hunter2");
  EXPECT_EQ(base64_decode("YWI=").value(), "ab");
  std::size_t at = 99;
  EXPECT_FALSE(base64_decode("aGk*", &at));
  EXPECT_EQ(at, 3u);
  EXPECT_FALSE(base64_decode("abc", &at));
}

}  // namespace
}  // namespace kubeemu
