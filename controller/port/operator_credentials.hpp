#pragma once
// The operator's own Zenlayer credentials: fixed ones (the environment), none, or the files accessKeyId and
// accessKeyPassword of a directory — a mounted Secret, whose files the kubelet replaces atomically when the
// Secret changes. The directory is read again at most once per `recheck` (not per call), so a rotated or
// repaired key is in use within seconds, without a restart. A directory that becomes unreadable is reported
// (the resources get InvalidCredentials naming the file); its last credentials are not used on, since the
// Secret no longer says they are the right ones.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "port/rfc3339.hpp"
#include "zenlayer/credentials.hpp"

namespace zpo::port {

class OperatorCredentials {
 public:
  // Fixed credentials, or none at all (then only resources with spec.credentialsSecretRef can be handled).
  explicit OperatorCredentials(std::optional<zenlayer::Credentials> fixed = std::nullopt);
  // Reads `dir` now and throws zenlayer::CredentialsError when it cannot (a wrong mount stops the start with
  // a clear error); later reads that fail are reported through problem() instead.
  static OperatorCredentials from_directory(std::filesystem::path dir, std::chrono::milliseconds recheck,
                                            Time now);

  // Reads the directory again if `recheck` has passed since the last read (fixed credentials never change).
  // Returns true when the credentials changed: a client made with the old ones should be replaced. Not
  // thread-safe: its owner serialises the calls.
  bool refresh(Time now);

  const std::optional<zenlayer::Credentials>& credentials() const { return credentials_; }
  // Why credentials() is empty, for the status (names a file or variable, never a value).
  const std::string& problem() const { return problem_; }
  // Increases with every change of the credentials, starting at 1 for the first ones.
  std::uint64_t version() const { return version_; }

 private:
  // Reads the files; returns whether the credentials differ from the ones held.
  bool read(Time now);

  std::optional<std::filesystem::path> dir_{};
  std::chrono::milliseconds recheck_{0};
  Time read_at_{};
  std::optional<zenlayer::Credentials> credentials_{};
  std::string problem_{};
  std::uint64_t version_ = 0;
};

}  // namespace zpo::port
