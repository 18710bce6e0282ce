// Cluster configuration: every kubeconfig field (inline data and files, relative paths, contexts), the
// errors, the in-cluster service account, controller-runtime's resolution order, and that no credential ever
// shows up in a message or in describe().

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include "kube/base64.hpp"
#include "kube/cluster_config.hpp"

namespace {

namespace fs = std::filesystem;
using testing::HasSubstr;
using testing::Not;
using zpo::kube::ClusterConfig;
using zpo::kube::ConfigError;

constexpr const char* kToken = "s3cr3t-t0ken-value";

struct TempDir {
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "zpo-config-test-XXXXXX").string();
    path = mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path write(const std::string& name, const std::string& content) const {
    const fs::path file = path / name;
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << content;
    return file;
  }
  fs::path path;
};

// Sets environment variables for one test and restores them after.
class ScopedEnv {
 public:
  void set(const std::string& name, const std::optional<std::string>& value) {
    if (!saved_.count(name)) {
      const char* old = std::getenv(name.c_str());
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
    }
    if (value) {
      setenv(name.c_str(), value->c_str(), 1);
    } else {
      unsetenv(name.c_str());
    }
  }
  ~ScopedEnv() {
    for (const auto& [name, value] : saved_) {
      if (value) {
        setenv(name.c_str(), value->c_str(), 1);
      } else {
        unsetenv(name.c_str());
      }
    }
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

// Base64 of "CA-PEM", "CERT-PEM", "KEY-PEM".
constexpr const char* kCaData = "Q0EtUEVN";
constexpr const char* kCertData = "Q0VSVC1QRU0=";
constexpr const char* kKeyData = "S0VZLVBFTQ==";

std::string two_context_kubeconfig() {
  return std::string(R"(apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod-cluster
  cluster:
    server: https://prod.example.com:6443/
    certificate-authority-data: )") +
         kCaData + R"(
    tls-server-name: api.prod.internal
- name: dev-cluster
  cluster:
    server: http://127.0.0.1:8080
    insecure-skip-tls-verify: true
contexts:
- name: prod
  context:
    cluster: prod-cluster
    user: prod-user
    namespace: team-a
- name: dev
  context:
    cluster: dev-cluster
    user: dev-user
users:
- name: prod-user
  user:
    token: )" +
         kToken + R"(
    client-certificate-data: )" +
         kCertData + R"(
    client-key-data: )" +
         kKeyData + R"(
- name: dev-user
  user: {}
)";
}

TEST(LoadKubeconfig, CurrentContextWithInlineData) {
  TempDir dir;
  const ClusterConfig c = zpo::kube::load_kubeconfig(dir.write("config", two_context_kubeconfig()));
  EXPECT_EQ(c.server, "https://prod.example.com:6443");
  EXPECT_EQ(c.certificate_authority_pem, "CA-PEM");
  EXPECT_EQ(c.tls_server_name, "api.prod.internal");
  EXPECT_FALSE(c.insecure_skip_tls_verify);
  EXPECT_EQ(c.token, kToken);
  EXPECT_TRUE(c.token_file.empty());
  EXPECT_EQ(c.client_certificate_pem, "CERT-PEM");
  EXPECT_EQ(c.client_key_pem, "KEY-PEM");
  EXPECT_EQ(c.default_namespace, "team-a");
}

TEST(LoadKubeconfig, GivenContextWins) {
  TempDir dir;
  const ClusterConfig c = zpo::kube::load_kubeconfig(dir.write("config", two_context_kubeconfig()), "dev");
  EXPECT_EQ(c.server, "http://127.0.0.1:8080");
  EXPECT_TRUE(c.insecure_skip_tls_verify);
  EXPECT_TRUE(c.certificate_authority_pem.empty());
  EXPECT_TRUE(c.token.empty());
  EXPECT_TRUE(c.client_certificate_pem.empty());
  EXPECT_EQ(c.default_namespace, "default");
}

TEST(LoadKubeconfig, FilesAreRelativeToTheKubeconfigsFolder) {
  TempDir dir;
  dir.write("kube/pki/ca.crt", "CA FROM FILE");
  dir.write("kube/pki/client.crt", "CERT FROM FILE");
  const fs::path key = dir.write("elsewhere/client.key", "KEY FROM FILE");
  const fs::path config = dir.write("kube/config", R"(current-context: c
clusters:
- name: k
  cluster:
    server: https://10.0.0.1
    certificate-authority: pki/ca.crt
contexts:
- name: c
  context: {cluster: k, user: u}
users:
- name: u
  user:
    tokenFile: tokens/sa
    client-certificate: pki/client.crt
    client-key: )" + key.string() + "\n");
  const ClusterConfig c = zpo::kube::load_kubeconfig(config);
  EXPECT_EQ(c.certificate_authority_pem, "CA FROM FILE");
  EXPECT_EQ(c.client_certificate_pem, "CERT FROM FILE");
  EXPECT_EQ(c.client_key_pem, "KEY FROM FILE");
  EXPECT_EQ(c.token_file, dir.path / "kube" / "tokens" / "sa");
}

TEST(LoadKubeconfig, DataTakesPrecedenceOverFile) {
  TempDir dir;
  const ClusterConfig c = zpo::kube::load_kubeconfig(dir.write("config", std::string(R"(current-context: c
clusters:
- name: k
  cluster:
    server: https://h
    certificate-authority: does-not-exist.crt
    certificate-authority-data: )") + kCaData + R"(
contexts:
- name: c
  context: {cluster: k}
)"));
  EXPECT_EQ(c.certificate_authority_pem, "CA-PEM");
}

std::string error_of(const fs::path& path, const std::optional<std::string>& context = {}) {
  try {
    zpo::kube::load_kubeconfig(path, context);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(LoadKubeconfig, MissingPiecesAreNamed) {
  TempDir dir;
  const fs::path config = dir.write("config", two_context_kubeconfig());
  EXPECT_THAT(error_of(config, "staging"), HasSubstr("no context \"staging\""));
  EXPECT_THAT(error_of(dir.path / "absent"), HasSubstr("cannot read kubeconfig"));

  const fs::path no_cluster =
      dir.write("c2", "current-context: c\ncontexts:\n- name: c\n  context: {cluster: gone}\n");
  EXPECT_THAT(error_of(no_cluster), HasSubstr("no cluster \"gone\""));
  const fs::path no_user = dir.write("c3", R"(current-context: c
clusters: [{name: k, cluster: {server: "https://h"}}]
contexts: [{name: c, context: {cluster: k, user: nobody}}]
)");
  EXPECT_THAT(error_of(no_user), HasSubstr("no user \"nobody\""));
  const fs::path no_current = dir.write("c4", "clusters: []\n");
  EXPECT_THAT(error_of(no_current), HasSubstr("no current-context"));
  const fs::path no_server = dir.write("c5", R"(current-context: c
clusters: [{name: k, cluster: {insecure-skip-tls-verify: true}}]
contexts: [{name: c, context: {cluster: k}}]
)");
  EXPECT_THAT(error_of(no_server), HasSubstr("cluster \"k\" has no server"));
  const fs::path missing_file = dir.write("c6", R"(current-context: c
clusters: [{name: k, cluster: {server: "https://h", certificate-authority: missing.crt}}]
contexts: [{name: c, context: {cluster: k}}]
)");
  EXPECT_THAT(error_of(missing_file), HasSubstr((dir.path / "missing.crt").string()));
  EXPECT_THAT(error_of(dir.write("c7", "a: [unclosed\n")), HasSubstr("not valid YAML"));
}

TEST(LoadKubeconfig, PluginsAreRefusedWithoutPrintingTheToken) {
  TempDir dir;
  const std::string head = R"(current-context: c
clusters: [{name: k, cluster: {server: "https://h"}}]
contexts: [{name: c, context: {cluster: k, user: eks}}]
users:
- name: eks
  user:
    token: )" + std::string(kToken) +
                           "\n";
  const std::string exec = error_of(dir.write("exec", head + "    exec: {command: aws, apiVersion: v1}\n"));
  EXPECT_THAT(exec,
              HasSubstr("user \"eks\" uses an exec plugin, which zenlayer-port-operator does not support"));
  EXPECT_THAT(exec, Not(HasSubstr(kToken)));
  const std::string provider = error_of(dir.write("ap", head + "    auth-provider: {name: gcp}\n"));
  EXPECT_THAT(provider, HasSubstr("auth-provider plugin"));
  EXPECT_THAT(provider, Not(HasSubstr(kToken)));
  const std::string basic =
      error_of(dir.write("basic", head + "    username: admin\n    password: hunter2\n"));
  EXPECT_THAT(basic, HasSubstr("basic authentication"));
  EXPECT_THAT(basic, Not(HasSubstr("hunter2")));
}

TEST(LoadKubeconfig, BadBase64IsAnErrorThatDoesNotQuoteIt) {
  TempDir dir;
  const std::string message = error_of(dir.write("config", R"(current-context: c
clusters: [{name: k, cluster: {server: "https://h"}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
users: [{name: u, user: {client-key-data: "@@not*base64@@"}}]
)"));
  EXPECT_THAT(message, HasSubstr("user \"u\": client-key-data is not valid base64"));
  EXPECT_THAT(message, Not(HasSubstr("not*base64")));
}

TEST(LoadKubeconfig, CertificateWithoutKeyIsAnError) {
  TempDir dir;
  EXPECT_THAT(error_of(dir.write("config", std::string(R"(current-context: c
clusters: [{name: k, cluster: {server: "https://h"}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
users: [{name: u, user: {client-certificate-data: )") +
                                               kCertData + "}}]\n")),
              HasSubstr("without a key"));
}

TEST(ClusterConfigDescribe, NamesTheKindsOfCredentialsNeverTheirValues) {
  ClusterConfig c;
  c.server = "https://10.0.0.1:443";
  c.token = kToken;
  c.client_certificate_pem = "CERT-PEM";
  c.client_key_pem = "KEY-PEM";
  c.certificate_authority_pem = "CA-PEM";
  const std::string text = c.describe();
  EXPECT_EQ(text, "https://10.0.0.1:443 (bearer token, client certificate, configured CA)");
  c.token_file = "/var/run/secrets/token";
  c.client_certificate_pem.clear();
  c.certificate_authority_pem.clear();
  c.insecure_skip_tls_verify = true;
  EXPECT_EQ(c.describe(),
            "https://10.0.0.1:443 (token file /var/run/secrets/token, TLS verification disabled)");
  ClusterConfig plain;
  plain.server = "http://127.0.0.1:8080";
  EXPECT_EQ(plain.describe(), "http://127.0.0.1:8080 (no credentials)");
}

TEST(Base64, DecodesWithOrWithoutPaddingAndLineBreaks) {
  EXPECT_EQ(zpo::kube::decode_base64("YQ=="), "a");
  EXPECT_EQ(zpo::kube::decode_base64("YQ"), "a");
  EXPECT_EQ(zpo::kube::decode_base64("YWI="), "ab");
  EXPECT_EQ(zpo::kube::decode_base64("YWJj"), "abc");
  EXPECT_EQ(zpo::kube::decode_base64("YWJj\nZGVm\r\nZw=="), "abcdefg");
  EXPECT_EQ(zpo::kube::decode_base64(""), "");
  EXPECT_EQ(zpo::kube::decode_base64("AAEC"), std::string("\x00\x01\x02", 3));
  EXPECT_EQ(zpo::kube::decode_base64("YWJjZ"), std::nullopt);
  EXPECT_EQ(zpo::kube::decode_base64("!!!!"), std::nullopt);
}

class InCluster : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.set("KUBERNETES_SERVICE_HOST", "10.96.0.1");
    env_.set("KUBERNETES_SERVICE_PORT", "443");
    dir_.write("token", std::string(kToken) + "\n");
    dir_.write("ca.crt", "CLUSTER CA");
    dir_.write("namespace", "operators\n");
  }
  ScopedEnv env_;
  TempDir dir_;
};

TEST_F(InCluster, ReadsTheServiceAccount) {
  const ClusterConfig c = zpo::kube::in_cluster_config(dir_.path);
  EXPECT_EQ(c.server, "https://10.96.0.1:443");
  EXPECT_EQ(c.token_file, dir_.path / "token");
  EXPECT_TRUE(c.token.empty());  // read by the client, so that rotation is seen
  EXPECT_EQ(c.certificate_authority_pem, "CLUSTER CA");
  EXPECT_EQ(c.default_namespace, "operators");
}

TEST_F(InCluster, BracketsAnIpv6Host) {
  env_.set("KUBERNETES_SERVICE_HOST", "fd00:10:96::1");
  EXPECT_EQ(zpo::kube::in_cluster_config(dir_.path).server, "https://[fd00:10:96::1]:443");
}

TEST_F(InCluster, WithoutCaOrNamespaceFilesUsesDefaults) {
  fs::remove(dir_.path / "ca.crt");
  fs::remove(dir_.path / "namespace");
  const ClusterConfig c = zpo::kube::in_cluster_config(dir_.path);
  EXPECT_TRUE(c.certificate_authority_pem.empty());
  EXPECT_EQ(c.default_namespace, "default");
}

TEST_F(InCluster, OutsideAPodIsAnError) {
  env_.set("KUBERNETES_SERVICE_HOST", std::nullopt);
  EXPECT_THROW(zpo::kube::in_cluster_config(dir_.path), ConfigError);
  env_.set("KUBERNETES_SERVICE_HOST", "10.96.0.1");
  fs::remove(dir_.path / "token");
  try {
    zpo::kube::in_cluster_config(dir_.path);
    FAIL() << "no error without a token";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr((dir_.path / "token").string()));
  }
}

class Resolve : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.set("KUBECONFIG", std::nullopt);
    env_.set("KUBERNETES_SERVICE_HOST", std::nullopt);
    env_.set("HOME", (dir_.path / "home").string());
  }
  fs::path kubeconfig(const std::string& name, const std::string& server) {
    return dir_.write(name, "current-context: c\nclusters: [{name: k, cluster: {server: \"" + server +
                                "\"}}]\ncontexts: [{name: c, context: {cluster: k}}]\n");
  }
  ScopedEnv env_;
  TempDir dir_;
};

TEST_F(Resolve, FlagFirst) {
  env_.set("KUBECONFIG", kubeconfig("env", "https://from-env").string());
  EXPECT_EQ(zpo::kube::resolve_cluster_config(kubeconfig("flag", "https://from-flag")).server,
            "https://from-flag");
}

TEST_F(Resolve, ThenTheFirstExistingFileOfKubeconfigEnv) {
  const std::string list = (dir_.path / "missing").string() + ":" +
                           kubeconfig("second", "https://second").string() + ":" +
                           kubeconfig("third", "https://third").string();
  env_.set("KUBECONFIG", list);
  env_.set("KUBERNETES_SERVICE_HOST", "10.96.0.1");
  EXPECT_EQ(zpo::kube::resolve_cluster_config(std::nullopt).server, "https://second");
}

TEST_F(Resolve, ThenInClusterWhenTheServiceHostIsSet) {
  kubeconfig("home/.kube/config", "https://home");
  env_.set("KUBERNETES_SERVICE_HOST", "10.96.0.1");
  env_.set("KUBERNETES_SERVICE_PORT", "443");
  // The default service-account folder does not exist here: the error shows the in-cluster path was taken.
  try {
    zpo::kube::resolve_cluster_config(std::nullopt);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("/var/run/secrets/kubernetes.io/serviceaccount/token"));
  }
}

TEST_F(Resolve, ThenHomeKubeConfig) {
  env_.set("KUBECONFIG", (dir_.path / "missing").string());
  kubeconfig("home/.kube/config", "https://home");
  EXPECT_EQ(zpo::kube::resolve_cluster_config(std::nullopt).server, "https://home");
}

TEST_F(Resolve, NothingFoundListsWhatWasTried) {
  env_.set("KUBECONFIG", (dir_.path / "missing").string());
  try {
    zpo::kube::resolve_cluster_config(std::nullopt);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    EXPECT_THAT(message, HasSubstr("--kubeconfig"));
    EXPECT_THAT(message, HasSubstr("$KUBECONFIG"));
    EXPECT_THAT(message, HasSubstr((dir_.path / "missing").string()));
    EXPECT_THAT(message, HasSubstr("KUBERNETES_SERVICE_HOST unset"));
    EXPECT_THAT(message, HasSubstr((dir_.path / "home" / ".kube" / "config").string()));
  }
}

}  // namespace
