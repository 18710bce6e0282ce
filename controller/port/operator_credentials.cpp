#include "port/operator_credentials.hpp"

#include <utility>

#include "runtime/log.hpp"

namespace zpo::port {

namespace {

constexpr const char* kNoCredentials =
    "the operator has no Zenlayer credentials of its own (ZENLAYERCLOUD_ACCESS_KEY_ID / "
    "ZENLAYERCLOUD_ACCESS_KEY_PASSWORD or --zenlayer-credentials-dir) and spec.credentialsSecretRef is not "
    "set";

bool same(const std::optional<zenlayer::Credentials>& a, const std::optional<zenlayer::Credentials>& b) {
  if (!a || !b) return a.has_value() == b.has_value();
  return a->access_key_id == b->access_key_id && a->access_key_password == b->access_key_password;
}

}  // namespace

OperatorCredentials::OperatorCredentials(std::optional<zenlayer::Credentials> fixed)
    : credentials_(std::move(fixed)),
      problem_(credentials_ ? "" : kNoCredentials),
      version_(credentials_ ? 1 : 0) {}

OperatorCredentials OperatorCredentials::from_directory(std::filesystem::path dir,
                                                        std::chrono::milliseconds recheck, Time now) {
  OperatorCredentials result;
  result.credentials_ = zenlayer::Credentials::from_directory(dir);  // throws: the start fails
  result.problem_.clear();
  result.version_ = 1;
  result.dir_ = std::move(dir);
  result.recheck_ = recheck;
  result.read_at_ = now;
  return result;
}

bool OperatorCredentials::refresh(Time now) {
  // A clock stepped backwards counts as due, so a wrong wall clock never freezes the credentials.
  if (!dir_ || (now >= read_at_ && now - read_at_ < recheck_)) return false;
  return read(now);
}

bool OperatorCredentials::read(Time now) {
  std::optional<zenlayer::Credentials> fresh;
  std::string problem;
  try {
    fresh = zenlayer::Credentials::from_directory(*dir_);
  } catch (const zenlayer::CredentialsError& e) {
    problem =
        "the operator's credentials in --zenlayer-credentials-dir cannot be read: " + std::string(e.what());
  }
  if (fresh) {
    // The id and the password are two file reads: a kubelet swap between them gives a mixed pair. Take the
    // pair only when a second read agrees; otherwise keep what we have and read again at the next resolve.
    try {
      if (!same(fresh, zenlayer::Credentials::from_directory(*dir_))) return false;
    } catch (const zenlayer::CredentialsError&) {
      return false;
    }
  }
  if (problem != problem_ && !problem.empty())
    runtime::log_warn("operator credentials unreadable; resources without credentialsSecretRef wait for them",
                      {runtime::field("error", problem)});
  read_at_ = now;
  problem_ = std::move(problem);
  if (same(fresh, credentials_)) return false;
  credentials_ = std::move(fresh);
  if (!credentials_) return true;
  ++version_;
  runtime::log_info("operator credentials changed; a new Zenlayer client is used from now on",
                    {runtime::field("accessKeyId", credentials_->access_key_id),
                     runtime::field("version", static_cast<long long>(version_))});
  return true;
}

}  // namespace zpo::port
