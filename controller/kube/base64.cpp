#include "kube/base64.hpp"

#include <openssl/evp.h>

#include <cctype>
#include <vector>

namespace zpo::kube {

std::optional<std::string> decode_base64(std::string_view text) {
  std::string compact;
  compact.reserve(text.size());
  for (const char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) == 0) compact.push_back(c);
  }
  if (compact.size() % 4 == 1) return std::nullopt;
  while (compact.size() % 4 != 0)
    compact.push_back('=');
  if (compact.empty()) return std::string();

  std::vector<unsigned char> out(compact.size() / 4 * 3);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(compact.data()),
                                static_cast<int>(compact.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the zero bytes that stand for the padding: drop one per '='.
  std::size_t size = static_cast<std::size_t>(n);
  for (auto it = compact.rbegin(); it != compact.rend() && *it == '=' && size > 0; ++it)
    --size;
  return std::string(reinterpret_cast<const char*>(out.data()), size);
}

}  // namespace zpo::kube
