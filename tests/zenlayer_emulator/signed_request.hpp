#pragma once
// Builds SDN API requests signed as a correct client would, using the emulator's own signature function
// (checked against the official example in signature_test.cpp).
#include <cstdint>
#include <map>
#include <string>

#include "signature.hpp"

namespace zenemu::testing {

constexpr const char* kKeyId = "AKID-EMULATOR-TEST";
constexpr const char* kKeyPassword = "emulator-test-password";
constexpr const char* kContentType = "application/json; charset=utf-8";

// The headers of a signed call (lower-case names), including host.
inline std::map<std::string, std::string> signed_headers(const std::string& action, const std::string& body,
                                                         std::int64_t timestamp, const std::string& host,
                                                         const std::string& password = kKeyPassword) {
  const std::string ts = std::to_string(timestamp);
  return {{"host", host},
          {"content-type", kContentType},
          {"x-zc-action", action},
          {"x-zc-version", "2023-08-30"},
          {"x-zc-timestamp", ts},
          {"x-zc-signature-method", "ZC2-HMAC-SHA256"},
          {"authorization", std::string("ZC2-HMAC-SHA256 Credential=") + kKeyId +
                                ", SignedHeaders=content-type;host, Signature=" +
                                compute_signature(password, ts, kContentType, host, body)}};
}

}  // namespace zenemu::testing
