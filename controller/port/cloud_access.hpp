#pragma once
// Which account a resource's port is reached with: the resource's credentialsSecretRef (a Secret in its
// namespace) or the operator's own credentials. Clients are cached per Secret resourceVersion, so a rotated
// Secret gets a new client and an unchanged one keeps its connection pool and rate limiter. Problems (no
// Secret, a missing key, no operator credentials) come back as a CredentialsProblem that lands on the status;
// no secret value ever appears in one.

#include <chrono>
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
                      std::optional<zenlayer::Credentials> operator_credentials, WallClock clock,
                      std::chrono::milliseconds secret_cache_ttl = std::chrono::seconds(30));

  // Throws CredentialsUnavailable; a failure to reach the API server propagates (kube::TransportError /
  // kube::StatusError other than 404), so the key backs off and retries.
  CloudAccess resolve(const PortResource& resource);

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
  };
  CloudAccess from_secret(const std::string& namespace_, const CredentialsSecretRef& ref);

  const SecretReader read_secret_;
  const CloudPortsMaker make_ports_;
  const WallClock clock_;
  const std::chrono::milliseconds ttl_;
  std::mutex mutex_;
  std::optional<CloudAccess> operator_access_{};
  std::optional<zenlayer::Credentials> operator_credentials_{};
  std::map<std::string, CachedSecret> secrets_{};  // by "namespace/name"
};

}  // namespace zpo::port
