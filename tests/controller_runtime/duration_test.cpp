// Go-style duration flags.

#include "runtime/duration.hpp"

#include <gtest/gtest.h>

namespace zpo::runtime {
namespace {

using std::chrono::milliseconds;

TEST(ParseDuration, ReadsEachUnitCombinationsAndFractions) {
  EXPECT_EQ(parse_duration("500ms"), milliseconds(500));
  EXPECT_EQ(parse_duration("15s"), milliseconds(15000));
  EXPECT_EQ(parse_duration("10m"), milliseconds(600000));
  EXPECT_EQ(parse_duration("2h"), milliseconds(7200000));
  EXPECT_EQ(parse_duration("1h30m"), milliseconds(5400000));
  EXPECT_EQ(parse_duration("1m30s500ms"), milliseconds(90500));
  EXPECT_EQ(parse_duration("1.5s"), milliseconds(1500));
  EXPECT_EQ(parse_duration("0.001s"), milliseconds(1));
  EXPECT_EQ(parse_duration(".5m"), milliseconds(30000));
  EXPECT_EQ(parse_duration("0"), milliseconds(0));
  EXPECT_EQ(parse_duration("0s"), milliseconds(0));
}

TEST(ParseDuration, RejectsWhatGoRejectsOrWeDoNotSupport) {
  for (const char* bad : {"", "15", "s", "1x", "-1s", "1.s.5", "1 s", "1sm", "1us", "1ns", ".s", "1h 30m",
                          "99999999999999999999h"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
}

TEST(FormatDuration, WritesTheShortestFormUsersWouldType) {
  EXPECT_EQ(format_duration(milliseconds(0)), "0s");
  EXPECT_EQ(format_duration(milliseconds(500)), "500ms");
  EXPECT_EQ(format_duration(milliseconds(15000)), "15s");
  EXPECT_EQ(format_duration(milliseconds(1500)), "1.5s");
  EXPECT_EQ(format_duration(milliseconds(90000)), "1m30s");
  EXPECT_EQ(format_duration(milliseconds(5400000)), "1h30m");
  EXPECT_EQ(format_duration(milliseconds(3600000)), "1h");
  EXPECT_EQ(format_duration(milliseconds(3601001)), "1h1.001s");
}

TEST(FormatDuration, RoundTripsThroughParse) {
  for (long long ms : {1LL, 999LL, 1000LL, 1001LL, 61000LL, 3599999LL, 86400000LL, 123456789LL}) {
    EXPECT_EQ(parse_duration(format_duration(milliseconds(ms))), milliseconds(ms)) << ms;
  }
}

}  // namespace
}  // namespace zpo::runtime
