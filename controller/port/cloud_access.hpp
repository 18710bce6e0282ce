#pragma once
// Which account a resource's port is reached with: the resource's credentialsSecretRef (a Secret in its
// namespace) or the operator's own credentials. Clients are cached per Secret resourceVersion, so a rotated
// Secret gets a new client and an unchanged one keeps its connection pool and rate limiter; the operator's
// own credentials get a new client when their files change. Problems (no Secret, a missing key, no operator
// credentials) come back as a CredentialsProblem that lands on the status; no secret value ever appears in
// one.
//
// Recovery without a restart: a Secret is read again once its cache entry is older than the TTL, or at once
// after the cloud refused its key (an Auth error): a repaired Secret is then used at the next retry of the
// resource (--error-retry-interval), and the API server sees at most one GET per retry, not one per call.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "port/cloud_ports.hpp"
#include "port/observation.hpp"
#include "port/operator_credentials.hpp"
#include "port/zenlayer_port.hpp"
#include "zenlayer/credentials.hpp"

namespace zpo::port {

struct CloudAccess {
  std::shared_ptr<CloudPorts> ports{};
  // Ports of one identity are described together: "operator" or
  // "secret:<namespace>/<name>@<resourceVersion>".
  std::string identity{};
};

class CredentialsUnavailable : public std::runtime_error {
 public:
  explicit CredentialsUnavailable(CredentialsProblem problem)
      : std::runtime_error(problem.message), problem_(std::move(problem)) {}
  const CredentialsProblem& problem() const { return problem_; }

 private:
  CredentialsProblem problem_;
};

// A Secret is read through this (a GET of the API path); it throws kube::StatusError (404 when absent) or
// kube::TransportError.
using SecretReader = std::function<nlohmann::json(const std::string& path)>;
// Makes the cloud client for one set of credentials.
using CloudPortsMaker = std::function<std::shared_ptr<CloudPorts>(const zenlayer::Credentials&)>;
using WallClock = std::function<Time()>;

class CloudAccessResolver {
 public:
  CloudAccessResolver(SecretReader read_secret, CloudPortsMaker make_ports,
                      OperatorCredentials operator_credentials, WallClock clock,
                      std::chrono::milliseconds secret_cache_ttl = std::chrono::seconds(30));
  // Fixed operator credentials (or none).
  CloudAccessResolver(SecretReader read_secret, CloudPortsMaker make_ports,
                      std::optional<zenlayer::Credentials> operator_credentials, WallClock clock,
                      std::chrono::milliseconds secret_cache_ttl = std::chrono::seconds(30));

  // Throws CredentialsUnavailable; a failure to reach the API server propagates (kube::TransportError /
  // kube::StatusError other than 404), so the key backs off and retries.
  CloudAccess resolve(const PortResource& resource);
  // The same from what resolving reads of a resource: its namespace and spec.credentialsSecretRef.
  CloudAccess resolve(const std::string& namespace_, const std::optional<CredentialsSecretRef>& ref);

  // Drops cached clients of Secrets not used for `older_than` (memory stays bounded as resources come and
  // go).
  void prune(std::chrono::milliseconds older_than);

 private:
  struct CachedSecret {
    std::string resource_version{};
    std::string id_key{};
    std::string password_key{};
    Time read_at{};
    Time used_at{};
    CloudAccess access{};
    // Set by the client when the cloud refuses this key (ErrorClass::Auth): the Secret is read again at the
    // next resolve instead of when the TTL runs out.
    std::shared_ptr<std::atomic<bool>> refused{};
  };
  CloudAccess from_secret(const std::string& namespace_, const CredentialsSecretRef& ref);
  CloudAccess from_operator();

  const SecretReader read_secret_;
  const CloudPortsMaker make_ports_;
  const WallClock clock_;
  const std::chrono::milliseconds ttl_;
  std::mutex mutex_;
  OperatorCredentials operator_credentials_;
  std::optional<CloudAccess> operator_access_{};  // made from operator_credentials_ at operator_version_
  std::uint64_t operator_version_ = 0;
  std::map<std::string, CachedSecret> secrets_{};  // by "namespace/name"
};

}  // namespace zpo::port
