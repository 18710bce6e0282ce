#include "bearer_tokens.hpp"

#include <fstream>
#include <sstream>

namespace kubeemu {

namespace {

// Compares without an early exit so the time taken does not tell how much of a guess was right.
bool equal_constant_time(const std::string& a, const std::string& b) {
  if (a.size() != b.size() || a.empty()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string trim_line_ends(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t'))
    s.pop_back();
  return s;
}

}  // namespace

BearerTokens::BearerTokens(std::vector<std::string> tokens, std::string token_file)
    : tokens_(std::move(tokens)), token_file_(std::move(token_file)) {
  std::lock_guard lock(mutex_);
  refresh_file_token();
}

void BearerTokens::refresh_file_token() {
  if (token_file_.empty()) return;
  std::error_code ec;
  const auto time = std::filesystem::last_write_time(token_file_, ec);
  if (ec) {
    file_token_.clear();  // a missing file accepts nothing
    return;
  }
  const auto size = std::filesystem::file_size(token_file_, ec);
  if (!ec && time == file_time_ && size == file_size_ && !file_token_.empty()) return;
  std::ifstream in(token_file_);
  std::stringstream content;
  content << in.rdbuf();
  file_token_ = trim_line_ends(content.str());
  file_time_ = time;
  file_size_ = ec ? 0 : size;
}

bool BearerTokens::accepts(const std::string& authorization) {
  if (!required()) return true;
  static const std::string prefix = "Bearer ";
  if (authorization.size() <= prefix.size() || authorization.compare(0, prefix.size(), prefix) != 0)
    return false;
  const std::string presented = authorization.substr(prefix.size());
  std::lock_guard lock(mutex_);
  for (const auto& t : tokens_) {
    if (equal_constant_time(presented, t)) return true;
  }
  refresh_file_token();
  return equal_constant_time(presented, file_token_);
}

std::string BearerTokens::first_token() {
  std::lock_guard lock(mutex_);
  if (!tokens_.empty()) return tokens_.front();
  refresh_file_token();
  return file_token_;
}

}  // namespace kubeemu
