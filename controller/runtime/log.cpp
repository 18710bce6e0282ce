// Structured log lines: JSON or logfmt, one write(2) per line under a mutex so lines from many threads never
// interleave, even when stderr is a pipe shared with a child process.

#include "runtime/log.hpp"

#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>
#include <span>

namespace zpo::runtime {

namespace {

std::atomic<LogFormat> g_format{LogFormat::Json};
std::atomic<LogLevel> g_min_level{LogLevel::Info};
std::mutex g_write_mutex;

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Debug:
      return "debug";
    case LogLevel::Info:
      return "info";
    case LogLevel::Warn:
      return "warn";
    case LogLevel::Error:
      return "error";
  }
  return "info";
}

// JSON string escaping (RFC 8259) by nlohmann/json; a byte sequence that is not UTF-8 becomes U+FFFD rather
// than an exception, so a log line can always be written.
void append_json_string(std::string& out, std::string_view text) {
  out += nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// logfmt leaves a value bare when it has no space, quote, '=' or control character; otherwise it is quoted
// with Go's escapes, so a value can never forge another key or a second line.
bool logfmt_needs_quotes(std::string_view text) {
  if (text.empty()) return true;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7f || ch == '"' || ch == '=' || ch == '\\') return true;
  }
  return false;
}

void append_logfmt_value(std::string& out, std::string_view text) {
  if (!logfmt_needs_quotes(text)) {
    out += text;
    return;
  }
  // The escapes are the same as JSON's for the characters that matter here.
  append_json_string(out, text);
}

// A key must stay one bare token in logfmt; anything else becomes '_'.
void append_logfmt_key(std::string& out, std::string_view key) {
  if (key.empty()) {
    out += '_';
    return;
  }
  for (char ch : key) {
    auto c = static_cast<unsigned char>(ch);
    out += (c <= 0x20 || c == 0x7f || ch == '"' || ch == '=') ? '_' : ch;
  }
}

std::string now_rfc3339_millis() {
  auto now = std::chrono::system_clock::now();
  auto since_epoch = now.time_since_epoch();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
  std::time_t t = static_cast<std::time_t>(seconds.count());
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::array<char, 64> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
  return buf.data();
}

void write_all(int fd, const std::string& line) {
  std::size_t written = 0;
  while (written < line.size()) {
    ssize_t n = ::write(fd, line.data() + written, line.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere left to report a failing stderr
    }
    written += static_cast<std::size_t>(n);
  }
}

}  // namespace

LogField field(std::string key, std::string value) {
  return {std::move(key), std::move(value), false};
}
LogField field(std::string key, const char* value) {
  return {std::move(key), value ? value : "", false};
}
LogField field(std::string key, long long value) {
  return {std::move(key), std::to_string(value), true};
}
LogField field(std::string key, std::string_view value) {
  return {std::move(key), std::string(value), false};
}
LogField field(std::string key, bool value) {
  return {std::move(key), value ? "true" : "false", true};
}

LogField field(std::string key, double value) {
  // JSON has no NaN or infinity: those stay quoted strings.
  if (!std::isfinite(value))
    return {std::move(key), std::isnan(value) ? "NaN" : (value > 0 ? "+Inf" : "-Inf")};
  std::array<char, 32> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  return {std::move(key), std::string(buf.data(), end), true};
}

void configure_logging(LogFormat format, LogLevel min_level) {
  g_format.store(format);
  g_min_level.store(min_level);
}

bool parse_log_format(std::string_view text, LogFormat& out) {
  if (text == "json") {
    out = LogFormat::Json;
  } else if (text == "logfmt") {
    out = LogFormat::Logfmt;
  } else {
    return false;
  }
  return true;
}

bool parse_log_level(std::string_view text, LogLevel& out) {
  if (text == "debug") {
    out = LogLevel::Debug;
  } else if (text == "info") {
    out = LogLevel::Info;
  } else if (text == "warn") {
    out = LogLevel::Warn;
  } else if (text == "error") {
    out = LogLevel::Error;
  } else {
    return false;
  }
  return true;
}

namespace {

std::string format_line(LogFormat format, LogLevel level, std::string_view message,
                        std::span<const LogField> fields, std::string_view timestamp) {
  std::string line;
  line.reserve(64 + message.size() + fields.size() * 24);
  if (format == LogFormat::Json) {
    line += "{\"ts\":";
    append_json_string(line, timestamp);
    line += ",\"level\":";
    append_json_string(line, level_name(level));
    line += ",\"msg\":";
    append_json_string(line, message);
    for (const auto& f : fields) {
      line += ',';
      append_json_string(line, f.key);
      line += ':';
      if (f.raw) {
        line += f.value;
      } else {
        append_json_string(line, f.value);
      }
    }
    line += '}';
  } else {
    line += "ts=";
    append_logfmt_value(line, timestamp);
    line += " level=";
    line += level_name(level);
    line += " msg=";
    append_logfmt_value(line, message);
    for (const auto& f : fields) {
      line += ' ';
      append_logfmt_key(line, f.key);
      line += '=';
      append_logfmt_value(line, f.value);
    }
  }
  return line;
}

void write_line(LogLevel level, std::string_view message, std::span<const LogField> fields) {
  if (static_cast<int>(level) < static_cast<int>(g_min_level.load())) return;
  std::string line = format_line(g_format.load(), level, message, fields, now_rfc3339_millis());
  line += '\n';
  std::lock_guard lock(g_write_mutex);
  write_all(STDERR_FILENO, line);
}

}  // namespace

std::string format_log_line(LogFormat format, LogLevel level, std::string_view message,
                            std::initializer_list<LogField> fields, std::string_view timestamp) {
  return format_line(format, level, message, {fields.begin(), fields.size()}, timestamp);
}

void log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
  write_line(level, message, {fields.begin(), fields.size()});
}

void log(LogLevel level, std::string_view message, const std::vector<LogField>& fields) {
  write_line(level, message, fields);
}

}  // namespace zpo::runtime
