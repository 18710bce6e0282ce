#pragma once
// ZC2-HMAC-SHA256, the request signature of Zenlayer Cloud API 2.0, as pure functions. Each step is exposed
// so the official worked example can be checked hash by hash.

#include <cstdint>
#include <string>
#include <string_view>

#include "zenlayer/secret_string.hpp"

namespace zenlayer::signer {

inline constexpr const char* kAlgorithm = "ZC2-HMAC-SHA256";
inline constexpr const char* kSignedHeaders = "content-type;host";

// Lowercase hex of SHA-256 over the body bytes exactly as sent.
std::string payload_hash(std::string_view body);

// POST, "/", empty query, the two canonical headers, the signed header list, the payload hash; joined with
// '\n'. The path is always "/" whatever the real path is: that is how the service defines it.
std::string canonical_request(std::string_view content_type, std::string_view host, std::string_view body);

// "ZC2-HMAC-SHA256\n<timestamp>\n<hex sha256(canonical request)>".
std::string string_to_sign(std::int64_t timestamp, std::string_view canonical_request);

// Lowercase hex of HMAC-SHA256 keyed directly with the password (no derived key).
std::string signature(const SecretString& access_key_password, std::string_view string_to_sign);

// "ZC2-HMAC-SHA256 Credential=<id>, SignedHeaders=content-type;host, Signature=<signature>".
std::string authorization(std::string_view access_key_id, std::string_view signature);

// Lowercase hex of SHA-256, shared by the steps above.
std::string sha256_hex(std::string_view data);

}  // namespace zenlayer::signer
