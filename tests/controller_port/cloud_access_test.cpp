// Credentials resolution: the operator's own key (fixed, or files re-read as a mounted Secret changes) or a
// Secret, cached per resourceVersion and read again once the cloud refuses its key, problems as status
// reasons, never a secret value in a message.

#include "port/cloud_access.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

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
  std::vector<std::shared_ptr<FakeCloud>> clouds;  // one per client made, to script its replies
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
        [this](const zenlayer::Credentials& c) -> std::shared_ptr<CloudPorts> { return make(c); },
        operator_credentials, [this] { return now; });
  }

  CloudAccessResolver resolver(OperatorCredentials credentials) {
    return CloudAccessResolver(
        [](const std::string&) -> json { throw kube::StatusError(404, "NotFound", ""); },
        [this](const zenlayer::Credentials& c) { return make(c); }, std::move(credentials),
        [this] { return now; });
  }

  std::shared_ptr<CloudPorts> make(const zenlayer::Credentials& c) {
    made.push_back(c);
    clouds.push_back(std::make_shared<FakeCloud>([this] { return now; }));
    return clouds.back();
  }

  // The cloud refuses the next DescribePorts of the last client made, as it answers a wrong key.
  void refuse_next_call(zenlayer::ErrorClass error_class = zenlayer::ErrorClass::Auth) {
    FakeCloud::Failure failure;
    failure.details.http_status = error_class == zenlayer::ErrorClass::Auth ? 401 : 503;
    failure.details.code = error_class == zenlayer::ErrorClass::Auth ? "AUTH_FAILED" : "SERVICE_UNAVAILABLE";
    failure.details.error_class = error_class;
    clouds.back()->fail_next("DescribePorts", failure);
  }
  static void call_cloud(const CloudAccess& access) {
    try {
      access.ports->describe({"port-1"}, {});
    } catch (const zenlayer::ApiError&) {
    }
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

TEST_F(CloudAccessTest, ARefusedSecretKeyIsReadAgainAtTheNextResolveNotAfterTheTtl) {
  put_secret("5", "QUtJRA==", "d3JvbmctcHc=");  // "AKID", "wrong-pw"
  auto r = resolver();
  const auto wrong = r.resolve(with_secret());
  refuse_next_call(zenlayer::ErrorClass::Transient);
  call_cloud(wrong);
  now += std::chrono::seconds(1);
  r.resolve(with_secret());
  EXPECT_EQ(reads, 1) << "a 503 says nothing about the key: the cache stands";

  refuse_next_call();
  call_cloud(wrong);
  now += std::chrono::seconds(1);
  EXPECT_EQ(r.resolve(with_secret()).ports, wrong.ports) << "read again; unchanged, so the same client";
  EXPECT_EQ(reads, 2);
  now += std::chrono::seconds(1);
  r.resolve(with_secret());
  EXPECT_EQ(reads, 2) << "one read per refusal, not per resolve";

  refuse_next_call();
  call_cloud(wrong);
  put_secret("6", "QUtJRA==", "Z29vZC1wdw==");  // repaired: "good-pw"
  now += std::chrono::seconds(1);
  const auto repaired = r.resolve(with_secret());
  EXPECT_EQ(reads, 3);
  EXPECT_NE(repaired.ports, wrong.ports);
  EXPECT_EQ(repaired.identity, "secret:team-a/zl-key@6");
  EXPECT_EQ(made.back().access_key_password.reveal(), "good-pw");
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

// A directory laid out as the kubelet mounts a Secret: the files are symlinks through `..data`, which is
// swapped atomically to a new timestamped directory when the Secret changes.
class MountedSecret {
 public:
  MountedSecret()
      : root_(std::filesystem::temp_directory_path() / ("zpo-creds-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
  }
  ~MountedSecret() { std::filesystem::remove_all(root_); }

  void write(const std::string& id, const std::string& password) {
    const std::string version = "..v" + std::to_string(++versions_);
    std::filesystem::create_directory(root_ / version);
    std::ofstream(root_ / version / "accessKeyId") << id << "\n";
    std::ofstream(root_ / version / "accessKeyPassword") << password << "\n";
    std::filesystem::create_directory_symlink(version, root_ / "..data_tmp");
    std::filesystem::rename(root_ / "..data_tmp", root_ / "..data");
    for (const char* file : {"accessKeyId", "accessKeyPassword"}) {
      if (!std::filesystem::is_symlink(root_ / file))
        std::filesystem::create_symlink(std::filesystem::path("..data") / file, root_ / file);
    }
  }
  void remove_password() { std::filesystem::remove(root_ / "..data" / "accessKeyPassword"); }
  const std::filesystem::path& path() const { return root_; }

 private:
  std::filesystem::path root_;
  int versions_ = 0;
};

TEST_F(CloudAccessTest, OperatorCredentialsFilesAreReadAgainWhenTheSecretChanges) {
  MountedSecret mounted;
  mounted.write("AKID1", "first-pw");
  auto r = resolver(OperatorCredentials::from_directory(mounted.path(), std::chrono::seconds(5), now));
  const auto first = r.resolve(live_resource());
  EXPECT_EQ(first.identity, "operator");
  ASSERT_EQ(made.size(), 1u);
  EXPECT_EQ(made[0].access_key_password.reveal(), "first-pw");

  mounted.write("AKID2", "second-pw");
  now += std::chrono::seconds(4);
  EXPECT_EQ(r.resolve(live_resource()).ports, first.ports) << "not read again within the recheck interval";
  now += std::chrono::seconds(1);
  const auto second = r.resolve(live_resource());
  EXPECT_NE(second.ports, first.ports);
  EXPECT_EQ(second.identity, "operator#2") << "a new identity: the observer never mixes the two clients";
  ASSERT_EQ(made.size(), 2u);
  EXPECT_EQ(made[1].access_key_id, "AKID2");
  EXPECT_EQ(made[1].access_key_password.reveal(), "second-pw");
  now += std::chrono::seconds(10);
  EXPECT_EQ(r.resolve(live_resource()).ports, second.ports) << "unchanged files: the same client";
  EXPECT_EQ(made.size(), 2u);

  mounted.remove_password();
  now += std::chrono::seconds(5);
  try {
    r.resolve(live_resource());
    FAIL() << "an unreadable key must not be used on";
  } catch (const CredentialsUnavailable& e) {
    EXPECT_EQ(e.problem().reason, "InvalidCredentials");
    EXPECT_NE(e.problem().message.find("accessKeyPassword"), std::string::npos) << e.problem().message;
    EXPECT_EQ(e.problem().message.find("second-pw"), std::string::npos);
  }
  mounted.write("AKID2", "second-pw");
  now += std::chrono::seconds(5);
  const auto back = r.resolve(live_resource());
  EXPECT_EQ(back.identity, "operator#3");
  EXPECT_EQ(made.back().access_key_password.reveal(), "second-pw");
}

TEST_F(CloudAccessTest, AnUnreadableCredentialsDirectoryStopsTheStart) {
  MountedSecret mounted;
  EXPECT_THROW(OperatorCredentials::from_directory(mounted.path(), std::chrono::seconds(5), now),
               zenlayer::CredentialsError);
}

TEST_F(CloudAccessTest, FixedOperatorCredentialsNeverChange) {
  OperatorCredentials fixed(zenlayer::Credentials{"AKID", zenlayer::SecretString("pw")});
  EXPECT_FALSE(fixed.refresh(now + std::chrono::hours(1)));
  EXPECT_EQ(fixed.version(), 1u);
  OperatorCredentials none;
  EXPECT_FALSE(none.credentials());
  EXPECT_NE(none.problem().find("ZENLAYERCLOUD_ACCESS_KEY_ID"), std::string::npos);
}

}  // namespace
}  // namespace zpo::port
