#pragma once
// The files a client needs to reach the emulator: a kubeconfig (for kubectl and the operator run outside a
// cluster) and a service-account directory laid out as a pod's mount (for the operator's in-cluster config).

#include <string>

namespace kubeemu {

struct ClientAccess {
  std::string server_url;  // http://127.0.0.1:PORT or https://...
  std::string ca_pem;      // "" without TLS
  std::string token;       // "" without token authentication
  std::string ns = "default";
};

// One cluster, user and context named kube-emulator. With TLS: certificate-authority-data (base64 of the CA
// PEM); without: insecure-skip-tls-verify: true (client-node refuses http:// servers otherwise). The user has
// `token` when one is set.
std::string kubeconfig_yaml(const ClientAccess& access);
void write_kubeconfig(const ClientAccess& access, const std::string& path);

// Writes `token`, `namespace` and (with TLS) `ca.crt` into `dir`, creating it.
void write_service_account_dir(const ClientAccess& access, const std::string& dir);

}  // namespace kubeemu
