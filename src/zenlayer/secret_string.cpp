#include "zenlayer/secret_string.hpp"

#include <ostream>

namespace zenlayer {

namespace {
constexpr const char* kRedacted = "***";
}

std::string to_string(const SecretString&) {
  return kRedacted;
}

std::ostream& operator<<(std::ostream& out, const SecretString&) {
  return out << kRedacted;
}

}  // namespace zenlayer
