#include "builtin_protobuf.hpp"

#include <gtest/gtest.h>

#include "status_error.hpp"

namespace kubeemu {
namespace {

std::string from_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

// A tiny protobuf writer for building request bodies.
std::string varint(uint64_t v) {
  std::string out;
  do {
    auto byte = static_cast<char>(v & 0x7F);
    v >>= 7;
    if (v) byte = static_cast<char>(byte | 0x80);
    out += byte;
  } while (v);
  return out;
}
std::string bytes_field(int number, const std::string& value) {
  return varint(static_cast<uint64_t>(number) << 3 | 2) + varint(value.size()) + value;
}
std::string varint_field(int number, uint64_t value) {
  return varint(static_cast<uint64_t>(number) << 3) + varint(value);
}
std::string entry(const std::string& k, const std::string& v) {
  return bytes_field(1, k) + bytes_field(2, v);
}
std::string envelope(const std::string& api_version, const std::string& kind, const std::string& raw) {
  return std::string("k8s\0", 4) + bytes_field(1, bytes_field(1, api_version) + bytes_field(2, kind)) +
         bytes_field(2, raw) + bytes_field(3, "") + bytes_field(4, "");
}

TEST(BuiltinProtobuf, DecodesTheSecretKubectl133Sends) {
  // Captured on the wire from `kubectl.1.33 create secret generic zpo-credentials
  // --from-literal=accessKeyId=AK-demo`.
  std::string body = from_hex(
      "6b3873000a0c0a0276311206536563726574123b0a1f0a0f7a706f2d63726564656e7469616c7312001a0022002a0032003800"
      "4200121"
      "60a0b6163636573734b657949641207414b2d64656d6f1a001a002200");
  ASSERT_TRUE(is_kubernetes_protobuf(body));
  EXPECT_EQ(protobuf_to_json(body), (json{{"apiVersion", "v1"},
                                          {"kind", "Secret"},
                                          {"metadata", {{"name", "zpo-credentials"}}},
                                          {"data", {{"accessKeyId", "QUstZGVtbw=="}}}}));
}

TEST(BuiltinProtobuf, DecodesEverySecretFieldKubectlSets) {
  std::string meta = bytes_field(2, "creds-") + bytes_field(3, "team") +
                     bytes_field(11, entry("app", "zpo")) + bytes_field(12, entry("note", "rotated")) +
                     bytes_field(5, "") + bytes_field(6, "");
  std::string secret = bytes_field(1, meta) + bytes_field(2, entry("accessKeyId", "AK")) +
                       bytes_field(2, entry("accessKeyPassword", "pa55")) + bytes_field(3, "Opaque") +
                       bytes_field(4, entry("extra", "plain")) + varint_field(5, 0);
  EXPECT_EQ(protobuf_to_json(envelope("v1", "Secret", secret)),
            (json{{"apiVersion", "v1"},
                  {"kind", "Secret"},
                  {"metadata",
                   {{"generateName", "creds-"},
                    {"namespace", "team"},
                    {"labels", {{"app", "zpo"}}},
                    {"annotations", {{"note", "rotated"}}}}},
                  {"data", {{"accessKeyId", "QUs="}, {"accessKeyPassword", "cGE1NQ=="}}},
                  {"type", "Opaque"},
                  {"stringData", {{"extra", "plain"}}}}));
}

TEST(BuiltinProtobuf, DecodesConfigMapsAndNamespacesWithMetadata) {
  std::string meta = bytes_field(1, "cfg") + bytes_field(3, "team") + bytes_field(11, entry("app", "zpo")) +
                     bytes_field(11, entry("tier", "be")) + bytes_field(14, "a/b") + varint_field(7, 0) +
                     bytes_field(8, varint_field(1, 1795435200));
  std::string cm = bytes_field(1, meta) + bytes_field(2, entry("k", "v")) +
                   bytes_field(3, entry("bin", "\x01\x02")) + varint_field(4, 1);
  EXPECT_EQ(protobuf_to_json(envelope("v1", "ConfigMap", cm)),
            (json{{"apiVersion", "v1"},
                  {"kind", "ConfigMap"},
                  {"metadata",
                   {{"name", "cfg"},
                    {"namespace", "team"},
                    {"labels", {{"app", "zpo"}, {"tier", "be"}}},
                    {"finalizers", {"a/b"}},
                    {"creationTimestamp", "2026-11-23T12:00:00Z"}}},
                  {"data", {{"k", "v"}}},
                  {"binaryData", {{"bin", "AQI="}}},
                  {"immutable", true}}));
  std::string ns =
      bytes_field(1, bytes_field(1, "team")) + bytes_field(2, "") + bytes_field(3, bytes_field(1, ""));
  EXPECT_EQ(protobuf_to_json(envelope("v1", "Namespace", ns)),
            (json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "team"}}}}));
}

TEST(BuiltinProtobuf, UnknownKindsAre415AndBrokenBodies400) {
  try {
    protobuf_to_json(envelope("apps/v1", "Deployment", bytes_field(1, bytes_field(1, "d"))));
    FAIL() << "expected 415";
  } catch (const StatusError& e) {
    EXPECT_EQ(e.code(), 415);
    EXPECT_EQ(e.reason(), "UnsupportedMediaType");
  }
  std::string truncated = envelope("v1", "Secret", bytes_field(1, bytes_field(1, "s")));
  truncated.resize(truncated.size() - 7);
  try {
    protobuf_to_json(truncated);
    FAIL() << "expected 400";
  } catch (const StatusError& e) {
    EXPECT_EQ(e.code(), 400);
  }
  EXPECT_FALSE(is_kubernetes_protobuf("{\"kind\":\"Secret\"}"));
  EXPECT_THROW(protobuf_to_json("{}"), StatusError);
}

}  // namespace
}  // namespace kubeemu
