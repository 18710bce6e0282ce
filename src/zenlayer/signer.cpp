#include "zenlayer/signer.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <stdexcept>

namespace zenlayer::signer {

namespace {

std::string to_hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(size * 2, '0');
  for (std::size_t i = 0; i < size; ++i) {
    hex[2 * i] = kDigits[bytes[i] >> 4];
    hex[2 * i + 1] = kDigits[bytes[i] & 0x0f];
  }
  return hex;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return to_hex(digest.data(), size);
}

std::string payload_hash(std::string_view body) {
  return sha256_hex(body);
}

std::string canonical_request(std::string_view content_type, std::string_view host, std::string_view body) {
  std::string request;
  request.reserve(160 + content_type.size() + host.size());
  request.append("POST\n/\n\n");
  request.append("content-type:").append(content_type).append("\n");
  request.append("host:").append(host).append("\n");
  request.append("\n").append(kSignedHeaders).append("\n");
  request.append(payload_hash(body));
  return request;
}

std::string string_to_sign(std::int64_t timestamp, std::string_view canonical_request) {
  return std::string(kAlgorithm) + "\n" + std::to_string(timestamp) + "\n" + sha256_hex(canonical_request);
}

std::string signature(const SecretString& access_key_password, std::string_view string_to_sign) {
  const auto& key = access_key_password.reveal();
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int size = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(string_to_sign.data()), string_to_sign.size(), mac.data(),
           &size) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return to_hex(mac.data(), size);
}

std::string authorization(std::string_view access_key_id, std::string_view signature) {
  return std::string(kAlgorithm) + " Credential=" + std::string(access_key_id) +
         ", SignedHeaders=" + kSignedHeaders + ", Signature=" + std::string(signature);
}

}  // namespace zenlayer::signer
