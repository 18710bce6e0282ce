// The client's TLS path against zenlayer-emulator serving HTTPS: verification on by default, an extra CA file
// trusted on top of the system store, and the opt-out. The throwaway PKI is minted by kube-emulator --tls
// (a CA plus a server certificate for 127.0.0.1), so no certificate is kept in the repository.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "support/child_process.hpp"
#include "zenlayer/client.hpp"
#include "zenlayer/cpprest_transport.hpp"
#include "zenlayer/sdn_ports.hpp"

namespace zenlayer {
namespace {

constexpr const char* kId = "AKID-tls";
constexpr const char* kPassword = "tls-Pa55word";

class ZenlayerTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char pattern[] = "/tmp/zenlayer-tls-XXXXXX";
    tls_dir_ = new std::filesystem::path(mkdtemp(pattern));
    auto minter = testsupport::ChildProcess::start(
        {KUBE_EMULATOR_PATH, "--listen", "127.0.0.1:0", "--tls", "--tls-dir", tls_dir_->string()});
    minter.wait_for_listening();  // the files are written before it listens
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*tls_dir_);
    delete tls_dir_;
  }

  void SetUp() override {
    emulator_ = std::make_unique<testsupport::ChildProcess>(testsupport::ChildProcess::start(
        {ZENLAYER_EMULATOR_PATH, "--listen", "127.0.0.1:0", "--access-key-id", kId, "--access-key-password",
         kPassword, "--tls-cert", (*tls_dir_ / "tls.crt").string(), "--tls-key",
         (*tls_dir_ / "tls.key").string()}));
    url_ = emulator_->wait_for_listening();
  }

  PortList describe(TransportOptions transport) {
    transport.endpoint = Endpoint::parse(url_);
    transport.request_timeout = std::chrono::seconds(5);
    Client client(Credentials{kId, SecretString(kPassword)}, make_cpprest_transport(transport),
                  ClientOptions{.backoff = {.max_attempts = 1}});
    SdnPorts ports(client);
    return ports.list_ports();
  }

  static std::filesystem::path* tls_dir_;
  std::unique_ptr<testsupport::ChildProcess> emulator_;
  std::string url_;
};

std::filesystem::path* ZenlayerTls::tls_dir_ = nullptr;

TEST_F(ZenlayerTls, TheEmulatorServesHttps) {
  EXPECT_EQ(url_.rfind("https://127.0.0.1:", 0), 0u) << url_;
}

TEST_F(ZenlayerTls, AnUntrustedCertificateIsRefusedAsATransportError) {
  try {
    describe({});
    FAIL() << "a certificate from an unknown CA was accepted";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::Transport) << e.what();
    EXPECT_EQ(e.http_status(), 0);
  }
}

TEST_F(ZenlayerTls, TheConfiguredCaFileIsTrusted) {
  EXPECT_NO_THROW(describe({.ca_file = *tls_dir_ / "ca.crt"}));
}

TEST_F(ZenlayerTls, VerificationCanBeTurnedOff) {
  EXPECT_NO_THROW(describe({.verify_tls = false}));
}

}  // namespace
}  // namespace zenlayer
