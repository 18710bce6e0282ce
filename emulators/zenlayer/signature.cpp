#include "signature.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <charconv>
#include <stdexcept>

namespace zenemu {
namespace {

constexpr std::string_view kAlgorithm = "ZC2-HMAC-SHA256";
constexpr std::string_view kSignedHeaders = "content-type;host";

std::string to_hex(const unsigned char* data, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(digits[data[i] >> 4]);
    out.push_back(digits[data[i] & 0xf]);
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ')
    s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ')
    s.remove_suffix(1);
  return s;
}

// Compares without an early exit, so response time does not reveal how much of a guessed signature was right.
bool equal_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

AuthVerdict reject(std::string code, std::string message) {
  return {false, std::move(code), std::move(message)};
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return to_hex(digest, sizeof digest);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &len) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return to_hex(digest, len);
}

std::string canonical_request(std::string_view content_type, std::string_view host, std::string_view body) {
  std::string out;
  out += "POST\n/\n\n";
  out += "content-type:";
  out += content_type;
  out += "\nhost:";
  out += host;
  out += "\n\n";
  out += kSignedHeaders;
  out += "\n";
  out += sha256_hex(body);
  return out;
}

std::string string_to_sign(std::string_view timestamp, std::string_view canonical) {
  std::string out(kAlgorithm);
  out += "\n";
  out += timestamp;
  out += "\n";
  out += sha256_hex(canonical);
  return out;
}

std::string compute_signature(std::string_view access_key_password, std::string_view timestamp,
                              std::string_view content_type, std::string_view host, std::string_view body) {
  return hmac_sha256_hex(access_key_password,
                         string_to_sign(timestamp, canonical_request(content_type, host, body)));
}

std::optional<AuthorizationHeader> parse_authorization(std::string_view header) {
  header = trim(header);
  if (header.substr(0, kAlgorithm.size()) != kAlgorithm) return std::nullopt;
  header.remove_prefix(kAlgorithm.size());
  if (header.empty() || header.front() != ' ') return std::nullopt;

  AuthorizationHeader out;
  bool has_credential = false, has_signed = false, has_signature = false;
  while (!header.empty()) {
    auto comma = header.find(',');
    std::string_view part = trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    auto eq = part.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    std::string_view name = part.substr(0, eq);
    std::string value(part.substr(eq + 1));
    if (value.empty()) return std::nullopt;
    if (name == "Credential" && !has_credential) {
      out.access_key_id = value;
      has_credential = true;
    } else if (name == "SignedHeaders" && !has_signed) {
      out.signed_headers = value;
      has_signed = true;
    } else if (name == "Signature" && !has_signature) {
      out.signature = value;
      has_signature = true;
    } else {
      return std::nullopt;
    }
  }
  if (!has_credential || !has_signed || !has_signature) return std::nullopt;
  return out;
}

AuthVerdict verify_signature(const SignedRequest& request, std::string_view access_key_id,
                             std::string_view access_key_password, std::int64_t now_unix_seconds) {
  if (!request.authorization) {
    return reject("AUTHFAILURE_INVALID_AUTHORIZATION", "the Authorization header is missing");
  }
  auto auth = parse_authorization(*request.authorization);
  if (!auth) {
    return reject("AUTHFAILURE_INVALID_AUTHORIZATION",
                  "the Authorization header is not 'ZC2-HMAC-SHA256 Credential=..., SignedHeaders=..., "
                  "Signature=...'");
  }
  if (auth->signed_headers != kSignedHeaders) {
    return reject("AUTHFAILURE_INVALID_AUTHORIZATION", "SignedHeaders must be content-type;host");
  }
  if (request.signature_method && *request.signature_method != kAlgorithm) {
    return reject("AUTHFAILURE_INVALID_AUTHORIZATION", "X-ZC-Signature-Method must be ZC2-HMAC-SHA256");
  }
  if (auth->access_key_id != access_key_id) {
    return reject("AUTHFAILURE_INVALID_AUTHORIZATION", "the access key id is unknown");
  }
  std::int64_t timestamp = 0;
  const std::string ts = request.timestamp.value_or("");
  auto [end, ec] = std::from_chars(ts.data(), ts.data() + ts.size(), timestamp);
  if (ts.empty() || ec != std::errc{} || end != ts.data() + ts.size()) {
    return reject("AUTHFAILURE_INVALID_AUTHORIZATION", "X-ZC-Timestamp is missing or not unix seconds");
  }
  std::int64_t skew = now_unix_seconds - timestamp;
  if (skew > kTimestampWindowSeconds || skew < -kTimestampWindowSeconds) {
    return reject("AUTHFAILURE_SIGNATURE_EXPIRED", "X-ZC-Timestamp is " + std::to_string(skew) +
                                                       " s away from the server clock (limit 300 s)");
  }
  std::string expected =
      compute_signature(access_key_password, ts, request.content_type, request.host, request.body);
  if (!equal_constant_time(expected, auth->signature)) {
    return reject(
        "AUTHFAILURE_SIGNATURE_FAILURE",
        "the signature does not match the request (signed: POST / with content-type, host as received, "
        "and the body)");
  }
  return {true, "", ""};
}

}  // namespace zenemu
