// The kubeconfig loader on any file content. It must either give a usable configuration or throw ConfigError
// (the operator prints it and exits): no other exception, no crash. A configuration it gives has a server
// without a trailing '/', a client certificate only with its key, and a describe() that never shows the
// token.
//
// The file is written to a directory of its own, which relative paths in the kubeconfig resolve against.
// Inputs naming /dev or /proc are skipped: a kubeconfig may name any file it likes, and reading /dev/zero
// forever is what was asked for, not a bug of the loader.

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kube/cluster_config.hpp"

namespace {

namespace fs = std::filesystem;
using zpo::kube::ClusterConfig;
using zpo::kube::ConfigError;

constexpr const char* kSecretMarker = "zpo-secret";

[[noreturn]] void fail(const std::string& why) {
  std::cerr << "invariant violated: " << why << "\n";
  std::abort();
}

const fs::path& work_dir() {
  static const fs::path dir = [] {
    auto path = fs::temp_directory_path() / ("zpo-fuzz-kubeconfig-" + std::to_string(::getpid()));
    fs::create_directories(path);
    return path;
  }();
  return dir;
}

// The secrets of a kubeconfig that parses as YAML: values of token, password and client-key-data fields that
// carry kSecretMarker (the seeds' secrets do), found nowhere else in the file (a secret that is also a name
// may be shown as the name). The marker keeps a fuzzed secret from matching the loader's own words ("has no
// server"), which rightly appear in its messages.
std::vector<std::string> secrets_of(const std::string& content) {
  YAML::Node root;
  try {
    root = YAML::Load(content);
  } catch (const YAML::Exception&) {
    return {};
  }
  std::vector<std::string> secrets;
  std::multiset<std::string> scalars;
  const auto walk = [&](const auto& self, const YAML::Node& node) -> void {
    if (node.IsScalar()) {
      scalars.insert(node.Scalar());
    } else if (node.IsSequence()) {
      for (const auto& item : node)
        self(self, item);
    } else if (node.IsMap()) {
      for (const auto& entry : node) {
        self(self, entry.first);
        self(self, entry.second);
        const auto key = entry.first.IsScalar() ? entry.first.Scalar() : std::string();
        if ((key == "token" || key == "password" || key == "client-key-data") && entry.second.IsScalar() &&
            entry.second.Scalar().find(kSecretMarker) != std::string::npos) {
          secrets.push_back(entry.second.Scalar());
        }
      }
    }
  };
  walk(walk, root);
  std::vector<std::string> unique;
  for (const auto& secret : secrets) {
    bool elsewhere = scalars.count(secret) > 1;
    for (const auto& other : scalars)
      elsewhere = elsewhere || (other != secret && other.find(secret) != std::string::npos);
    if (!elsewhere) unique.push_back(secret);
  }
  return unique;
}

void check_no_secret(const std::string& text, const std::vector<std::string>& secrets, const char* where) {
  for (const auto& secret : secrets) {
    if (text.find(secret) != std::string::npos) fail(std::string(where) + " shows a secret: " + text);
  }
}

void check(const ClusterConfig& config, const std::vector<std::string>& secrets) {
  if (config.server.empty() || config.server.back() == '/') fail("server '" + config.server + "'");
  if (config.client_certificate_pem.empty() != config.client_key_pem.empty()) fail("certificate without key");
  if (config.default_namespace.empty()) fail("empty default namespace");
  check_no_secret(config.describe(), secrets, "describe()");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view content(reinterpret_cast<const char*>(data), size);
  if (content.find("/dev") != std::string_view::npos || content.find("/proc") != std::string_view::npos ||
      content.find("/sys") != std::string_view::npos) {
    return 0;
  }
  const fs::path path = work_dir() / "config";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  }
  const auto secrets = secrets_of(std::string(content));
  for (const auto& context : {std::optional<std::string>(), std::optional<std::string>("fuzz")}) {
    try {
      check(zpo::kube::load_kubeconfig(path, context), secrets);
    } catch (const ConfigError& e) {
      check_no_secret(e.what(), secrets, "an error");  // the operator prints it and exits
    }
  }
  return 0;
}
