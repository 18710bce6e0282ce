// Access to the emulator: the generated PKI, bearer tokens (with a rotating token file), the kubeconfig and
// the service-account directory written for clients.

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "bearer_tokens.hpp"
#include "client_config_files.hpp"
#include "tls_certificates.hpp"

namespace kubeemu {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "kubeemu-access-XXXXXX").string();
    path = mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path path;
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& p, const std::string& content) {
  std::ofstream(p) << content;
}

X509* parse_cert(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return cert;
}

TEST(TlsCertificates, ServerCertificateVerifiesAgainstTheCaFor127001AndLocalhost) {
  const TlsMaterial m = generate_tls_material();
  std::unique_ptr<X509, decltype(&X509_free)> ca(parse_cert(m.ca_pem), X509_free);
  std::unique_ptr<X509, decltype(&X509_free)> server(parse_cert(m.cert_pem), X509_free);
  ASSERT_TRUE(ca && server);

  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), X509_STORE_free);
  X509_STORE_add_cert(store.get(), ca.get());
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(),
                                                                      X509_STORE_CTX_free);
  X509_STORE_CTX_init(ctx.get(), store.get(), server.get(), nullptr);
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
  EXPECT_EQ(X509_verify_cert(ctx.get()), 1)
      << X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));

  EXPECT_EQ(X509_check_ip_asc(server.get(), "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_host(server.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_NE(X509_check_host(server.get(), "example.com", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ca(ca.get()), 1);
  EXPECT_EQ(X509_check_ca(server.get()), 0);

  // The key belongs to the certificate.
  BIO* bio = BIO_new_mem_buf(m.key_pem.data(), static_cast<int>(m.key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(X509_check_private_key(server.get(), key), 1);
  EVP_PKEY_free(key);
}

TEST(TlsCertificates, EachStartHasItsOwnCaAndFilesAreWritten) {
  const TlsMaterial a = generate_tls_material();
  const TlsMaterial b = generate_tls_material();
  EXPECT_NE(a.ca_pem, b.ca_pem);
  TempDir dir;
  write_tls_files(a, (dir.path / "tls").string());
  EXPECT_EQ(read_file(dir.path / "tls" / "ca.crt"), a.ca_pem);
  EXPECT_EQ(read_file(dir.path / "tls" / "tls.crt"), a.cert_pem);
  EXPECT_EQ(read_file(dir.path / "tls" / "tls.key"), a.key_pem);
  EXPECT_EQ(fs::status(dir.path / "tls" / "tls.key").permissions() & fs::perms::others_read, fs::perms::none);
}

TEST(BearerTokens, NoneConfiguredAllowsEverything) {
  BearerTokens tokens({}, "");
  EXPECT_FALSE(tokens.required());
  EXPECT_TRUE(tokens.accepts(""));
}

TEST(BearerTokens, RequiresOneOfTheTokensWithBearerScheme) {
  BearerTokens tokens({"first", "second"}, "");
  EXPECT_TRUE(tokens.required());
  EXPECT_TRUE(tokens.accepts("Bearer first"));
  EXPECT_TRUE(tokens.accepts("Bearer second"));
  EXPECT_FALSE(tokens.accepts("Bearer third"));
  EXPECT_FALSE(tokens.accepts("Bearer firs"));
  EXPECT_FALSE(tokens.accepts("Basic first"));
  EXPECT_FALSE(tokens.accepts("first"));
  EXPECT_FALSE(tokens.accepts("Bearer "));
  EXPECT_FALSE(tokens.accepts(""));
  EXPECT_EQ(tokens.first_token(), "first");
}

TEST(BearerTokens, TokenFileIsReReadWhenItChanges) {
  TempDir dir;
  const fs::path file = dir.path / "token";
  write_file(file, "old-token\n");
  BearerTokens tokens({}, file.string());
  EXPECT_TRUE(tokens.accepts("Bearer old-token"));
  EXPECT_EQ(tokens.first_token(), "old-token");
  write_file(file, "rotated-token-longer\n");
  fs::last_write_time(file, fs::last_write_time(file) + std::chrono::seconds(2));
  EXPECT_TRUE(tokens.accepts("Bearer rotated-token-longer"));
  EXPECT_FALSE(tokens.accepts("Bearer old-token"));
  fs::remove(file);
  EXPECT_FALSE(tokens.accepts("Bearer rotated-token-longer"));
}

std::string base64_decode(const std::string& text) {
  std::string out(text.size(), '\0');
  const int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '\0')
    out.pop_back();  // padding
  return out;
}

TEST(ClientConfigFiles, KubeconfigWithTlsAndToken) {
  const ClientAccess access{"https://127.0.0.1:6443",
                            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", "s3cret",
                            "default"};
  const YAML::Node config = YAML::Load(kubeconfig_yaml(access));
  EXPECT_EQ(config["kind"].as<std::string>(), "Config");
  const std::string current = config["current-context"].as<std::string>();
  const YAML::Node context = config["contexts"][0];
  EXPECT_EQ(context["name"].as<std::string>(), current);
  EXPECT_EQ(context["context"]["namespace"].as<std::string>(), "default");
  const YAML::Node cluster = config["clusters"][0];
  EXPECT_EQ(cluster["name"].as<std::string>(), context["context"]["cluster"].as<std::string>());
  EXPECT_EQ(cluster["cluster"]["server"].as<std::string>(), "https://127.0.0.1:6443");
  EXPECT_EQ(base64_decode(cluster["cluster"]["certificate-authority-data"].as<std::string>()), access.ca_pem);
  EXPECT_FALSE(cluster["cluster"]["insecure-skip-tls-verify"]);
  const YAML::Node user = config["users"][0];
  EXPECT_EQ(user["name"].as<std::string>(), context["context"]["user"].as<std::string>());
  EXPECT_EQ(user["user"]["token"].as<std::string>(), "s3cret");
}

TEST(ClientConfigFiles, PlainHttpKubeconfigWithoutToken) {
  const YAML::Node config = YAML::Load(kubeconfig_yaml({"http://127.0.0.1:8080", "", "", "default"}));
  EXPECT_EQ(config["clusters"][0]["cluster"]["server"].as<std::string>(), "http://127.0.0.1:8080");
  EXPECT_TRUE(config["clusters"][0]["cluster"]["insecure-skip-tls-verify"].as<bool>());
  EXPECT_FALSE(config["clusters"][0]["cluster"]["certificate-authority-data"]);
  EXPECT_FALSE(config["users"][0]["user"]["token"]);
}

TEST(ClientConfigFiles, FilesAreWrittenOwnerOnly) {
  TempDir dir;
  const ClientAccess access{"https://127.0.0.1:1", "CA-PEM", "tok", "default"};
  write_kubeconfig(access, (dir.path / "sub" / "kubeconfig").string());
  EXPECT_EQ(read_file(dir.path / "sub" / "kubeconfig"), kubeconfig_yaml(access));
  EXPECT_EQ(fs::status(dir.path / "sub" / "kubeconfig").permissions() & fs::perms::group_read,
            fs::perms::none);
  write_service_account_dir(access, (dir.path / "sa").string());
  EXPECT_EQ(read_file(dir.path / "sa" / "token"), "tok");
  EXPECT_EQ(read_file(dir.path / "sa" / "namespace"), "default");
  EXPECT_EQ(read_file(dir.path / "sa" / "ca.crt"), "CA-PEM");
}

}  // namespace
}  // namespace kubeemu
