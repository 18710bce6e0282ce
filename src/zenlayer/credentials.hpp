#pragma once
// The AccessKeyId / AccessKeyPassword pair that signs every request, loaded from the environment or from a
// mounted Kubernetes Secret. Errors name what is missing, never a value.

#include <filesystem>
#include <iosfwd>
#include <stdexcept>
#include <string>

#include "zenlayer/secret_string.hpp"

namespace zenlayer {

inline constexpr const char* kAccessKeyIdEnv = "ZENLAYERCLOUD_ACCESS_KEY_ID";
inline constexpr const char* kAccessKeyPasswordEnv = "ZENLAYERCLOUD_ACCESS_KEY_PASSWORD";
inline constexpr const char* kAccessKeyIdFile = "accessKeyId";
inline constexpr const char* kAccessKeyPasswordFile = "accessKeyPassword";

class CredentialsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Credentials {
  std::string access_key_id{};
  SecretString access_key_password{};

  // Throws CredentialsError naming the missing or empty variable.
  static Credentials from_environment();
  // Reads `accessKeyId` and `accessKeyPassword` from a directory (a mounted Secret); one trailing newline (LF
  // or CRLF) is dropped because `echo` and most editors add it. Throws CredentialsError naming the missing
  // file.
  static Credentials from_directory(const std::filesystem::path& dir);
};

// "Credentials{accessKeyId=AK…, accessKeyPassword=***}".
std::string to_string(const Credentials&);
std::ostream& operator<<(std::ostream&, const Credentials&);

}  // namespace zenlayer
