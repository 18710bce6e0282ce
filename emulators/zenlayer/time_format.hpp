#pragma once
#include <string>

#include "clock.hpp"

namespace zenemu {

// "2026-11-23T10:48:06Z": the API's format for createdTime / expiredTime.
std::string utc_seconds(TimePoint t);
// "2026-11-23T10:48:06.123Z": call log times, where calls a few milliseconds apart must stay apart.
std::string utc_millis(TimePoint t);

}  // namespace zenemu
