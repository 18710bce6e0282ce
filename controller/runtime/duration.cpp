// Go's time.ParseDuration restricted to the units an operator's flags need (ms, s, m, h), with fractions
// ("1.5s") and combinations ("1h30m"); and the matching formatter, so `--help` shows defaults as users type
// them.

#include "runtime/duration.hpp"

#include <cctype>
#include <cstdint>

namespace zpo::runtime {

namespace {

// Milliseconds per unit; the longest unit name is tried first so "ms" is not read as "m" then "s".
std::optional<std::int64_t> unit_millis(std::string_view text, std::size_t& pos) {
  if (text.substr(pos, 2) == "ms") {
    pos += 2;
    return 1;
  }
  if (pos >= text.size()) return std::nullopt;
  char c = text[pos];
  if (c == 's' || c == 'm' || c == 'h') ++pos;
  switch (c) {
    case 's':
      return 1000;
    case 'm':
      return 60 * 1000;
    case 'h':
      return 60 * 60 * 1000;
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text == "0") return std::chrono::milliseconds(0);
  constexpr std::int64_t kMaxMillis = std::int64_t{1} << 52;  // far beyond any sensible flag, no overflow
  std::int64_t total = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::int64_t whole = 0;
    std::size_t digits = 0;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      whole = whole * 10 + (text[pos] - '0');
      if (whole > kMaxMillis) return std::nullopt;
      ++pos;
      ++digits;
    }
    // The fraction is kept as numerator/denominator so "0.001s" is exactly 1 ms.
    std::int64_t frac = 0;
    std::int64_t scale = 1;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
        if (scale < 1'000'000'000) {
          frac = frac * 10 + (text[pos] - '0');
          scale *= 10;
        }
        ++pos;
        ++digits;
      }
    }
    if (digits == 0) return std::nullopt;
    auto unit = unit_millis(text, pos);
    if (!unit) return std::nullopt;
    if (whole > kMaxMillis / *unit) return std::nullopt;
    total += whole * *unit + frac * *unit / scale;
    if (total > kMaxMillis) return std::nullopt;
  }
  return std::chrono::milliseconds(total);
}

std::string format_duration(std::chrono::milliseconds duration) {
  std::int64_t ms = duration.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out += '-';
    ms = -ms;
  }
  if (ms < 1000) return out + std::to_string(ms) + "ms";
  std::int64_t hours = ms / 3'600'000;
  std::int64_t minutes = ms / 60'000 % 60;
  std::int64_t seconds = ms / 1000 % 60;
  std::int64_t millis = ms % 1000;
  if (hours > 0) out += std::to_string(hours) + "h";
  if (minutes > 0) out += std::to_string(minutes) + "m";
  if (seconds > 0 || millis > 0) {
    out += std::to_string(seconds);
    if (millis > 0) {
      std::string frac = std::to_string(1000 + millis).substr(1);  // zero-padded to 3 digits
      while (frac.back() == '0')
        frac.pop_back();
      out += "." + frac;
    }
    out += "s";
  }
  return out;
}

}  // namespace zpo::runtime
