#pragma once
// Kubernetes timestamps (metav1.Time): RFC 3339 in UTC with whole seconds, "2026-11-23T13:37:21Z". Status
// times are kept at second precision so that a status read back from the API compares equal to the one we
// wrote.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace zpo::port {

using Time = std::chrono::system_clock::time_point;

// "2026-11-23T13:37:21Z"; sub-second parts are dropped (rounded down).
std::string format_time(Time time);

// Accepts "YYYY-MM-DDThh:mm:ss" with optional fractional seconds and "Z" or a "+hh:mm"/"-hh:mm" offset (also
// a lower-case "t"/"z" and a space separator, as RFC 3339 allows). nullopt for anything else.
std::optional<Time> parse_time(std::string_view text);

// The time as status stores it: rounded down to whole seconds.
Time to_status_precision(Time time);

}  // namespace zpo::port
