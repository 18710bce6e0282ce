// Credentials resolution: the operator's own key or a Secret, cached per resourceVersion, problems as status
// reasons, never a secret value in a message.

#include "port/cloud_access.hpp"

#include <gtest/gtest.h>

#include "fake_cloud.hpp"
#include "kube/rest_client.hpp"
#include "port_fixtures.hpp"

namespace zpo::port {
namespace {

using namespace testing;
using nlohmann::json;

struct CloudAccessTest : ::testing::Test {
  Time now = t0();
  int reads = 0;
  std::vector<zenlayer::Credentials> made;
  std::map<std::string, json> secrets;
  std::optional<zenlayer::Credentials> operator_credentials =
      zenlayer::Credentials{"OPERATORKEY", zenlayer::SecretString("operator-pw")};

  CloudAccessResolver resolver() {
    return CloudAccessResolver(
        [this](const std::string& path) -> json {
          ++reads;
          const auto it = secrets.find(path);
          if (it == secrets.end()) throw kube::StatusError(404, "NotFound", "not found");
          return it->second;
        },
        [this](const zenlayer::Credentials& c) -> std::shared_ptr<CloudPorts> {
          made.push_back(c);
          return std::make_shared<FakeCloud>([this] { return now; });
        },
        operator_credentials, [this] { return now; });
  }

  PortResource with_secret(std::string name = "zl-key") {
    PortResource r = live_resource();
    r.spec.credentials_secret_ref = CredentialsSecretRef{std::move(name)};
    return r;
  }

  void put_secret(const std::string& version, const std::string& id_b64, const std::string& pw_b64) {
    secrets["/api/v1/namespaces/team-a/secrets/zl-key"] = {
        {"metadata", {{"resourceVersion", version}}},
        {"data", {{"accessKeyId", id_b64}, {"accessKeyPassword", pw_b64}}}};
  }
};

TEST_F(CloudAccessTest, OperatorCredentialsShareOneClient) {
  auto r = resolver();
  const auto a = r.resolve(live_resource());
  const auto b = r.resolve(live_resource());
  EXPECT_EQ(a.identity, "operator");
  EXPECT_EQ(a.ports, b.ports);
  ASSERT_EQ(made.size(), 1u);
  EXPECT_EQ(made[0].access_key_id, "OPERATORKEY");
}

TEST_F(CloudAccessTest, NoOperatorCredentialsIsAProblemOnTheStatus) {
  operator_credentials.reset();
  auto r = resolver();
  try {
    r.resolve(live_resource());
    FAIL();
  } catch (const CredentialsUnavailable& e) {
    EXPECT_EQ(e.problem().reason, "InvalidCredentials");
  }
}

TEST_F(CloudAccessTest, SecretIsDecodedCachedAndRotated) {
  put_secret("5", "QUtJRA==", "c2VjcmV0LXB3");  // "AKID", "secret-pw"
  auto r = resolver();
  const auto first = r.resolve(with_secret());
  ASSERT_EQ(made.size(), 1u);
  EXPECT_EQ(made[0].access_key_id, "AKID");
  EXPECT_EQ(made[0].access_key_password.reveal(), "secret-pw");
  EXPECT_EQ(first.identity, "secret:team-a/zl-key@5");
  now += std::chrono::seconds(10);
  EXPECT_EQ(r.resolve(with_secret()).ports, first.ports);
  EXPECT_EQ(reads, 1) << "within 30 s the Secret is not read again";
  now += std::chrono::seconds(30);
  EXPECT_EQ(r.resolve(with_secret()).ports, first.ports) << "read again, same version: same client";
  EXPECT_EQ(reads, 2);
  put_secret("6", "QUtJRDI=", "bmV3LXB3");  // rotated: "AKID2", "new-pw"
  now += std::chrono::seconds(31);
  const auto rotated = r.resolve(with_secret());
  EXPECT_NE(rotated.ports, first.ports);
  EXPECT_EQ(made.back().access_key_id, "AKID2");
  EXPECT_EQ(rotated.identity, "secret:team-a/zl-key@6");
}

TEST_F(CloudAccessTest, MissingSecretAndMissingKeysAreNamedNotShown) {
  auto r = resolver();
  try {
    r.resolve(with_secret());
    FAIL();
  } catch (const CredentialsUnavailable& e) {
    EXPECT_EQ(e.problem().reason, "CredentialsSecretNotFound");
    EXPECT_NE(e.problem().message.find("zl-key"), std::string::npos);
  }
  secrets["/api/v1/namespaces/team-a/secrets/zl-key"] = {{"metadata", {{"resourceVersion", "1"}}},
                                                         {"data", {{"accessKeyId", "QUtJRA=="}}}};
  try {
    r.resolve(with_secret());
    FAIL();
  } catch (const CredentialsUnavailable& e) {
    EXPECT_EQ(e.problem().reason, "InvalidCredentials");
    EXPECT_NE(e.problem().message.find("data.accessKeyPassword"), std::string::npos);
    EXPECT_EQ(e.problem().message.find("AKID"), std::string::npos);
  }
  EXPECT_TRUE(made.empty());
}

TEST_F(CloudAccessTest, OtherApiErrorsPropagate) {
  auto r =
      CloudAccessResolver([](const std::string&) -> json { throw kube::StatusError(403, "Forbidden", "no"); },
                          [](const zenlayer::Credentials&) -> std::shared_ptr<CloudPorts> { return nullptr; },
                          std::nullopt, [this] { return now; });
  EXPECT_THROW(r.resolve(with_secret()), kube::StatusError);
}

TEST_F(CloudAccessTest, PruneDropsUnusedSecrets) {
  put_secret("5", "QUtJRA==", "c2VjcmV0LXB3");
  auto r = resolver();
  r.resolve(with_secret());
  now += std::chrono::minutes(11);
  r.prune(std::chrono::minutes(10));
  now += std::chrono::seconds(1);
  r.resolve(with_secret());
  EXPECT_EQ(made.size(), 2u) << "the pruned client was made again";
}

}  // namespace
}  // namespace zpo::port
