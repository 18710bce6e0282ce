#pragma once
// Ages as the apiserver's table printers render them (apimachinery util/duration.HumanDuration), from RFC
// 3339 timestamps (metav1.Time / MicroTime).

#include <chrono>
#include <optional>
#include <string>

namespace kubeemu {

using Clock = std::chrono::system_clock;

// "2026-11-23T10:00:00Z", with optional fraction and numeric offset. nullopt when it does not parse.
std::optional<Clock::time_point> parse_rfc3339(const std::string& text);

// "0s", "45s", "3m12s", "15m", "5h30m", "2d4h", "300d", "2y100d", "9y"; "<invalid>" for more than a second in
// the future.
std::string human_duration(std::chrono::seconds elapsed);

// translateTimestampSince: "<unknown>" when the timestamp is empty or unparsable, else the age at `now`.
std::string age_since(const std::string& timestamp, Clock::time_point now);

}  // namespace kubeemu
