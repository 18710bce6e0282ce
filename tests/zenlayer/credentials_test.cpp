#include "zenlayer/credentials.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace zenlayer {
namespace {

constexpr const char* kPassword = "s3cr3t-Pa55w0rd";

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (value != nullptr) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() { unsetenv(name_); }

 private:
  const char* name_;
};

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("zenlayer-credentials-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  void write(const char* name, const std::string& content) const { std::ofstream(path_ / name) << content; }
  const std::filesystem::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

std::string message_of(const std::function<void()>& load) {
  try {
    load();
  } catch (const CredentialsError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no CredentialsError thrown";
  return {};
}

TEST(ZenlayerSecretString, NeverPrintsItsValue) {
  const SecretString secret(kPassword);
  std::ostringstream out;
  out << secret;
  EXPECT_EQ(out.str(), "***");
  EXPECT_EQ(to_string(secret), "***");
  EXPECT_EQ(secret.reveal(), kPassword);
}

TEST(ZenlayerCredentials, FromEnvironment) {
  ScopedEnv id(kAccessKeyIdEnv, "AKID-env");
  ScopedEnv password(kAccessKeyPasswordEnv, kPassword);
  const auto credentials = Credentials::from_environment();
  EXPECT_EQ(credentials.access_key_id, "AKID-env");
  EXPECT_EQ(credentials.access_key_password.reveal(), kPassword);
}

TEST(ZenlayerCredentials, MissingOrEmptyEnvironmentNamesTheVariable) {
  {
    ScopedEnv id(kAccessKeyIdEnv, nullptr);
    ScopedEnv password(kAccessKeyPasswordEnv, kPassword);
    const auto message = message_of([] { Credentials::from_environment(); });
    EXPECT_NE(message.find("ZENLAYERCLOUD_ACCESS_KEY_ID is not set"), std::string::npos) << message;
  }
  {
    ScopedEnv id(kAccessKeyIdEnv, "AKID-env");
    ScopedEnv password(kAccessKeyPasswordEnv, "");
    const auto message = message_of([] { Credentials::from_environment(); });
    EXPECT_NE(message.find("ZENLAYERCLOUD_ACCESS_KEY_PASSWORD is empty"), std::string::npos) << message;
  }
}

TEST(ZenlayerCredentials, FromMountedSecretTrimsTrailingNewline) {
  TempDir dir;
  dir.write(kAccessKeyIdFile, "AKID-file\n");
  dir.write(kAccessKeyPasswordFile, std::string(kPassword) + "\r\n");
  const auto credentials = Credentials::from_directory(dir.path());
  EXPECT_EQ(credentials.access_key_id, "AKID-file");
  EXPECT_EQ(credentials.access_key_password.reveal(), kPassword);
}

TEST(ZenlayerCredentials, FileWithoutNewlineIsTakenAsIs) {
  TempDir dir;
  dir.write(kAccessKeyIdFile, "AKID-file");
  dir.write(kAccessKeyPasswordFile, kPassword);
  EXPECT_EQ(Credentials::from_directory(dir.path()).access_key_password.reveal(), kPassword);
}

TEST(ZenlayerCredentials, MissingOrEmptyFileNamesTheFileNotTheValue) {
  TempDir dir;
  dir.write(kAccessKeyIdFile, "AKID-file\n");
  auto message = message_of([&] { Credentials::from_directory(dir.path()); });
  EXPECT_NE(message.find("accessKeyPassword is missing"), std::string::npos) << message;
  EXPECT_EQ(message.find("AKID-file"), std::string::npos) << message;

  dir.write(kAccessKeyPasswordFile, "\n");
  message = message_of([&] { Credentials::from_directory(dir.path()); });
  EXPECT_NE(message.find("accessKeyPassword is empty"), std::string::npos) << message;
}

TEST(ZenlayerCredentials, PrintingRedactsThePassword) {
  const Credentials credentials{"AKID-print", SecretString(kPassword)};
  std::ostringstream out;
  out << credentials;
  EXPECT_EQ(out.str(), "Credentials{accessKeyId=AKID-print, accessKeyPassword=***}");
  EXPECT_EQ(to_string(credentials), out.str());
  EXPECT_EQ(out.str().find(kPassword), std::string::npos);
}

}  // namespace
}  // namespace zenlayer
