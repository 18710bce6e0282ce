#pragma once
// A string that must never be printed: access key passwords and the like. Only `reveal()` gives the value, so
// every place that uses the secret is greppable; printing or converting it to text yields "***".

#include <iosfwd>
#include <string>

namespace zenlayer {

class SecretString {
 public:
  SecretString() = default;
  explicit SecretString(std::string value) : value_(std::move(value)) {}

  // The secret itself, for the places that need it: the HMAC key, and masking it out of a server's texts.
  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }

  friend bool operator==(const SecretString&, const SecretString&) = default;

 private:
  std::string value_;
};

std::string to_string(const SecretString&);
std::ostream& operator<<(std::ostream&, const SecretString&);

}  // namespace zenlayer
