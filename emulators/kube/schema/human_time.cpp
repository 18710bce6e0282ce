#include "human_time.hpp"

#include <ctime>
#include <regex>

namespace kubeemu {

std::optional<Clock::time_point> parse_rfc3339(const std::string& text) {
  static const std::regex form(
      R"(^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$)");
  std::smatch m;
  if (!std::regex_match(text, m, form)) return std::nullopt;
  std::tm tm{};
  tm.tm_year = std::stoi(m[1]) - 1900;
  tm.tm_mon = std::stoi(m[2]) - 1;
  tm.tm_mday = std::stoi(m[3]);
  tm.tm_hour = std::stoi(m[4]);
  tm.tm_min = std::stoi(m[5]);
  tm.tm_sec = std::stoi(m[6]);
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60)
    return std::nullopt;
  time_t seconds = timegm(&tm);
  if (m[9].matched) {
    long offset = std::stol(m[10]) * 3600 + std::stol(m[11]) * 60;
    seconds += m[9] == "+" ? -offset : offset;
  }
  auto point = Clock::from_time_t(seconds);
  if (m[7].matched) {
    std::string fraction = m[7].str().substr(1, 9);
    fraction.append(9 - fraction.size(), '0');
    point += std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(std::stoll(fraction)));
  }
  return point;
}

std::string human_duration(std::chrono::seconds elapsed) {
  // Up to a second in the future counts as now: clocks of two machines differ a little.
  int64_t seconds = elapsed.count();
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60 * 2) return std::to_string(seconds) + "s";
  int64_t minutes = seconds / 60;
  if (minutes < 10) {
    int64_t s = seconds % 60;
    return s == 0 ? std::to_string(minutes) + "m" : std::to_string(minutes) + "m" + std::to_string(s) + "s";
  }
  if (minutes < 60 * 3) return std::to_string(minutes) + "m";
  int64_t hours = minutes / 60;
  if (hours < 8) {
    int64_t m = minutes % 60;
    return m == 0 ? std::to_string(hours) + "h" : std::to_string(hours) + "h" + std::to_string(m) + "m";
  }
  if (hours < 48) return std::to_string(hours) + "h";
  if (hours < 24 * 8) {
    int64_t h = hours % 24;
    return h == 0 ? std::to_string(hours / 24) + "d"
                  : std::to_string(hours / 24) + "d" + std::to_string(h) + "h";
  }
  if (hours < 24 * 365 * 2) return std::to_string(hours / 24) + "d";
  if (hours < 24 * 365 * 8) {
    int64_t days = (hours / 24) % 365;
    return days == 0 ? std::to_string(hours / 24 / 365) + "y"
                     : std::to_string(hours / 24 / 365) + "y" + std::to_string(days) + "d";
  }
  return std::to_string(hours / 24 / 365) + "y";
}

std::string age_since(const std::string& timestamp, Clock::time_point now) {
  auto when = parse_rfc3339(timestamp);
  if (!when) return "<unknown>";
  return human_duration(std::chrono::duration_cast<std::chrono::seconds>(now - *when));
}

}  // namespace kubeemu
