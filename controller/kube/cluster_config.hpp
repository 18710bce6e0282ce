#pragma once
// Where the Kubernetes API server is and how to authenticate to it, from a kubeconfig file or from the pod's
// service account. Credentials are kept out of every message and of describe().

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace zpo::kube {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ClusterConfig {
  std::string server{};  // "https://host:port" or "http://host:port", no trailing slash
  // Bearer token given inline; empty when none.
  std::string token{};
  // Bearer token read from this file before every request whose last read is older than a minute (the
  // service-account token rotates); empty path when none. Takes precedence over `token`.
  std::filesystem::path token_file{};
  std::string client_certificate_pem{};  // client TLS certificate and key, PEM; empty when none
  std::string client_key_pem{};
  std::string certificate_authority_pem{};  // CA bundle, PEM; empty: the system's default trust store
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name{};  // SNI / verified host name override; empty: the server URL's host
  std::string default_namespace = "default";

  // "https://10.0.0.1:443 (token file /var/run/..., CA from kubeconfig)": for logs, never a secret.
  std::string describe() const;
};

// Reads a kubeconfig file: the current context (or `context` when given), its cluster (server,
// certificate-authority, certificate-authority-data, insecure-skip-tls-verify, tls-server-name) and user
// (token, tokenFile, client-certificate(-data), client-key(-data)). Relative file paths are relative to the
// kubeconfig's folder. Throws ConfigError naming what is missing or unsupported (exec/auth-provider plugins).
ClusterConfig load_kubeconfig(const std::filesystem::path& path,
                              const std::optional<std::string>& context = {});

// The pod's service account: KUBERNETES_SERVICE_HOST/PORT, the token file and ca.crt under `account_dir`
// (default /var/run/secrets/kubernetes.io/serviceaccount), the namespace file. Throws ConfigError when not in
// a pod.
ClusterConfig in_cluster_config(
    const std::filesystem::path& account_dir = "/var/run/secrets/kubernetes.io/serviceaccount");

// controller-runtime's order: the --kubeconfig flag, then $KUBECONFIG (first existing file of the list), then
// the in-cluster service account, then ~/.kube/config. Throws ConfigError listing what was tried.
ClusterConfig resolve_cluster_config(const std::optional<std::filesystem::path>& kubeconfig_flag);

}  // namespace zpo::kube
