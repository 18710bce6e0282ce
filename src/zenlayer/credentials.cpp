#include "zenlayer/credentials.hpp"

#include <cstdlib>
#include <fstream>
#include <ostream>
#include <sstream>

namespace zenlayer {

namespace {

std::string required_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) throw CredentialsError(std::string("environment variable ") + name + " is not set");
  if (*value == '\0') throw CredentialsError(std::string("environment variable ") + name + " is empty");
  return value;
}

std::string drop_trailing_newline(std::string text) {
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

std::string required_file(const std::filesystem::path& dir, const char* name) {
  const auto path = dir / name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CredentialsError("credentials file " + path.string() + " is missing or unreadable");
  std::ostringstream content;
  content << in.rdbuf();
  auto value = drop_trailing_newline(content.str());
  if (value.empty()) throw CredentialsError("credentials file " + path.string() + " is empty");
  return value;
}

}  // namespace

Credentials Credentials::from_environment() {
  return Credentials{required_env(kAccessKeyIdEnv), SecretString(required_env(kAccessKeyPasswordEnv))};
}

Credentials Credentials::from_directory(const std::filesystem::path& dir) {
  return Credentials{required_file(dir, kAccessKeyIdFile),
                     SecretString(required_file(dir, kAccessKeyPasswordFile))};
}

std::string to_string(const Credentials& credentials) {
  return "Credentials{accessKeyId=" + credentials.access_key_id +
         ", accessKeyPassword=" + to_string(credentials.access_key_password) + "}";
}

std::ostream& operator<<(std::ostream& out, const Credentials& credentials) {
  return out << to_string(credentials);
}

}  // namespace zenlayer
