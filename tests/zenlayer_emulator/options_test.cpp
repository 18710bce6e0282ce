#include "options.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace zenemu {
namespace {

std::optional<Options> parse(std::vector<const char*> args,
                             const std::map<std::string, std::string>& env = {}) {
  args.insert(args.begin(), "zenlayer-emulator");
  return parse_options(static_cast<int>(args.size()), args.data(), env);
}

TEST(EmulatorOptions, FlagsFillTheConfiguration) {
  auto o = parse({"--listen",
                  "0.0.0.0:8080",
                  "--access-key-id",
                  "id",
                  "--access-key-password",
                  "pw",
                  "--terminate-delay-ms",
                  "10",
                  "--terminate-lag-polls",
                  "5",
                  "--destroyed-visible-ms",
                  "7",
                  "--dc-ids",
                  "A1,B2",
                  "--not-found-status",
                  "404",
                  "--recycled-code-instance-recycled",
                  "--throttle-rate",
                  "0.1",
                  "--qps-ceiling",
                  "50",
                  "--commit-then-fail-mode",
                  "drop",
                  "--seed",
                  "9",
                  "--log-calls",
                  "--call-log-size",
                  "3"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->host, "0.0.0.0");
  EXPECT_EQ(o->port, 8080);
  EXPECT_TRUE(o->log_calls);
  const auto& c = o->config;
  EXPECT_EQ(c.credentials.access_key_id, "id");
  EXPECT_EQ(c.credentials.access_key_password, "pw");
  EXPECT_EQ(c.delays.terminate, Millis(10));
  EXPECT_EQ(c.delays.terminate_lag_polls, 5);
  EXPECT_EQ(c.delays.destroyed_visible, Millis(7));
  EXPECT_EQ(c.delays.create, Millis(2000));  // untouched default
  EXPECT_EQ(c.rules.dc_ids, (std::vector<std::string>{"A1", "B2"}));
  EXPECT_EQ(c.rules.not_found_http_status, 404);
  EXPECT_EQ(c.rules.recycled_terminate_code, "OPERATION_DENIED_INSTANCE_RECYCLED");
  EXPECT_DOUBLE_EQ(c.faults.throttle_rate, 0.1);
  EXPECT_DOUBLE_EQ(c.faults.qps_ceiling, 50);
  EXPECT_EQ(c.faults.commit_then_fail_mode, CommitThenFailMode::drop);
  EXPECT_EQ(c.seed, 9u);
  EXPECT_EQ(c.call_log_capacity, 3u);
}

TEST(EmulatorOptions, CredentialsDefaultToTheEnvironmentAndAreRequired) {
  auto o =
      parse({}, {{"ZENLAYERCLOUD_ACCESS_KEY_ID", "env-id"}, {"ZENLAYERCLOUD_ACCESS_KEY_PASSWORD", "env-pw"}});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->config.credentials.access_key_id, "env-id");
  EXPECT_EQ(o->port, 0);
  auto flag_wins = parse({"--access-key-id", "flag-id"}, {{"ZENLAYERCLOUD_ACCESS_KEY_ID", "env-id"},
                                                          {"ZENLAYERCLOUD_ACCESS_KEY_PASSWORD", "env-pw"}});
  EXPECT_EQ(flag_wins->config.credentials.access_key_id, "flag-id");
  try {
    parse({"--access-key-id", "only-id"});
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("ZENLAYERCLOUD_ACCESS_KEY_PASSWORD"), std::string::npos);
  }
}

TEST(EmulatorOptions, RejectsBadValues) {
  const std::map<std::string, std::string> env{{"ZENLAYERCLOUD_ACCESS_KEY_ID", "i"},
                                               {"ZENLAYERCLOUD_ACCESS_KEY_PASSWORD", "p"}};
  EXPECT_THROW(parse({"--listen", "nowhere"}, env), std::invalid_argument);
  EXPECT_THROW(parse({"--listen", "127.0.0.1:70000"}, env), std::invalid_argument);
  EXPECT_THROW(parse({"--throttle-rate", "1.5"}, env), std::invalid_argument);
  EXPECT_THROW(parse({"--terminate-delay-ms", "-1"}, env), std::invalid_argument);
  EXPECT_THROW(parse({"--commit-then-fail-mode", "maybe"}, env), std::invalid_argument);
  EXPECT_THROW(parse({"--threads", "0"}, env), std::invalid_argument);
  EXPECT_THROW(parse({"--no-such-flag"}, env), std::invalid_argument);
}

}  // namespace
}  // namespace zenemu
