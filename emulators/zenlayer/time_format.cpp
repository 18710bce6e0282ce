#include "time_format.hpp"

#include <cstdio>
#include <ctime>

namespace zenemu {
namespace {

std::tm utc_tm(TimePoint t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return tm;
}

}  // namespace

std::string utc_seconds(TimePoint t) {
  std::tm tm = utc_tm(t);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string utc_millis(TimePoint t) {
  std::tm tm = utc_tm(t);
  auto ms = std::chrono::duration_cast<Millis>(t.time_since_epoch()).count() % 1000;
  if (ms < 0) ms += 1000;
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms));
  return out;
}

}  // namespace zenemu
