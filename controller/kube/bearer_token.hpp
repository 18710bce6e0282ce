#pragma once
// The bearer token sent with every request: inline, or read from a file that the kubelet rotates (a projected
// service-account token). As client-go's cached file token source, the file is re-read when the last read is
// older than a minute, and at once after a 401 (the token may have rotated under us).

#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>

namespace zpo::kube {

class BearerToken {
 public:
  static constexpr std::chrono::seconds kFileRefresh{60};

  BearerToken(std::string token, std::filesystem::path token_file);

  // The token to send now, empty when there is none. Throws TransportError when the token file has never been
  // readable (a later unreadable file keeps the last token: the kubelet replaces it atomically).
  std::string current();

  // After a 401: re-reads the token file; true when that gave a different token, so one retry is worth it.
  bool refresh_after_unauthorized();

 private:
  bool read_file_locked();

  std::mutex mutex_;
  std::string token_;
  const std::filesystem::path file_;
  std::chrono::steady_clock::time_point last_read_{};
  bool read_once_ = false;
};

}  // namespace zpo::kube
