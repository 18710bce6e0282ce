#pragma once
// Structured logs: one event per line on stderr, as JSON ({"ts":"…","level":"info","msg":"…","key":"…"}) or
// logfmt (ts=… level=info msg="…" key=…). Thread-safe; a line is written with one call so lines never
// interleave. Callers put the resource ("namespace/name") and port id in fields, never a secret.

#include <concepts>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zpo::runtime {

enum class LogFormat { Json, Logfmt };
enum class LogLevel { Debug, Info, Warn, Error };

struct LogField {
  std::string key;
  std::string value;
  // Numbers and booleans are written unquoted in JSON.
  bool raw = false;
};

LogField field(std::string key, std::string value);
LogField field(std::string key, const char* value);
LogField field(std::string key, long long value);
LogField field(std::string key, double value);
LogField field(std::string key, bool value);
// Added to the seam: a string_view, and any other integer type (int, std::size_t, ...), written like long
// long. Without these an int argument is ambiguous between the long long, double and bool overloads.
LogField field(std::string key, std::string_view value);
template <std::integral T>
requires(!std::same_as<T, bool> && !std::same_as<T, char> && !std::same_as<T, long long>) LogField
    field(std::string key, T value) {
  return {std::move(key), std::to_string(value), true};
}

void configure_logging(LogFormat format, LogLevel min_level);
bool parse_log_format(std::string_view text, LogFormat& out);  // "json" | "logfmt"
bool parse_log_level(std::string_view text, LogLevel& out);    // "debug" | "info" | "warn" | "error"

void log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {});
// The same with fields built at run time (e.g. forwarded from zpo::kube's LogSink).
void log(LogLevel level, std::string_view message, const std::vector<LogField>& fields);
inline void log_debug(std::string_view m, std::initializer_list<LogField> f = {}) {
  log(LogLevel::Debug, m, f);
}
inline void log_info(std::string_view m, std::initializer_list<LogField> f = {}) {
  log(LogLevel::Info, m, f);
}
inline void log_warn(std::string_view m, std::initializer_list<LogField> f = {}) {
  log(LogLevel::Warn, m, f);
}
inline void log_error(std::string_view m, std::initializer_list<LogField> f = {}) {
  log(LogLevel::Error, m, f);
}

// Formats one line without writing it (for tests).
std::string format_log_line(LogFormat format, LogLevel level, std::string_view message,
                            std::initializer_list<LogField> fields, std::string_view timestamp);

}  // namespace zpo::runtime
