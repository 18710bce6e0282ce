#pragma once
// The operator's command line: every flag with its safe default, parsed into one plain struct. main.cpp only
// wires what this returns.

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "runtime/log.hpp"

namespace zpo {

struct OperatorFlags {
  std::optional<std::string> kubeconfig{};
  std::string namespace_{};  // empty: every namespace
  // Only ZenlayerPorts with matching labels (Kubernetes selector syntax, checked at parse time): several
  // operators, each with its own selector and Lease, split the resources. Empty: all.
  std::string label_selector{};

  std::string zenlayer_endpoint = "https://console.zenlayer.com";
  std::optional<std::string> zenlayer_credentials_dir{};
  double zenlayer_qps = 10.0;
  double zenlayer_burst = 20.0;
  std::chrono::milliseconds zenlayer_timeout{30000};

  bool leader_elect = false;
  std::string
      leader_election_namespace{};  // empty: the pod's namespace, else the kubeconfig's, else "default"
  std::string leader_election_id = "zenlayer-port-operator";
  std::chrono::milliseconds lease_duration{15000};
  std::chrono::milliseconds renew_deadline{10000};
  std::chrono::milliseconds retry_period{2000};
  std::string identity{};  // empty: hostname_random

  std::string health_probe_bind_address = ":8081";
  std::string metrics_bind_address = ":8080";  // "0" disables

  int workers = 4;
  std::chrono::milliseconds resync_period{600000};
  std::chrono::milliseconds poll_interval{5000};
  std::chrono::milliseconds max_poll_interval{60000};
  std::chrono::milliseconds stuck_timeout{1800000};
  std::chrono::milliseconds error_retry_interval{300000};
  std::chrono::milliseconds terminate_grace{600000};

  runtime::LogFormat log_format = runtime::LogFormat::Json;
  runtime::LogLevel log_level = runtime::LogLevel::Info;
};

struct FlagsHelp {
  std::string text;  // --help was given: print this and exit 0
};
struct FlagsError {
  std::string message;  // print with the usage hint and exit 2
};

// Parses argv (argv[0] included). Never throws.
std::variant<OperatorFlags, FlagsHelp, FlagsError> parse_operator_flags(const std::vector<std::string>& args);

}  // namespace zpo
