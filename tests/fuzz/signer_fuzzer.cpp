// The signer's inputs: any key, host, content type, timestamp and body. Beyond "no crash", each step is
// checked against its definition and against OpenSSL's streaming interfaces computed here independently: the
// hashes and the HMAC are 64 lowercase hex digits, deterministic, and the texts are assembled exactly as the
// service defines them. The endpoint the Host header comes from is parsed from fuzzed text too: what it
// accepts must survive its own round trip (parse(base_url()) is the same endpoint) and never put a line break
// in a header.

#include <fuzzer/FuzzedDataProvider.h>
#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>

#include "zenlayer/endpoint.hpp"
#include "zenlayer/signer.hpp"

namespace {

using namespace zenlayer;

[[noreturn]] void fail(const std::string& why) {
  std::cerr << "invariant violated: " << why << "\n";
  std::abort();
}

bool lower_hex64(const std::string& text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0x0f]);
  }
  return out;
}

// SHA-256 fed in two pieces through EVP_MD_CTX, unlike the signer's one-shot EVP_Digest.
std::string reference_sha256(const std::string& data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const std::size_t half = data.size() / 2;
  if (EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1 || EVP_DigestUpdate(ctx, data.data(), half) != 1 ||
      EVP_DigestUpdate(ctx, data.data() + half, data.size() - half) != 1 ||
      EVP_DigestFinal_ex(ctx, digest.data(), &size) != 1) {
    fail("reference SHA-256 failed");
  }
  EVP_MD_CTX_free(ctx);
  return hex(digest.data(), size);
}

// HMAC-SHA256 through EVP_MAC (OpenSSL 3), unlike the signer's one-shot HMAC().
std::string reference_hmac(const std::string& key, const std::string& data) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  char digest_name[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest_name, 0), OSSL_PARAM_END};
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  std::size_t size = 0;
  // EVP_MAC_init refuses an empty key given as a null pointer: pass a valid one with length 0.
  const unsigned char empty = 0;
  const auto* key_bytes = key.empty() ? &empty : reinterpret_cast<const unsigned char*>(key.data());
  if (EVP_MAC_init(ctx, key_bytes, key.size(), params) != 1 ||
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
      EVP_MAC_final(ctx, out.data(), &size, out.size()) != 1) {
    fail("reference HMAC failed");
  }
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
  return hex(out.data(), size);
}

void check_endpoint(const std::string& url) {
  Endpoint endpoint;
  try {
    endpoint = Endpoint::parse(url);
  } catch (const EndpointError&) {
    return;
  }
  const auto host = endpoint.host_header();
  if (host.find_first_of("\r\n") != std::string::npos) fail("a line break in the Host header");
  Endpoint again;
  try {
    again = Endpoint::parse(endpoint.base_url());
  } catch (const EndpointError& e) {
    fail("accepted '" + url + "' but not its own base_url '" + endpoint.base_url() + "': " + e.what());
  }
  if (!(again == endpoint)) fail("'" + url + "' does not survive parse(base_url())");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  const std::string key = input.ConsumeRandomLengthString(256);
  const std::string key_id = input.ConsumeRandomLengthString(64);
  const std::string url = input.ConsumeRandomLengthString(128);
  const std::string content_type = input.ConsumeRandomLengthString(64);
  const auto timestamp = input.ConsumeIntegral<std::int64_t>();
  const std::string body = input.ConsumeRemainingBytesAsString();

  check_endpoint(url);
  const std::string& host =
      url;  // the signer takes any host text; the endpoint check covers where it comes from

  const auto payload = signer::payload_hash(body);
  if (!lower_hex64(payload) || payload != reference_sha256(body)) fail("payload hash");

  const auto canonical = signer::canonical_request(content_type, host, body);
  const std::string expected_canonical =
      "POST\n/\n\ncontent-type:" + content_type + "\nhost:" + host + "\n\ncontent-type;host\n" + payload;
  if (canonical != expected_canonical) fail("canonical request");

  const auto to_sign = signer::string_to_sign(timestamp, canonical);
  if (to_sign != "ZC2-HMAC-SHA256\n" + std::to_string(timestamp) + "\n" + reference_sha256(canonical)) {
    fail("string to sign");
  }

  const SecretString password(key);
  const auto signature = signer::signature(password, to_sign);
  if (!lower_hex64(signature)) fail("signature is not 64 lowercase hex digits");
  if (signature != signer::signature(password, to_sign)) fail("signature is not deterministic");
  if (signature != reference_hmac(key, to_sign)) fail("signature differs from HMAC-SHA256");

  const auto authorization = signer::authorization(key_id, signature);
  if (authorization !=
      "ZC2-HMAC-SHA256 Credential=" + key_id + ", SignedHeaders=content-type;host, Signature=" + signature) {
    fail("authorization header");
  }
  return 0;
}
