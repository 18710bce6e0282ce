#pragma once
// ZC2-HMAC-SHA256 as the server checks it. Written from the API reference, independently of the client's
// signer in src/zenlayer, so that a mistake in the client shows up as a rejected call instead of being
// mirrored here.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zenemu {

std::string sha256_hex(std::string_view data);
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// The six canonical lines: POST, "/", empty query, the signed headers, their names, the payload hash.
std::string canonical_request(std::string_view content_type, std::string_view host, std::string_view body);
std::string string_to_sign(std::string_view timestamp, std::string_view canonical);
std::string compute_signature(std::string_view access_key_password, std::string_view timestamp,
                              std::string_view content_type, std::string_view host, std::string_view body);

// "ZC2-HMAC-SHA256 Credential=<id>, SignedHeaders=content-type;host, Signature=<hex>"
struct AuthorizationHeader {
  std::string access_key_id;
  std::string signed_headers;
  std::string signature;
};
// nullopt when the header does not have that exact shape.
std::optional<AuthorizationHeader> parse_authorization(std::string_view header);

// What the signature check needs from a request; header values are as received (absent = nullopt).
struct SignedRequest {
  std::optional<std::string> authorization;
  std::optional<std::string> timestamp;
  std::optional<std::string> signature_method;
  std::string content_type;
  std::string host;
  std::string body;
};

struct AuthVerdict {
  bool ok = false;
  std::string code;     // AUTHFAILURE_* when !ok
  std::string message;  // says what was wrong, never echoes the expected signature
};

constexpr std::int64_t kTimestampWindowSeconds = 300;

// Checks header shape, key id, timestamp window around now_unix_seconds, and signature, in that order.
AuthVerdict verify_signature(const SignedRequest& request, std::string_view access_key_id,
                             std::string_view access_key_password, std::int64_t now_unix_seconds);

}  // namespace zenemu
