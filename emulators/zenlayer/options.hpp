#pragma once
// Command-line flags of zenlayer-emulator.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "emulator_config.hpp"

namespace zenemu {

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  int threads = 2;
  bool log_calls = false;
  // HTTPS with this certificate chain and key (PEM files) when both are set; plain HTTP otherwise.
  std::string tls_cert_file{};
  std::string tls_key_file{};
  EmulatorConfig config;
};

// Returns nullopt after printing --help to stdout. Throws std::invalid_argument with a message for the user
// on a bad flag, or when no access key is given by flag or environment (env: the process environment to read
// ZENLAYERCLOUD_ACCESS_KEY_ID / ZENLAYERCLOUD_ACCESS_KEY_PASSWORD from).
std::optional<Options> parse_options(int argc, const char* const* argv,
                                     const std::map<std::string, std::string>& env);

}  // namespace zenemu
