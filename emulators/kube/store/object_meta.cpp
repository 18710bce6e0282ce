#include "object_meta.hpp"

#include <boost/uuid/uuid_generators.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <chrono>
#include <ctime>
#include <mutex>
#include <random>

namespace kubeemu {
namespace {

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// [a-z0-9]([-a-z0-9]*[a-z0-9])?
bool is_dns_label(const std::string& s) {
  if (s.empty() || !is_lower_alnum(s.front()) || !is_lower_alnum(s.back())) return false;
  for (char c : s) {
    if (!is_lower_alnum(c) && c != '-') return false;
  }
  return true;
}

// Labels joined by dots.
bool is_dns_subdomain(const std::string& s) {
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = s.find('.', start);
    if (!is_dns_label(s.substr(start, dot == std::string::npos ? std::string::npos : dot - start)))
      return false;
    if (dot == std::string::npos) return true;
    start = dot + 1;
  }
}

const char* const kSubdomainError =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start "
    "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const char* const kLabelError =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
    "and end "
    "with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

}  // namespace

std::string rfc3339_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

std::string new_uid() {
  static std::mutex mu;
  // Seeded once: boost's random_generator asks the kernel for every UUID (a system call per created object).
  static boost::uuids::random_generator_mt19937 generator;
  std::lock_guard lock(mu);
  return boost::uuids::to_string(generator());
}

std::string generated_name(const std::string& prefix) {
  static const std::string alphabet = "bcdfghjklmnpqrstvwxz2456789";
  static std::mutex mu;
  static std::mt19937 rng{std::random_device{}()};
  std::string name = prefix.substr(0, 58);
  std::lock_guard lock(mu);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  for (int i = 0; i < 5; ++i)
    name += alphabet[pick(rng)];
  return name;
}

std::vector<FieldCause> name_causes(const std::string& name, bool dns_label) {
  std::vector<FieldCause> causes;
  const std::size_t max = dns_label ? 63 : 253;
  const std::string invalid = "Invalid value: \"" + name + "\": ";
  if (name.size() > max) {
    causes.push_back({"FieldValueInvalid",
                      invalid + "must be no more than " + std::to_string(max) + " characters",
                      "metadata.name"});
  }
  if (dns_label ? !is_dns_label(name) : !is_dns_subdomain(name)) {
    causes.push_back(
        {"FieldValueInvalid", invalid + (dns_label ? kLabelError : kSubdomainError), "metadata.name"});
  }
  return causes;
}

std::string go_string_slice(const std::vector<std::string>& values) {
  std::string out = "[]string{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += "\"" + values[i] + "\"";
  }
  return out + "}";
}

}  // namespace kubeemu
