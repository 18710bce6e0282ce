#include "port/cloud_access.hpp"

#include <utility>

#include "kube/base64.hpp"
#include "kube/rest_client.hpp"
#include "zenlayer/error.hpp"

namespace zpo::port {

CloudAccessResolver::CloudAccessResolver(SecretReader read_secret, CloudPortsMaker make_ports,
                                         OperatorCredentials operator_credentials, WallClock clock,
                                         std::chrono::milliseconds secret_cache_ttl)
    : read_secret_(std::move(read_secret)),
      make_ports_(std::move(make_ports)),
      clock_(std::move(clock)),
      ttl_(secret_cache_ttl),
      operator_credentials_(std::move(operator_credentials)) {}

CloudAccessResolver::CloudAccessResolver(SecretReader read_secret, CloudPortsMaker make_ports,
                                         std::optional<zenlayer::Credentials> operator_credentials,
                                         WallClock clock, std::chrono::milliseconds secret_cache_ttl)
    : CloudAccessResolver(std::move(read_secret), std::move(make_ports),
                          OperatorCredentials(std::move(operator_credentials)), std::move(clock),
                          secret_cache_ttl) {}

CloudAccess CloudAccessResolver::resolve(const PortResource& resource) {
  return resolve(resource.namespace_, resource.spec.credentials_secret_ref);
}

CloudAccess CloudAccessResolver::resolve(const std::string& namespace_,
                                         const std::optional<CredentialsSecretRef>& ref) {
  return ref ? from_secret(namespace_, *ref) : from_operator();
}

CloudAccess CloudAccessResolver::from_operator() {
  std::lock_guard lock(mutex_);
  operator_credentials_.refresh(clock_());
  const auto& credentials = operator_credentials_.credentials();
  if (!credentials) {
    operator_access_.reset();
    throw CredentialsUnavailable(CredentialsProblem{"InvalidCredentials", operator_credentials_.problem()});
  }
  const std::uint64_t version = operator_credentials_.version();
  if (!operator_access_ || operator_version_ != version) {
    // A new identity too, so the observer never batches ports of the old and the new client together.
    operator_access_ = CloudAccess{make_ports_(*credentials),
                                   version <= 1 ? "operator" : "operator#" + std::to_string(version)};
    operator_version_ = version;
  }
  return *operator_access_;
}

namespace {

// The decoded value of data[key], or nullopt when absent or not base64.
std::optional<std::string> secret_value(const nlohmann::json& secret, const std::string& key) {
  const auto data = secret.find("data");
  if (data == secret.end() || !data->is_object()) return std::nullopt;
  const auto value = data->find(key);
  if (value == data->end() || !value->is_string()) return std::nullopt;
  return kube::decode_base64(value->get<std::string>());
}

// The client made from a Secret's key, watched: when the cloud refuses the key, the flag it shares with the
// resolver's cache entry makes the next resolve read the Secret again.
class KeyRefusalWatch final : public CloudPorts {
 public:
  KeyRefusalWatch(std::shared_ptr<CloudPorts> ports, std::shared_ptr<std::atomic<bool>> refused)
      : ports_(std::move(ports)), refused_(std::move(refused)) {}

  zenlayer::PortList describe(const std::vector<std::string>& port_ids,
                              const std::stop_token& stop) override {
    return watch([&] { return ports_->describe(port_ids, stop); });
  }
  zenlayer::PortList find(const std::string& dc_id, const std::string& port_name,
                          const std::stop_token& stop) override {
    return watch([&] { return ports_->find(dc_id, port_name, stop); });
  }
  zenlayer::Reply<std::string> create(const zenlayer::CreatePortRequest& request,
                                      const std::stop_token& stop) override {
    return watch([&] { return ports_->create(request, stop); });
  }
  std::string modify(const zenlayer::PortAttributes& attributes, const std::stop_token& stop) override {
    return watch([&] { return ports_->modify(attributes, stop); });
  }
  std::string renew(const std::string& port_id, const std::stop_token& stop) override {
    return watch([&] { return ports_->renew(port_id, stop); });
  }
  std::string terminate(const std::string& port_id, const std::stop_token& stop) override {
    return watch([&] { return ports_->terminate(port_id, stop); });
  }
  std::string destroy(const std::string& port_id, const std::stop_token& stop) override {
    return watch([&] { return ports_->destroy(port_id, stop); });
  }

 private:
  template <typename Call>
  auto watch(const Call& call) -> decltype(call()) {
    try {
      return call();
    } catch (const zenlayer::ApiError& error) {
      if (error.error_class() == zenlayer::ErrorClass::Auth) refused_->store(true);
      throw;
    }
  }

  const std::shared_ptr<CloudPorts> ports_;
  const std::shared_ptr<std::atomic<bool>> refused_;
};

}  // namespace

CloudAccess CloudAccessResolver::from_secret(const std::string& namespace_, const CredentialsSecretRef& ref) {
  const std::string key = namespace_ + "/" + ref.name;
  const Time now = clock_();
  {
    std::lock_guard lock(mutex_);
    auto it = secrets_.find(key);
    if (it != secrets_.end() && it->second.refused && !it->second.refused->load() &&
        now - it->second.read_at < ttl_ && it->second.id_key == ref.access_key_id_key &&
        it->second.password_key == ref.access_key_password_key) {
      it->second.used_at = now;
      return it->second.access;
    }
  }
  nlohmann::json secret;
  try {
    secret = read_secret_("/api/v1/namespaces/" + namespace_ + "/secrets/" + ref.name);
  } catch (const kube::StatusError& error) {
    if (!error.not_found()) throw;
    std::lock_guard lock(mutex_);
    secrets_.erase(key);
    throw CredentialsUnavailable(CredentialsProblem{
        "CredentialsSecretNotFound", "Secret " + ref.name + " (spec.credentialsSecretRef) was not found"});
  }
  const std::string version = secret.value("/metadata/resourceVersion"_json_pointer, std::string());
  std::lock_guard lock(mutex_);
  auto& cached = secrets_[key];
  if (cached.access.ports && cached.resource_version == version && cached.id_key == ref.access_key_id_key &&
      cached.password_key == ref.access_key_password_key) {
    // Unchanged: the same client, and a refused key is tried again (the cloud says whether it still is).
    cached.read_at = now;
    cached.used_at = now;
    cached.refused->store(false);
    return cached.access;
  }
  const auto id = secret_value(secret, ref.access_key_id_key);
  const auto password = secret_value(secret, ref.access_key_password_key);
  for (const auto& [value, name] :
       {std::pair{&id, &ref.access_key_id_key}, {&password, &ref.access_key_password_key}}) {
    if (!*value || (*value)->empty()) {
      secrets_.erase(key);
      throw CredentialsUnavailable(CredentialsProblem{
          "InvalidCredentials", "Secret " + ref.name + " has no non-empty base64 value under data." + *name});
    }
  }
  zenlayer::Credentials credentials{*id, zenlayer::SecretString(*password)};
  auto refused = std::make_shared<std::atomic<bool>>(false);
  auto ports = std::make_shared<KeyRefusalWatch>(make_ports_(credentials), refused);
  cached = CachedSecret{version,
                        ref.access_key_id_key,
                        ref.access_key_password_key,
                        now,
                        now,
                        CloudAccess{std::move(ports), "secret:" + key + "@" + version},
                        std::move(refused)};
  return cached.access;
}

void CloudAccessResolver::prune(std::chrono::milliseconds older_than) {
  const Time now = clock_();
  std::lock_guard lock(mutex_);
  std::erase_if(secrets_, [&](const auto& entry) { return now - entry.second.used_at > older_than; });
}

}  // namespace zpo::port
