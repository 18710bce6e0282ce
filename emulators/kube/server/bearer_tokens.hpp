#pragma once
// Bearer token authentication: `Authorization: Bearer T` must name one of the --token values or the current
// content of --token-file, which is re-read when it changes (a rotating service-account token). Thread-safe.

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace kubeemu {

class BearerTokens {
 public:
  BearerTokens(std::vector<std::string> tokens, std::string token_file);

  // False when neither tokens nor a token file were given: every request is allowed.
  bool required() const { return !tokens_.empty() || !token_file_.empty(); }
  // The whole Authorization header value, e.g. "Bearer abc".
  bool accepts(const std::string& authorization);
  // The first --token, else the token file's content, else "" (for the written kubeconfig).
  std::string first_token();

 private:
  void refresh_file_token();  // called with mutex_ held

  std::mutex mutex_;
  std::vector<std::string> tokens_;
  std::string token_file_;
  std::filesystem::file_time_type file_time_{};
  std::uintmax_t file_size_ = 0;
  std::string file_token_;
};

}  // namespace kubeemu
