#include "kube/cluster_config.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "kube/base64.hpp"

namespace zpo::kube {

namespace fs = std::filesystem;

namespace {

// The file's bytes; `what` names it in the error ("certificate-authority file"), never its content.
std::string read_file(const fs::path& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("cannot read " + what + " " + path.string());
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string trimmed(std::string s) {
  const auto end = s.find_last_not_of(" \t\r\n");
  s.erase(end == std::string::npos ? 0 : end + 1);
  return s;
}

// The entry of a kubeconfig list (clusters, contexts, users) called `name`: its inner map
// (cluster/context/user).
std::optional<YAML::Node> find_named(const YAML::Node& root, const std::string& list,
                                     const std::string& inner, const std::string& name) {
  const YAML::Node entries = root[list];
  if (entries && entries.IsSequence()) {
    for (const auto& entry : entries) {
      if (entry["name"] && entry["name"].as<std::string>() == name) {
        const YAML::Node node = entry[inner];
        return node && node.IsMap() ? node : YAML::Node(YAML::NodeType::Map);
      }
    }
  }
  return std::nullopt;
}

std::string scalar(const YAML::Node& map, const char* key) {
  const YAML::Node node = map[key];
  return node && node.IsScalar() ? node.as<std::string>() : std::string();
}

// A `*-data` field (base64) or its file twin (relative to the kubeconfig's folder); empty when neither is
// set.
std::string data_or_file(const YAML::Node& map, const std::string& key, const fs::path& base_dir,
                         const std::string& owner) {
  const std::string data = scalar(map, (key + "-data").c_str());
  if (!data.empty()) {
    auto decoded = decode_base64(data);
    if (!decoded) throw ConfigError(owner + ": " + key + "-data is not valid base64");
    return std::move(*decoded);
  }
  const std::string file = scalar(map, key.c_str());
  if (file.empty()) return {};
  return read_file(base_dir / file, owner + ": " + key + " file");
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::string::size_type start = 0;
  while (true) {
    const auto end = s.find(sep, start);
    parts.push_back(s.substr(start, end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

}  // namespace

std::string ClusterConfig::describe() const {
  std::vector<std::string> parts;
  if (!token_file.empty()) {
    parts.push_back("token file " + token_file.string());
  } else if (!token.empty()) {
    parts.push_back("bearer token");
  }
  if (!client_certificate_pem.empty()) parts.push_back("client certificate");
  if (parts.empty()) parts.push_back("no credentials");
  if (server.rfind("https://", 0) == 0) {
    if (insecure_skip_tls_verify) {
      parts.push_back("TLS verification disabled");
    } else {
      parts.push_back(certificate_authority_pem.empty() ? "system CAs" : "configured CA");
    }
    if (!tls_server_name.empty()) parts.push_back("server name " + tls_server_name);
  }
  std::string out = server + " (";
  for (std::size_t i = 0; i < parts.size(); ++i)
    out += (i == 0 ? "" : ", ") + parts[i];
  return out + ")";
}

ClusterConfig load_kubeconfig(const fs::path& path, const std::optional<std::string>& context) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path.string());
  } catch (const YAML::BadFile&) {
    throw ConfigError("cannot read kubeconfig " + path.string());
  } catch (const YAML::Exception& e) {
    // yaml-cpp's message gives the position and the kind of error, not the file's content.
    throw ConfigError("kubeconfig " + path.string() + " is not valid YAML: " + e.what());
  }
  const std::string where = "kubeconfig " + path.string();
  if (!root.IsMap()) throw ConfigError(where + " is not a YAML map");
  const fs::path base_dir = path.parent_path();

  try {
    const std::string context_name = context ? *context : scalar(root, "current-context");
    if (context_name.empty()) throw ConfigError(where + " has no current-context and none was given");
    const auto found_ctx = find_named(root, "contexts", "context", context_name);
    if (!found_ctx) throw ConfigError(where + " has no context \"" + context_name + "\"");
    const YAML::Node ctx = *found_ctx;

    const std::string cluster_name = scalar(ctx, "cluster");
    if (cluster_name.empty())
      throw ConfigError(where + ": context \"" + context_name + "\" names no cluster");
    const auto found_cluster = find_named(root, "clusters", "cluster", cluster_name);
    if (!found_cluster) throw ConfigError(where + " has no cluster \"" + cluster_name + "\"");
    const YAML::Node cluster = *found_cluster;

    ClusterConfig config;
    const std::string cluster_owner = "cluster \"" + cluster_name + "\"";
    config.server = scalar(cluster, "server");
    while (!config.server.empty() && config.server.back() == '/')
      config.server.pop_back();
    if (config.server.empty()) throw ConfigError(where + ": " + cluster_owner + " has no server");
    config.certificate_authority_pem =
        data_or_file(cluster, "certificate-authority", base_dir, cluster_owner);
    if (cluster["insecure-skip-tls-verify"]) {
      config.insecure_skip_tls_verify = cluster["insecure-skip-tls-verify"].as<bool>();
    }
    config.tls_server_name = scalar(cluster, "tls-server-name");

    const std::string user_name = scalar(ctx, "user");
    if (!user_name.empty()) {
      const auto found_user = find_named(root, "users", "user", user_name);
      if (!found_user) throw ConfigError(where + " has no user \"" + user_name + "\"");
      const YAML::Node user = *found_user;
      const std::string user_owner = "user \"" + user_name + "\"";
      if (user["exec"]) {
        throw ConfigError(user_owner + " uses an exec plugin, which zenlayer-port-operator does not support");
      }
      if (user["auth-provider"]) {
        throw ConfigError(user_owner +
                          " uses an auth-provider plugin, which zenlayer-port-operator does not support");
      }
      if (user["username"] || user["password"]) {
        throw ConfigError(user_owner +
                          " uses basic authentication, which zenlayer-port-operator does not support");
      }
      config.token = scalar(user, "token");
      const std::string token_file = scalar(user, "tokenFile");
      if (!token_file.empty()) config.token_file = base_dir / token_file;
      config.client_certificate_pem = data_or_file(user, "client-certificate", base_dir, user_owner);
      config.client_key_pem = data_or_file(user, "client-key", base_dir, user_owner);
      if (config.client_certificate_pem.empty() != config.client_key_pem.empty()) {
        throw ConfigError(where + ": " + user_owner +
                          " has a client certificate without a key or a key without a "
                          "certificate");
      }
    }

    const std::string ns = scalar(ctx, "namespace");
    if (!ns.empty()) config.default_namespace = ns;
    return config;
  } catch (const YAML::Exception& e) {
    throw ConfigError(where + " has an unexpected shape: " + e.what());
  }
}

ClusterConfig in_cluster_config(const fs::path& account_dir) {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (host == nullptr || *host == '\0' || port == nullptr || *port == '\0') {
    throw ConfigError(
        "not running in a pod: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set");
  }
  ClusterConfig config;
  const std::string h = host;
  config.server = "https://" + (h.find(':') != std::string::npos ? "[" + h + "]" : h) + ":" + port;
  config.token_file = account_dir / "token";
  if (!fs::exists(config.token_file)) {
    throw ConfigError("service account token " + config.token_file.string() + " does not exist");
  }
  // As client-go: without ca.crt the system's trust store is used.
  if (fs::exists(account_dir / "ca.crt")) {
    config.certificate_authority_pem = read_file(account_dir / "ca.crt", "service account CA");
  }
  if (fs::exists(account_dir / "namespace")) {
    const std::string ns = trimmed(read_file(account_dir / "namespace", "service account namespace"));
    if (!ns.empty()) config.default_namespace = ns;
  }
  return config;
}

ClusterConfig resolve_cluster_config(const std::optional<fs::path>& kubeconfig_flag) {
  if (kubeconfig_flag) return load_kubeconfig(*kubeconfig_flag);

  std::vector<std::string> tried{"--kubeconfig (not given)"};
  if (const char* list = std::getenv("KUBECONFIG"); list != nullptr && *list != '\0') {
    for (const auto& entry : split(list, ':')) {
      if (!entry.empty() && fs::is_regular_file(entry)) return load_kubeconfig(entry);
    }
    tried.push_back("$KUBECONFIG (no existing file in \"" + std::string(list) + "\")");
  } else {
    tried.push_back("$KUBECONFIG (unset)");
  }
  if (const char* host = std::getenv("KUBERNETES_SERVICE_HOST"); host != nullptr && *host != '\0') {
    return in_cluster_config();
  }
  tried.push_back("in-cluster service account (KUBERNETES_SERVICE_HOST unset)");
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    const fs::path default_path = fs::path(home) / ".kube" / "config";
    if (fs::is_regular_file(default_path)) return load_kubeconfig(default_path);
    tried.push_back(default_path.string() + " (does not exist)");
  } else {
    tried.push_back("~/.kube/config ($HOME unset)");
  }
  std::string message = "no Kubernetes API configuration found; tried ";
  for (std::size_t i = 0; i < tried.size(); ++i)
    message += (i == 0 ? "" : ", ") + tried[i];
  throw ConfigError(message);
}

}  // namespace zpo::kube
