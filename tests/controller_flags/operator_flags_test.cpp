#include "operator_flags.hpp"

#include <gtest/gtest.h>

namespace zpo {
namespace {

using namespace std::chrono_literals;

std::variant<OperatorFlags, FlagsHelp, FlagsError> parse(std::vector<std::string> args) {
  args.insert(args.begin(), "zenlayer-port-operator");
  return parse_operator_flags(args);
}

OperatorFlags parsed(std::vector<std::string> args) {
  auto result = parse(std::move(args));
  if (auto* error = std::get_if<FlagsError>(&result)) ADD_FAILURE() << error->message;
  return std::get<OperatorFlags>(result);
}

std::string error_of(std::vector<std::string> args) {
  auto result = parse(std::move(args));
  auto* error = std::get_if<FlagsError>(&result);
  return error ? error->message : "(no error)";
}

TEST(OperatorFlags, DefaultsAreTheDocumentedSafeOnes) {
  const OperatorFlags f = parsed({});
  EXPECT_FALSE(f.kubeconfig);
  EXPECT_EQ(f.namespace_, "");
  EXPECT_EQ(f.label_selector, "");
  EXPECT_EQ(f.zenlayer_endpoint, "https://console.zenlayer.com");
  EXPECT_FALSE(f.leader_elect);
  EXPECT_EQ(f.lease_duration, 15s);
  EXPECT_EQ(f.renew_deadline, 10s);
  EXPECT_EQ(f.retry_period, 2s);
  EXPECT_EQ(f.leader_election_id, "zenlayer-port-operator");
  EXPECT_EQ(f.health_probe_bind_address, ":8081");
  EXPECT_EQ(f.metrics_bind_address, ":8080");
  EXPECT_EQ(f.workers, 4);
  EXPECT_EQ(f.resync_period, 10min);
  EXPECT_EQ(f.poll_interval, 5s);
  EXPECT_EQ(f.max_poll_interval, 1min);
  EXPECT_EQ(f.stuck_timeout, 30min);
  EXPECT_EQ(f.error_retry_interval, 5min);
  EXPECT_EQ(f.terminate_grace, 10min);
  EXPECT_EQ(f.zenlayer_timeout, 30s);
  EXPECT_DOUBLE_EQ(f.zenlayer_qps, 10);
  EXPECT_DOUBLE_EQ(f.zenlayer_burst, 20);
  EXPECT_EQ(f.log_format, runtime::LogFormat::Json);
  EXPECT_EQ(f.log_level, runtime::LogLevel::Info);
}

TEST(OperatorFlags, EveryFlagIsRead) {
  const OperatorFlags f = parsed({"--kubeconfig",
                                  "/tmp/kc",
                                  "--namespace",
                                  "team-a",
                                  "--label-selector",
                                  "shard in (a,b),!legacy",
                                  "--zenlayer-endpoint",
                                  "http://127.0.0.1:9000",
                                  "--zenlayer-credentials-dir",
                                  "/creds",
                                  "--leader-elect",
                                  "--leader-election-namespace",
                                  "ops",
                                  "--leader-election-id",
                                  "zpo",
                                  "--leader-elect-lease-duration",
                                  "3s",
                                  "--leader-elect-renew-deadline",
                                  "2s",
                                  "--leader-elect-retry-period",
                                  "500ms",
                                  "--identity",
                                  "me",
                                  "--health-probe-bind-address",
                                  "127.0.0.1:0",
                                  "--metrics-bind-address",
                                  "0",
                                  "--workers",
                                  "8",
                                  "--resync-period",
                                  "1m",
                                  "--poll-interval",
                                  "200ms",
                                  "--max-poll-interval",
                                  "2s",
                                  "--stuck-timeout",
                                  "5m",
                                  "--error-retry-interval",
                                  "30s",
                                  "--terminate-grace",
                                  "1m30s",
                                  "--zenlayer-qps",
                                  "5",
                                  "--zenlayer-burst",
                                  "7",
                                  "--zenlayer-timeout",
                                  "4s",
                                  "--log-format",
                                  "logfmt",
                                  "--log-level",
                                  "debug"});
  EXPECT_EQ(f.kubeconfig, "/tmp/kc");
  EXPECT_EQ(f.namespace_, "team-a");
  EXPECT_EQ(f.label_selector, "shard in (a,b),!legacy");
  EXPECT_EQ(f.zenlayer_endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(f.zenlayer_credentials_dir, "/creds");
  EXPECT_TRUE(f.leader_elect);
  EXPECT_EQ(f.leader_election_namespace, "ops");
  EXPECT_EQ(f.leader_election_id, "zpo");
  EXPECT_EQ(f.lease_duration, 3s);
  EXPECT_EQ(f.renew_deadline, 2s);
  EXPECT_EQ(f.retry_period, 500ms);
  EXPECT_EQ(f.identity, "me");
  EXPECT_EQ(f.health_probe_bind_address, "127.0.0.1:0");
  EXPECT_EQ(f.metrics_bind_address, "0");
  EXPECT_EQ(f.workers, 8);
  EXPECT_EQ(f.resync_period, 1min);
  EXPECT_EQ(f.poll_interval, 200ms);
  EXPECT_EQ(f.max_poll_interval, 2s);
  EXPECT_EQ(f.stuck_timeout, 5min);
  EXPECT_EQ(f.error_retry_interval, 30s);
  EXPECT_EQ(f.terminate_grace, 90s);
  EXPECT_DOUBLE_EQ(f.zenlayer_qps, 5);
  EXPECT_DOUBLE_EQ(f.zenlayer_burst, 7);
  EXPECT_EQ(f.zenlayer_timeout, 4s);
  EXPECT_EQ(f.log_format, runtime::LogFormat::Logfmt);
  EXPECT_EQ(f.log_level, runtime::LogLevel::Debug);
}

TEST(OperatorFlags, HelpDocumentsEveryFlag) {
  auto result = parse({"--help"});
  ASSERT_TRUE(std::holds_alternative<FlagsHelp>(result));
  const std::string& text = std::get<FlagsHelp>(result).text;
  // Each flag followed by a space (its value or its help), so "--leader-elect" is not found inside
  // "--leader-elect-lease-duration".
  for (const char* flag : {"--kubeconfig ",
                           "--namespace ",
                           "--label-selector ",
                           "--zenlayer-endpoint ",
                           "--zenlayer-credentials-dir ",
                           "--zenlayer-qps ",
                           "--zenlayer-burst ",
                           "--zenlayer-timeout ",
                           "--leader-elect ",
                           "--leader-election-namespace ",
                           "--leader-election-id ",
                           "--leader-elect-lease-duration ",
                           "--leader-elect-renew-deadline ",
                           "--leader-elect-retry-period ",
                           "--identity ",
                           "--health-probe-bind-address ",
                           "--metrics-bind-address ",
                           "--workers ",
                           "--resync-period ",
                           "--poll-interval ",
                           "--max-poll-interval ",
                           "--stuck-timeout ",
                           "--error-retry-interval ",
                           "--terminate-grace ",
                           "--log-format ",
                           "--log-level ",
                           "ZENLAYERCLOUD_ACCESS_KEY_ID",
                           "sdn.zenlayer.com/finalizer"})
    EXPECT_NE(text.find(flag), std::string::npos) << flag;
}

TEST(OperatorFlags, BadValuesNameTheFlag) {
  EXPECT_NE(error_of({"--poll-interval", "soon"}).find("--poll-interval"), std::string::npos);
  EXPECT_NE(error_of({"--resync-period", "0s"}).find("--resync-period"), std::string::npos);
  EXPECT_NE(error_of({"--workers", "0"}).find("--workers"), std::string::npos);
  EXPECT_NE(error_of({"--log-format", "xml"}).find("--log-format"), std::string::npos);
  EXPECT_NE(error_of({"--log-level", "loud"}).find("--log-level"), std::string::npos);
  EXPECT_NE(error_of({"--zenlayer-endpoint", "ftp://x"}).find("--zenlayer-endpoint"), std::string::npos);
  EXPECT_NE(error_of({"--no-such-flag"}).find("no-such-flag"), std::string::npos);
  EXPECT_NE(error_of({"--poll-interval", "2m", "--max-poll-interval", "1m"}).find("--max-poll-interval"),
            std::string::npos);
  EXPECT_NE(error_of({"--leader-elect", "--leader-elect-renew-deadline", "20s"}).find("renew-deadline"),
            std::string::npos);
}

TEST(OperatorFlags, ShardSelectorsAreCheckedAtStartup) {
  for (const char* good : {"shard=a", "shard==a", "shard!=a", "shard in (a, b)", "shard notin (a)", "shard",
                           "!shard", "tier>2", "example.com/shard=a,env=prod", "shard=", "  "})
    EXPECT_EQ(error_of({"--label-selector", good}), "(no error)") << good;
  for (const char* bad : {"shard=a b", "shard in a", "shard in (a", "=a", "shard=a,", "tier>x", "sh@rd=a",
                          "shard=-a", "Example.com/shard=a", "shard=a)"}) {
    const std::string message = error_of({"--label-selector", bad});
    EXPECT_EQ(message.rfind("--label-selector: invalid label selector", 0), 0u) << bad << ": " << message;
  }
}

}  // namespace
}  // namespace zpo
