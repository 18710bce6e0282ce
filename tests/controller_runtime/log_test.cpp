// Log lines: valid JSON whatever the message holds, logfmt that cannot be split or forged, the level filter.

#include "runtime/log.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <vector>

namespace zpo::runtime {
namespace {

using json = nlohmann::json;

TEST(LogLine, JsonHasTimestampLevelMessageAndFieldsInOrder) {
  auto line =
      format_log_line(LogFormat::Json, LogLevel::Info, "reconciled",
                      {field("resource", "default/a"), field("portId", "p-1")}, "2026-11-23T13:00:00.123Z");
  EXPECT_EQ(line,
            R"({"ts":"2026-11-23T13:00:00.123Z","level":"info","msg":"reconciled","resource":"default/a",)"
            R"("portId":"p-1"})");
}

TEST(LogLine, JsonEscapesQuotesBackslashesNewlinesAndControlCharacters) {
  std::string nasty = "say \"hi\"\\ now\nnext\tline\r\x01\x1f end";
  auto line = format_log_line(LogFormat::Json, LogLevel::Error, nasty, {field("k\"ey", nasty)}, "t");
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto parsed = json::parse(line);
  EXPECT_EQ(parsed["msg"], nasty);
  EXPECT_EQ(parsed["k\"ey"], nasty);
  EXPECT_EQ(parsed["level"], "error");
  EXPECT_NE(line.find("\\u0001"), std::string::npos);
}

TEST(LogLine, JsonWritesNumbersAndBooleansUnquoted) {
  auto line = format_log_line(LogFormat::Json, LogLevel::Warn, "m",
                              {field("n", 42LL), field("x", 1.5), field("ok", true), field("s", "42")}, "t");
  auto parsed = json::parse(line);
  EXPECT_EQ(parsed["n"], 42);
  EXPECT_EQ(parsed["x"], 1.5);
  EXPECT_EQ(parsed["ok"], true);
  EXPECT_EQ(parsed["s"], "42");
  EXPECT_EQ(parsed["level"], "warn");
}

TEST(LogLine, EveryIntegerTypeAndStringViewMakeAField) {
  std::string_view view = "default/a";
  std::size_t size = 7;
  auto line = format_log_line(LogFormat::Json, LogLevel::Info, "m",
                              {field("i", 3), field("u", size), field("neg", -2L), field("sv", view)}, "t");
  auto parsed = json::parse(line);
  EXPECT_EQ(parsed["i"], 3);
  EXPECT_EQ(parsed["u"], 7);
  EXPECT_EQ(parsed["neg"], -2);
  EXPECT_EQ(parsed["sv"], "default/a");
}

TEST(LogLine, NonFiniteDoublesStayValidJson) {
  auto line = format_log_line(LogFormat::Json, LogLevel::Info, "m",
                              {field("nan", std::nan("")), field("inf", 1e308 * 10)}, "t");
  auto parsed = json::parse(line);
  EXPECT_EQ(parsed["nan"], "NaN");
  EXPECT_EQ(parsed["inf"], "+Inf");
}

TEST(LogLine, LogfmtLeavesPlainValuesBareAndQuotesTheRest) {
  auto line = format_log_line(LogFormat::Logfmt, LogLevel::Debug, "port destroyed",
                              {field("resource", "default/a"), field("n", 3LL), field("empty", ""),
                               field("eq", "a=b"), field("quote", "say \"x\""), field("nl", "a\nb")},
                              "2026-11-23T13:00:00.123Z");
  EXPECT_EQ(line,
            R"(ts=2026-11-23T13:00:00.123Z level=debug msg="port destroyed" resource=default/a n=3 empty="" )"
            R"(eq="a=b" quote="say \"x\"" nl="a\nb")");
}

TEST(LogLine, LogfmtKeysCannotForgeAnotherField) {
  auto line = format_log_line(LogFormat::Logfmt, LogLevel::Info, "m", {field("a b=c", "v")}, "t");
  EXPECT_EQ(line, "ts=t level=info msg=m a_b_c=v");
}

TEST(LogConfig, ParsesFormatsAndLevels) {
  LogFormat format{};
  EXPECT_TRUE(parse_log_format("logfmt", format));
  EXPECT_EQ(format, LogFormat::Logfmt);
  EXPECT_TRUE(parse_log_format("json", format));
  EXPECT_EQ(format, LogFormat::Json);
  EXPECT_FALSE(parse_log_format("text", format));
  LogLevel level{};
  for (auto [text, expected] : {std::pair{"debug", LogLevel::Debug}, std::pair{"info", LogLevel::Info},
                                std::pair{"warn", LogLevel::Warn}, std::pair{"error", LogLevel::Error}}) {
    EXPECT_TRUE(parse_log_level(text, level));
    EXPECT_EQ(level, expected);
  }
  EXPECT_FALSE(parse_log_level("verbose", level));
}

// Captures what log() writes to stderr.
class StderrCapture {
 public:
  StderrCapture() {
    std::fflush(stderr);
    file_ = std::tmpfile();
    saved_ = dup(STDERR_FILENO);
    dup2(fileno(file_), STDERR_FILENO);
  }
  std::string finish() {
    dup2(saved_, STDERR_FILENO);
    close(saved_);
    std::rewind(file_);
    std::string out;
    for (int c = std::fgetc(file_); c != EOF; c = std::fgetc(file_))
      out += static_cast<char>(c);
    std::fclose(file_);
    return out;
  }

 private:
  FILE* file_;
  int saved_;
};

TEST(Log, WritesOneLinePerEventAtOrAboveTheConfiguredLevel) {
  configure_logging(LogFormat::Json, LogLevel::Warn);
  StderrCapture capture;
  log_debug("hidden debug");
  log_info("hidden info");
  log_warn("shown warn", {field("k", "v")});
  log_error("shown error");
  std::string out = capture.finish();
  configure_logging(LogFormat::Json, LogLevel::Info);
  std::istringstream lines(out);
  std::vector<json> events;
  for (std::string line; std::getline(lines, line);)
    events.push_back(json::parse(line));
  ASSERT_EQ(events.size(), 2u) << out;
  EXPECT_EQ(events[0]["msg"], "shown warn");
  EXPECT_EQ(events[0]["k"], "v");
  EXPECT_EQ(events[1]["level"], "error");
  // RFC 3339, milliseconds, UTC: 2026-11-23T13:00:00.123Z
  std::string ts = events[0]["ts"];
  ASSERT_EQ(ts.size(), 24u) << ts;
  EXPECT_EQ(ts[10], 'T');
  EXPECT_EQ(ts[19], '.');
  EXPECT_EQ(ts.back(), 'Z');
}

TEST(Log, LinesFromManyThreadsNeverInterleave) {
  configure_logging(LogFormat::Logfmt, LogLevel::Info);
  StderrCapture capture;
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([t] {
        for (int i = 0; i < 200; ++i)
          log_info("tick", {field("thread", static_cast<long long>(t)), field("pad", std::string(300, 'x'))});
      });
    }
  }
  std::string out = capture.finish();
  configure_logging(LogFormat::Json, LogLevel::Info);
  std::istringstream lines(out);
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    ASSERT_EQ(line.rfind("ts=", 0), 0u) << line;
    ASSERT_NE(line.find(" pad=" + std::string(300, 'x')), std::string::npos) << line;
  }
  EXPECT_EQ(count, 8 * 200);
}

}  // namespace
}  // namespace zpo::runtime
