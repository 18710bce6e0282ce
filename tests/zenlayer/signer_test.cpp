#include "zenlayer/signer.hpp"

#include <gtest/gtest.h>

namespace zenlayer {
namespace {

// The official worked example from the Zenlayer Cloud API 2.0 documentation.
constexpr const char* kPassword = "Gu5t9xGARNpq86cd98joQYCN3";
constexpr std::int64_t kTimestamp = 1673361177;
constexpr const char* kContentType = "application/json; charset=utf-8";
constexpr const char* kHost = "console.zenlayer.com";
constexpr const char* kBody = R"({"pageSize":10,"pageNum":1,"zoneId":"HKG-A"})";

TEST(ZenlayerSigner, OfficialExamplePayloadHash) {
  EXPECT_EQ(signer::payload_hash(kBody), "5f714687ba91c606d503467766151206392474accd137ffea6dce2420b67c29a");
}

TEST(ZenlayerSigner, OfficialExampleCanonicalRequestHash) {
  const auto canonical = signer::canonical_request(kContentType, kHost, kBody);
  EXPECT_EQ(canonical,
            "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:console.zenlayer.com\n\n"
            "content-type;host\n5f714687ba91c606d503467766151206392474accd137ffea6dce2420b67c29a");
  EXPECT_EQ(signer::sha256_hex(canonical),
            "29396f9dfa0f03820b931e8aa06e20cda197e73285ebd76aceb83f7dede493ee");
}

TEST(ZenlayerSigner, OfficialExampleSignature) {
  const auto to_sign =
      signer::string_to_sign(kTimestamp, signer::canonical_request(kContentType, kHost, kBody));
  EXPECT_EQ(to_sign,
            "ZC2-HMAC-SHA256\n1673361177\n29396f9dfa0f03820b931e8aa06e20cda197e73285ebd76aceb83f7dede493ee");
  EXPECT_EQ(signer::signature(SecretString(kPassword), to_sign),
            "efb356c32e55c781e10dc676da59462c22596d82e91c57803666243379555b2f");
}

TEST(ZenlayerSigner, AuthorizationHeader) {
  EXPECT_EQ(signer::authorization("AKID123", "abc"),
            "ZC2-HMAC-SHA256 Credential=AKID123, SignedHeaders=content-type;host, Signature=abc");
}

TEST(ZenlayerSigner, ContentTypeIsSignedExactlyAsSent) {
  for (const std::string content_type : {"application/json", "application/json;charset=utf-8",
                                         "application/json; charset=UTF-8", "text/plain"}) {
    const auto canonical = signer::canonical_request(content_type, kHost, kBody);
    EXPECT_NE(canonical.find("\ncontent-type:" + content_type + "\nhost:"), std::string::npos)
        << content_type;
    const auto signature =
        signer::signature(SecretString(kPassword), signer::string_to_sign(kTimestamp, canonical));
    EXPECT_NE(signature, "efb356c32e55c781e10dc676da59462c22596d82e91c57803666243379555b2f") << content_type;
  }
}

TEST(ZenlayerSigner, HostWithPortIsSignedWithThePort) {
  const auto canonical = signer::canonical_request(kContentType, "127.0.0.1:4321", kBody);
  EXPECT_EQ(canonical,
            "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:127.0.0.1:4321\n\n"
            "content-type;host\n5f714687ba91c606d503467766151206392474accd137ffea6dce2420b67c29a");
  EXPECT_NE(signer::sha256_hex(canonical),
            signer::sha256_hex(signer::canonical_request(kContentType, kHost, kBody)));
}

TEST(ZenlayerSigner, EmptyBodyHashesTheEmptyString) {
  EXPECT_EQ(signer::payload_hash(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace zenlayer
