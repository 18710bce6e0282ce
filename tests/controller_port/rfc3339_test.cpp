#include "port/rfc3339.hpp"

#include <gtest/gtest.h>

namespace zpo::port {
namespace {

using namespace std::chrono_literals;

TEST(Rfc3339, FormatsUtcWholeSeconds) {
  const Time t = std::chrono::sys_days(std::chrono::year(2026) / 11 / 23) + 13h + 37min + 21s + 900ms;
  EXPECT_EQ(format_time(t), "2026-11-23T13:37:21Z");
}

TEST(Rfc3339, ParsesWhatKubernetesAndZenlayerWrite) {
  const Time t = std::chrono::sys_days(std::chrono::year(2026) / 11 / 23) + 13h + 37min + 21s;
  EXPECT_EQ(parse_time("2026-11-23T13:37:21Z"), t);
  EXPECT_EQ(parse_time("2026-11-23T13:37:21.250000Z"), t + 250ms);
  EXPECT_EQ(parse_time("2026-11-23T15:37:21+02:00"), t);
  EXPECT_EQ(parse_time("2026-11-23T11:37:21-02:00"), t);
  EXPECT_EQ(parse_time("2026-11-23 13:37:21z"), t);
}

TEST(Rfc3339, RejectsAnythingElse) {
  for (const char* bad :
       {"", "2026-11-23", "2026-11-23T13:37:21", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
        "2026-11-23T25:00:00Z", "2026-11-23T13:37:21Zjunk", "2026-11-23T13:37:21.Z", "yesterday"}) {
    EXPECT_FALSE(parse_time(bad).has_value()) << bad;
  }
}

TEST(Rfc3339, RoundTripsAtStatusPrecision) {
  const Time t = std::chrono::sys_days(std::chrono::year(2030) / 1 / 2) + 3h + 4min + 5s + 678ms;
  EXPECT_EQ(parse_time(format_time(t)), to_status_precision(t));
}

}  // namespace
}  // namespace zpo::port
