#include "port/cloud_access.hpp"

#include <utility>

#include "kube/base64.hpp"
#include "kube/rest_client.hpp"

namespace zpo::port {

CloudAccessResolver::CloudAccessResolver(SecretReader read_secret, CloudPortsMaker make_ports,
                                         std::optional<zenlayer::Credentials> operator_credentials,
                                         WallClock clock, std::chrono::milliseconds secret_cache_ttl)
    : read_secret_(std::move(read_secret)),
      make_ports_(std::move(make_ports)),
      clock_(std::move(clock)),
      ttl_(secret_cache_ttl),
      operator_credentials_(std::move(operator_credentials)) {}

CloudAccess CloudAccessResolver::resolve(const PortResource& resource) {
  if (resource.spec.credentials_secret_ref) {
    return from_secret(resource.namespace_, *resource.spec.credentials_secret_ref);
  }
  std::lock_guard lock(mutex_);
  if (!operator_credentials_) {
    throw CredentialsUnavailable(CredentialsProblem{
        "InvalidCredentials",
        "the operator has no Zenlayer credentials of its own (ZENLAYERCLOUD_ACCESS_KEY_ID / "
        "ZENLAYERCLOUD_ACCESS_KEY_PASSWORD or --zenlayer-credentials-dir) and spec.credentialsSecretRef is "
        "not set"});
  }
  if (!operator_access_) operator_access_ = CloudAccess{make_ports_(*operator_credentials_), "operator"};
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

}  // namespace

CloudAccess CloudAccessResolver::from_secret(const std::string& namespace_, const CredentialsSecretRef& ref) {
  const std::string key = namespace_ + "/" + ref.name;
  const Time now = clock_();
  {
    std::lock_guard lock(mutex_);
    auto it = secrets_.find(key);
    if (it != secrets_.end() && now - it->second.read_at < ttl_ &&
        it->second.id_key == ref.access_key_id_key &&
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
    cached.read_at = now;
    cached.used_at = now;
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
  cached = CachedSecret{version,
                        ref.access_key_id_key,
                        ref.access_key_password_key,
                        now,
                        now,
                        CloudAccess{make_ports_(credentials), "secret:" + key + "@" + version}};
  return cached.access;
}

void CloudAccessResolver::prune(std::chrono::milliseconds older_than) {
  const Time now = clock_();
  std::lock_guard lock(mutex_);
  std::erase_if(secrets_, [&](const auto& entry) { return now - entry.second.used_at > older_than; });
}

}  // namespace zpo::port
