#pragma once
// Go-style durations for flags ("500ms", "15s", "10m", "1h30m"), as Kubernetes users write them.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace zpo::runtime {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
std::string format_duration(std::chrono::milliseconds duration);  // "1m30s", "500ms"

}  // namespace zpo::runtime
