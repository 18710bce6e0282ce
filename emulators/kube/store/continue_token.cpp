#include "continue_token.hpp"

#include <openssl/evp.h>

#include <algorithm>

#include "status_error.hpp"

namespace kubeemu {
namespace {

[[noreturn]] void invalid(const std::string& why) {
  throw StatusError::bad_request("continue key is not valid: " + why);
}

}  // namespace

std::string encode_continue(const ContinueToken& token) {
  const std::string raw = json{
      {"v", "meta.k8s.io/v1"},
      {"rv", token.resource_version},
      {"start", token.ns + "/" + token.name +
                    '\0'}}.dump();
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(raw.size()));
  out.resize(static_cast<std::size_t>(n));
  // base64url without padding, so the token survives a query string even when a client forgets to escape it.
  std::replace(out.begin(), out.end(), '+', '-');
  std::replace(out.begin(), out.end(), '/', '_');
  out.erase(out.find_last_not_of('=') + 1);
  return out;
}

ContinueToken decode_continue(const std::string& text) {
  std::string b64 = text;
  std::replace(b64.begin(), b64.end(), '-', '+');
  std::replace(b64.begin(), b64.end(), '_', '/');
  const std::size_t padding = (4 - b64.size() % 4) % 4;
  if (padding == 3 || b64.empty()) invalid("incorrect encoding");
  b64.append(padding, '=');
  std::string raw(b64.size() / 4 * 3, '\0');
  const int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(raw.data()),
                      reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
  if (n < 0) invalid("incorrect encoding");
  raw.resize(static_cast<std::size_t>(n) - padding);
  const json doc = json::parse(raw, nullptr, false);
  if (!doc.is_object() || doc.value("v", "") != "meta.k8s.io/v1" || !doc.contains("rv") ||
      !doc["rv"].is_number_unsigned() || !doc.contains("start") || !doc["start"].is_string())
    invalid("incorrect encoding");
  std::string start = doc["start"].get<std::string>();
  if (!start.empty() && start.back() == '\0') start.pop_back();
  const std::size_t slash = start.find('/');
  if (slash == std::string::npos) invalid("incorrect encoding");
  return {doc["rv"].get<uint64_t>(), start.substr(0, slash), start.substr(slash + 1)};
}

}  // namespace kubeemu
