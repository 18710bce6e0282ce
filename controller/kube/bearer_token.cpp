#include "kube/bearer_token.hpp"

#include <fstream>
#include <sstream>

#include "kube/rest_client.hpp"

namespace zpo::kube {

BearerToken::BearerToken(std::string token, std::filesystem::path token_file)
    : token_(std::move(token)), file_(std::move(token_file)) {}

bool BearerToken::read_file_locked() {
  std::ifstream in(file_, std::ios::binary);
  if (!in) return false;
  std::stringstream content;
  content << in.rdbuf();
  std::string token = content.str();
  const auto end = token.find_last_not_of(" \t\r\n");
  token.erase(end == std::string::npos ? 0 : end + 1);
  if (token.empty()) return false;  // caught mid-rewrite: keep the last token
  token_ = std::move(token);
  last_read_ = std::chrono::steady_clock::now();
  read_once_ = true;
  return true;
}

std::string BearerToken::current() {
  std::lock_guard lock(mutex_);
  if (file_.empty()) return token_;
  if (!read_once_ || std::chrono::steady_clock::now() - last_read_ >= kFileRefresh) {
    if (!read_file_locked() && !read_once_)
      throw TransportError("cannot read the token file " + file_.string());
  }
  return token_;
}

bool BearerToken::refresh_after_unauthorized() {
  std::lock_guard lock(mutex_);
  if (file_.empty()) return false;
  const std::string before = token_;
  return read_file_locked() && token_ != before;
}

}  // namespace zpo::kube
