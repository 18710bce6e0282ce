#include "signature.hpp"

#include <gtest/gtest.h>

namespace zenemu {
namespace {

// The official worked example from the API reference (zenlayer-api.md).
constexpr const char* kPassword = "Gu5t9xGARNpq86cd98joQYCN3";
constexpr const char* kTimestamp = "1673361177";
constexpr const char* kContentType = "application/json; charset=utf-8";
constexpr const char* kHost = "console.zenlayer.com";
constexpr const char* kBody = R"({"pageSize":10,"pageNum":1,"zoneId":"HKG-A"})";
constexpr const char* kSignature = "efb356c32e55c781e10dc676da59462c22596d82e91c57803666243379555b2f";

TEST(EmulatorSignature, ReproducesTheOfficialWorkedExample) {
  EXPECT_EQ(sha256_hex(kBody), "5f714687ba91c606d503467766151206392474accd137ffea6dce2420b67c29a");
  const std::string canonical = canonical_request(kContentType, kHost, kBody);
  EXPECT_EQ(canonical,
            "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:console.zenlayer.com\n\n"
            "content-type;host\n5f714687ba91c606d503467766151206392474accd137ffea6dce2420b67c29a");
  EXPECT_EQ(sha256_hex(canonical), "29396f9dfa0f03820b931e8aa06e20cda197e73285ebd76aceb83f7dede493ee");
  EXPECT_EQ(compute_signature(kPassword, kTimestamp, kContentType, kHost, kBody), kSignature);
}

TEST(EmulatorSignature, ParsesTheAuthorizationHeader) {
  auto auth =
      parse_authorization("ZC2-HMAC-SHA256 Credential=AKID1, SignedHeaders=content-type;host, Signature=abc");
  ASSERT_TRUE(auth);
  EXPECT_EQ(auth->access_key_id, "AKID1");
  EXPECT_EQ(auth->signed_headers, "content-type;host");
  EXPECT_EQ(auth->signature, "abc");
}

TEST(EmulatorSignature, RejectsMalformedAuthorizationHeaders) {
  for (const char* bad :
       {"", "ZC2-HMAC-SHA256", "HMAC-SHA256 Credential=a, SignedHeaders=content-type;host, Signature=b",
        "ZC2-HMAC-SHA256Credential=a, SignedHeaders=content-type;host, Signature=b",
        "ZC2-HMAC-SHA256 Credential=a, SignedHeaders=content-type;host",
        "ZC2-HMAC-SHA256 Credential=, SignedHeaders=content-type;host, Signature=b",
        "ZC2-HMAC-SHA256 Credential=a, Credential=b, SignedHeaders=content-type;host, Signature=c",
        "ZC2-HMAC-SHA256 Credential=a, SignedHeaders=content-type;host, Signature=b, Extra=1",
        "ZC2-HMAC-SHA256 Credential=a SignedHeaders=content-type;host Signature=b"}) {
    EXPECT_FALSE(parse_authorization(bad)) << bad;
  }
}

class EmulatorVerifySignature : public ::testing::Test {
 protected:
  static constexpr const char* kKeyId = "AKID-TEST";
  static constexpr std::int64_t kNow = 1673361177;

  SignedRequest valid_request() const {
    SignedRequest r;
    r.authorization = std::string("ZC2-HMAC-SHA256 Credential=") + kKeyId +
                      ", SignedHeaders=content-type;host, Signature=" + kSignature;
    r.timestamp = kTimestamp;
    r.signature_method = "ZC2-HMAC-SHA256";
    r.content_type = kContentType;
    r.host = kHost;
    r.body = kBody;
    return r;
  }
  AuthVerdict verify(const SignedRequest& r, std::int64_t now = kNow) const {
    return verify_signature(r, kKeyId, kPassword, now);
  }
};

TEST_F(EmulatorVerifySignature, AcceptsTheOfficialExample) {
  auto v = verify(valid_request());
  EXPECT_TRUE(v.ok) << v.code << ": " << v.message;
}

TEST_F(EmulatorVerifySignature, RejectsATamperedBody) {
  auto r = valid_request();
  r.body = R"({"pageSize":10,"pageNum":2,"zoneId":"HKG-A"})";
  EXPECT_EQ(verify(r).code, "AUTHFAILURE_SIGNATURE_FAILURE");
}

TEST_F(EmulatorVerifySignature, RejectsAHostOtherThanTheOneSigned) {
  auto r = valid_request();
  r.host = "console.zenlayer.com:443";  // the client must sign host exactly as sent, port included
  EXPECT_EQ(verify(r).code, "AUTHFAILURE_SIGNATURE_FAILURE");

  // And a local emulator's host:port works when it is what was signed.
  r.host = "127.0.0.1:4321";
  r.authorization = std::string("ZC2-HMAC-SHA256 Credential=") + kKeyId +
                    ", SignedHeaders=content-type;host, Signature=" +
                    compute_signature(kPassword, kTimestamp, kContentType, "127.0.0.1:4321", kBody);
  EXPECT_TRUE(verify(r).ok);
}

TEST_F(EmulatorVerifySignature, RejectsAnotherContentTypeOrPassword) {
  auto r = valid_request();
  r.content_type = "application/json";
  EXPECT_EQ(verify(r).code, "AUTHFAILURE_SIGNATURE_FAILURE");
  EXPECT_EQ(verify_signature(valid_request(), kKeyId, "wrong-password", kNow).code,
            "AUTHFAILURE_SIGNATURE_FAILURE");
}

TEST_F(EmulatorVerifySignature, EnforcesTheFiveMinuteWindowBothWays) {
  EXPECT_TRUE(verify(valid_request(), kNow + 300).ok);
  EXPECT_TRUE(verify(valid_request(), kNow - 300).ok);
  EXPECT_EQ(verify(valid_request(), kNow + 301).code, "AUTHFAILURE_SIGNATURE_EXPIRED");
  EXPECT_EQ(verify(valid_request(), kNow - 301).code, "AUTHFAILURE_SIGNATURE_EXPIRED");
}

TEST_F(EmulatorVerifySignature, RejectsMalformedOrUnknownCredentials) {
  auto r = valid_request();
  r.authorization.reset();
  EXPECT_EQ(verify(r).code, "AUTHFAILURE_INVALID_AUTHORIZATION");

  r = valid_request();
  r.authorization = "Bearer abc";
  EXPECT_EQ(verify(r).code, "AUTHFAILURE_INVALID_AUTHORIZATION");

  r = valid_request();
  r.authorization =
      std::string("ZC2-HMAC-SHA256 Credential=OTHER, SignedHeaders=content-type;host, Signature=") +
      kSignature;
  EXPECT_EQ(verify(r).code, "AUTHFAILURE_INVALID_AUTHORIZATION");

  r = valid_request();
  r.authorization = std::string("ZC2-HMAC-SHA256 Credential=") + kKeyId +
                    ", SignedHeaders=host;content-type, Signature=" + kSignature;
  EXPECT_EQ(verify(r).code, "AUTHFAILURE_INVALID_AUTHORIZATION");

  r = valid_request();
  r.timestamp = "16733611x7";
  EXPECT_EQ(verify(r).code, "AUTHFAILURE_INVALID_AUTHORIZATION");

  r = valid_request();
  r.signature_method = "HMAC-SHA1";
  EXPECT_EQ(verify(r).code, "AUTHFAILURE_INVALID_AUTHORIZATION");
}

TEST_F(EmulatorVerifySignature, NeverRevealsTheExpectedSignature) {
  auto r = valid_request();
  r.body = "{}";
  auto v = verify(r);
  const std::string expected = compute_signature(kPassword, kTimestamp, kContentType, kHost, "{}");
  EXPECT_EQ(v.message.find(expected), std::string::npos);
  EXPECT_EQ(v.message.find(kPassword), std::string::npos);
}

}  // namespace
}  // namespace zenemu
