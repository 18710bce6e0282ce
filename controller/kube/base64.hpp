#pragma once
// Base64 decoding for the kubeconfig's `*-data` fields (OpenSSL's EVP_DecodeBlock, which neither skips line
// breaks nor reports how much of its output is padding: both are handled here).

#include <optional>
#include <string>
#include <string_view>

namespace zpo::kube {

// The decoded bytes, or nullopt when `text` is not base64. Whitespace is ignored; missing '=' padding is
// accepted.
std::optional<std::string> decode_base64(std::string_view text);

}  // namespace zpo::kube
