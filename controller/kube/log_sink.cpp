#include "kube/log_sink.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>

namespace zpo::kube {

namespace {

std::string utc_now_millis() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];  // more than the 24 bytes written: -Wformat-truncation reasons about any int
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
  return text;
}

}  // namespace

LogSink stderr_log_sink() {
  return [](std::string_view level, std::string_view message, const LogFields& fields) {
    nlohmann::ordered_json line;
    line["time"] = utc_now_millis();
    line["level"] = level;
    line["msg"] = message;
    line["component"] = "kube";
    for (const auto& [key, value] : fields)
      line[key] = value;
    // Replace rather than throw on invalid UTF-8: a server message must never turn a log call into a crash.
    const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    static std::mutex stderr_mutex;  // one fwrite per line is not guaranteed atomic across threads
    const std::lock_guard lock(stderr_mutex);
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
  };
}

}  // namespace zpo::kube
