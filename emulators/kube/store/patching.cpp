#include "patching.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <regex>

#include "status_error.hpp"

namespace kubeemu {
namespace {

json parse_json_body(const std::string& body) {
  try {
    return json::parse(body);
  } catch (const json::exception& e) {
    throw StatusError::bad_request(std::string("error decoding patch: ") + e.what());
  }
}

// nlohmann's messages start with "[json.exception.out_of_range.403] "; the client needs only the rest.
std::string without_exception_prefix(const std::string& what) {
  const std::size_t close = what.find("] ");
  return what.rfind("[json.exception", 0) == 0 && close != std::string::npos ? what.substr(close + 2) : what;
}

json scalar_to_json(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return text;  // quoted: always a string
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  static const std::regex integer(R"([-+]?[0-9]+)");
  static const std::regex number(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (std::regex_match(text, integer)) {
    errno = 0;
    const long long v = std::strtoll(text.c_str(), nullptr, 10);
    if (errno == 0) return v;
  }
  if (std::regex_match(text, number)) return std::strtod(text.c_str(), nullptr);
  return text;
}

json node_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : node)
        out[kv.first.as<std::string>()] = node_to_json(kv.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node)
        out.push_back(node_to_json(item));
      return out;
    }
    case YAML::NodeType::Scalar:
      return scalar_to_json(node);
    default:
      return nullptr;
  }
}

}  // namespace

json apply_merge_patch(const json& target, const std::string& body) {
  const json patch = parse_json_body(body);
  // RFC 7386 would replace the whole document with a non-object patch; the apiserver refuses it instead (a
  // JSON-patch array sent as merge-patch by python-kubernetes must not wipe the object).
  if (!patch.is_object())
    throw StatusError::bad_request("Invalid JSON Patch: a merge patch must be a JSON object");
  json out = target;
  out.merge_patch(patch);
  return out;
}

json apply_json_patch(const json& target, const std::string& body) {
  const json patch = parse_json_body(body);
  if (!patch.is_array()) {
    throw StatusError::bad_request("json: cannot unmarshal " + std::string(patch.type_name()) +
                                   " into Go value of type jsonpatch.Patch");
  }
  try {
    return target.patch(patch);
  } catch (const json::exception& e) {
    throw StatusError(422, "Invalid", without_exception_prefix(e.what()));
  }
}

json yaml_to_json(const std::string& yaml_text) {
  try {
    return node_to_json(YAML::Load(yaml_text));
  } catch (const YAML::Exception& e) {
    throw StatusError::bad_request(std::string("error decoding YAML: ") + e.what());
  }
}

json parse_apply_body(const std::string& body) {
  json applied = yaml_to_json(body);
  if (!applied.is_object())
    throw StatusError::bad_request("error decoding YAML: the applied object must be a mapping");
  return applied;
}

}  // namespace kubeemu
