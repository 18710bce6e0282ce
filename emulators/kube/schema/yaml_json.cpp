#include "yaml_json.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <regex>
#include <stdexcept>

namespace kubeemu {
namespace {

bool one_of(const std::string& s, std::initializer_list<const char*> words) {
  for (const char* w : words)
    if (s == w) return true;
  return false;
}

// A plain (unquoted, untagged) scalar resolved by the YAML 1.1 rules go-yaml v2 applies.
json resolve_plain(const std::string& s) {
  if (one_of(s, {"", "~", "null", "Null", "NULL"})) return nullptr;
  if (one_of(s, {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"})) return true;
  if (one_of(s, {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"})) return false;
  static const std::regex decimal(R"([-+]?(0|[1-9][0-9_]*))");
  static const std::regex hex(R"([-+]?0x[0-9a-fA-F_]+)");
  static const std::regex octal(R"([-+]?0o?[0-7_]+)");
  static const std::regex real(R"([-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?)");
  std::string digits;
  for (char c : s)
    if (c != '_') digits += c;
  auto as_integer = [&](int base, std::size_t skip) -> json {
    bool negative = digits[0] == '-';
    std::size_t start = (digits[0] == '-' || digits[0] == '+') ? 1 : 0;
    std::string body = digits.substr(start + skip);
    errno = 0;
    unsigned long long magnitude = std::strtoull(body.c_str(), nullptr, base);
    if (errno == ERANGE || magnitude > static_cast<unsigned long long>(std::numeric_limits<int64_t>::max()))
      return std::strtod(digits.c_str(), nullptr);  // too large for int64: a float, as Go's decoder does
    int64_t v = static_cast<int64_t>(magnitude);
    return negative ? -v : v;
  };
  if (std::regex_match(s, decimal)) return as_integer(10, 0);
  if (std::regex_match(s, hex)) return as_integer(16, 2);
  if (std::regex_match(s, octal)) {
    bool has_o = s.find('o') != std::string::npos;
    return as_integer(8, has_o ? 2 : 1);
  }
  if (std::regex_match(s, real)) return std::strtod(digits.c_str(), nullptr);
  if (one_of(s, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"}))
    return std::numeric_limits<double>::infinity();
  if (one_of(s, {"-.inf", "-.Inf", "-.INF"})) return -std::numeric_limits<double>::infinity();
  if (one_of(s, {".nan", ".NaN", ".NAN"})) return std::nan("");
  return s;
}

json scalar_to_json(const YAML::Node& node) {
  const std::string& tag = node.Tag();
  const std::string& text = node.Scalar();
  // "!" marks a quoted scalar: always a string. Explicit core tags force their type.
  if (tag == "!" || tag == "tag:yaml.org,2002:str") return text;
  if (tag == "?" || tag.empty()) return resolve_plain(text);
  json resolved = resolve_plain(text);
  if (tag == "tag:yaml.org,2002:int" && resolved.is_number_integer()) return resolved;
  if (tag == "tag:yaml.org,2002:float" && resolved.is_number()) return resolved.get<double>();
  if (tag == "tag:yaml.org,2002:bool" && resolved.is_boolean()) return resolved;
  if (tag == "tag:yaml.org,2002:null" && resolved.is_null()) return resolved;
  return text;  // an application tag: keep the text
}

json node_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return scalar_to_json(node);
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node)
        out.push_back(node_to_json(item));
      return out;
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& entry : node) {
        json key = scalar_to_json(entry.first);
        out[key.is_string() ? key.get<std::string>() : key.dump()] = node_to_json(entry.second);
      }
      return out;
    }
  }
  return nullptr;
}

}  // namespace

std::vector<json> yaml_documents_to_json(const std::string& text) {
  std::vector<YAML::Node> nodes;
  try {
    nodes = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    throw std::runtime_error("invalid YAML at line " + std::to_string(e.mark.line + 1) + ", column " +
                             std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  std::vector<json> out;
  for (const auto& node : nodes) {
    json doc = node_to_json(node);
    if (!doc.is_null()) out.push_back(std::move(doc));
  }
  return out;
}

}  // namespace kubeemu
