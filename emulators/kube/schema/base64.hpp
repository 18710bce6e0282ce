#pragma once
// Standard base64 (RFC 4648 with padding), as Go's encoding/json reads and writes []byte fields such as
// Secret data.

#include <optional>
#include <string>

namespace kubeemu {

std::string base64_encode(const std::string& bytes);
// nullopt and the offset of the first bad byte (Go's "illegal base64 data at input byte N") when malformed.
std::optional<std::string> base64_decode(const std::string& text, std::size_t* bad_offset = nullptr);

}  // namespace kubeemu
