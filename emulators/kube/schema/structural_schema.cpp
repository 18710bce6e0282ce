#include "structural_schema.hpp"

#include <cmath>
#include <map>
#include <regex>
#include <stdexcept>

#include "field_error.hpp"

namespace kubeemu {

struct StructuralSchema::Patterns {
  std::map<std::string, std::regex> compiled;
};

namespace {

const json kEmpty = json::object();

const json& child(const json& schema, const char* key) {
  auto it = schema.find(key);
  return it == schema.end() ? kEmpty : *it;
}

bool flag(const json& schema, const char* key) {
  auto it = schema.find(key);
  return it != schema.end() && it->is_boolean() && it->get<bool>();
}

std::string join(const std::string& path, const std::string& name) {
  return path.empty() ? name : path + "." + name;
}

// The schema of an object's member: a declared property, else additionalProperties when it is a schema.
const json* member_schema(const json& schema, const std::string& name) {
  const json& props = child(schema, "properties");
  if (auto it = props.find(name); it != props.end()) return &*it;
  auto addl = schema.find("additionalProperties");
  if (addl != schema.end() && addl->is_object()) return &*addl;
  return nullptr;
}

bool is_root_meta(bool root, const std::string& name) {
  return root && (name == "apiVersion" || name == "kind" || name == "metadata");
}

void collect_patterns(const json& schema, std::map<std::string, std::regex>& out) {
  if (!schema.is_object() || schema.empty()) return;
  if (auto p = schema.find("pattern"); p != schema.end() && p->is_string()) {
    const std::string& text = p->get_ref<const std::string&>();
    try {
      out.emplace(text, std::regex(text, std::regex::ECMAScript));
    } catch (const std::regex_error& e) {
      throw std::runtime_error("pattern '" + text + "' is not a valid regular expression: " + e.what());
    }
  }
  for (const char* key : {"properties", "patternProperties"})
    for (const auto& [_, s] : child(schema, key).items())
      collect_patterns(s, out);
  for (const char* key : {"items", "additionalProperties", "not"})
    collect_patterns(child(schema, key), out);
  for (const char* key : {"allOf", "anyOf", "oneOf"})
    for (const auto& s : child(schema, key))
      collect_patterns(s, out);
}

// structuraldefaulting.Default followed by PruneNonNullableNullsWithoutDefaults.
void apply_defaults(const json& schema, json& value, bool root) {
  if (value.is_object()) {
    for (const auto& [name, prop] : child(schema, "properties").items()) {
      if (root && name == "metadata") continue;
      auto def = prop.find("default");
      if (def == prop.end()) continue;
      auto it = value.find(name);
      if (it == value.end() || (it->is_null() && !flag(prop, "nullable"))) value[name] = *def;
    }
    for (auto it = value.begin(); it != value.end();) {
      const json* s = is_root_meta(root, it.key()) ? nullptr : member_schema(schema, it.key());
      if (s && it->is_null() && !s->contains("default") && !flag(*s, "nullable")) {
        it = value.erase(it);
        continue;
      }
      if (s) apply_defaults(*s, *it, false);
      ++it;
    }
  } else if (value.is_array()) {
    const json& items = child(schema, "items");
    if (items.empty()) return;
    for (auto& item : value) {
      if (item.is_null() && items.contains("default") && !flag(items, "nullable")) item = items["default"];
      apply_defaults(items, item, false);
    }
  }
}

void prune(const json& schema, json& value, const std::string& path, bool root,
           std::vector<std::string>& pruned) {
  if (value.is_object()) {
    bool keep_unknown = flag(schema, "x-kubernetes-preserve-unknown-fields");
    auto addl = schema.find("additionalProperties");
    if (addl != schema.end() && addl->is_boolean() && addl->get<bool>()) keep_unknown = true;
    bool embedded = flag(schema, "x-kubernetes-embedded-resource");
    for (auto it = value.begin(); it != value.end();) {
      const std::string name = it.key();
      if (is_root_meta(root || embedded, name)) {
        ++it;
        continue;
      }
      if (const json* s = member_schema(schema, name)) {
        prune(*s, *it, join(path, name), false, pruned);
      } else if (!keep_unknown) {
        pruned.push_back(join(path, name));
        it = value.erase(it);
        continue;
      }
      ++it;
    }
  } else if (value.is_array()) {
    const json& items = child(schema, "items");
    if (items.empty()) return;
    for (std::size_t i = 0; i < value.size(); ++i)
      prune(items, value[i], path + "[" + std::to_string(i) + "]", false, pruned);
  }
}

std::string json_type(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "integer";
    case json::value_t::number_float:
      return "number";
    case json::value_t::string:
      return "string";
    case json::value_t::array:
      return "array";
    default:
      return "object";
  }
}

bool whole_number(const json& v) {
  if (!v.is_number_float()) return false;
  double d = v.get<double>();
  return std::isfinite(d) && std::floor(d) == d;
}

// Unicode code points, as Go's utf8.RuneCountInString counts them for minLength/maxLength.
int64_t rune_count(const std::string& s) {
  int64_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

bool valid_format(const std::string& format, const std::string& s) {
  // strfmt's date-time accepts RFC 3339 and a few relaxed ISO 8601 forms; leniency matches the apiserver
  // better than strictness here.
  static const std::regex date_time(
      R"(^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}(:?\d{2})?)?$)");
  static const std::regex date(R"(^\d{4}-\d{2}-\d{2}$)");
  if (format == "date-time" || format == "datetime") return std::regex_match(s, date_time);
  if (format == "date") return std::regex_match(s, date);
  return true;  // formats the apiserver does not check for CRDs (int64, int32, byte, …) or does not know
}

std::string in_body(const std::string& path) {
  return path + " in body";
}

class Validator {
 public:
  Validator(const std::map<std::string, std::regex>& patterns, std::vector<FieldCause>& causes)
      : patterns_(patterns), causes_(causes) {}

  void validate(const json& schema, const json& value, const std::string& path, bool root) {
    if (value.is_null()) {
      if (flag(schema, "nullable")) return;
      if (schema.contains("type") || flag(schema, "x-kubernetes-int-or-string"))
        causes_.push_back(type_invalid_error(path, "null", type_message(schema, path, "null")));
      return;
    }
    check_type(schema, value, path);
    if (value.is_string()) check_string(schema, value.get_ref<const std::string&>(), path);
    if (value.is_number()) check_number(schema, value, path);
    if (value.is_array()) check_array(schema, value, path);
    check_enum(schema, value, path);
    if (value.is_object()) check_object(schema, value, path, root);
  }

 private:
  static std::string declared_type(const json& schema) {
    if (flag(schema, "x-kubernetes-int-or-string")) return "integer,string";
    auto t = schema.find("type");
    return t != schema.end() && t->is_string() ? t->get<std::string>() : "";
  }

  static std::string type_message(const json& schema, const std::string& path, const std::string& actual) {
    return in_body(path) + " must be of type " + declared_type(schema) + ": " + go_quote(actual);
  }

  void check_type(const json& schema, const json& value, const std::string& path) {
    std::string want = declared_type(schema);
    if (want.empty()) return;
    std::string actual = json_type(value);
    bool ok =
        want == actual || (want == "number" && actual == "integer") ||
        (want == "integer" && actual == "number" && whole_number(value)) ||
        (want == "integer,string" && (actual == "integer" || actual == "string" || whole_number(value)));
    if (!ok) causes_.push_back(type_invalid_error(path, actual, type_message(schema, path, actual)));
  }

  // kube-openapi's stringValidator stops at the first failure: maxLength, minLength, pattern; then format.
  void check_string(const json& schema, const std::string& s, const std::string& path) {
    if (auto max = schema.find("maxLength"); max != schema.end() && rune_count(s) > max->get<int64_t>()) {
      causes_.push_back(too_long_error(path, max->get<int64_t>()));
    } else if (auto min = schema.find("minLength");
               min != schema.end() && rune_count(s) < min->get<int64_t>()) {
      causes_.push_back(invalid_error(
          path, s,
          in_body(path) + " should be at least " + std::to_string(min->get<int64_t>()) + " chars long"));
    } else if (auto p = schema.find("pattern"); p != schema.end() && p->is_string()) {
      const std::string& pattern = p->get_ref<const std::string&>();
      if (!std::regex_search(s, patterns_.at(pattern)))
        causes_.push_back(invalid_error(path, s, in_body(path) + " should match '" + pattern + "'"));
    }
    if (auto f = schema.find("format");
        f != schema.end() && f->is_string() && !valid_format(f->get<std::string>(), s))
      causes_.push_back(type_invalid_error(
          path, s, in_body(path) + " must be of type " + f->get<std::string>() + ": " + go_quote(s)));
  }

  void check_number(const json& schema, const json& value, const std::string& path) {
    double v = value.get<double>();
    if (auto m = schema.find("multipleOf"); m != schema.end() && m->get<double>() != 0) {
      double q = v / m->get<double>();
      if (std::floor(q) != q)
        causes_.push_back(invalid_error(
            path, value, in_body(path) + " should be a multiple of " + go_float(m->get<double>())));
    }
    if (auto max = schema.find("maximum"); max != schema.end()) {
      double limit = max->get<double>();
      if (flag(schema, "exclusiveMaximum") ? v >= limit : v > limit)
        causes_.push_back(
            invalid_error(path, value,
                          in_body(path) +
                              (flag(schema, "exclusiveMaximum") ? " should be less than "
                                                                : " should be less than or equal to ") +
                              go_float(limit)));
    }
    if (auto min = schema.find("minimum"); min != schema.end()) {
      double limit = min->get<double>();
      if (flag(schema, "exclusiveMinimum") ? v <= limit : v < limit)
        causes_.push_back(
            invalid_error(path, value,
                          in_body(path) +
                              (flag(schema, "exclusiveMinimum") ? " should be greater than "
                                                                : " should be greater than or equal to ") +
                              go_float(limit)));
    }
  }

  void check_array(const json& schema, const json& value, const std::string& path) {
    auto size = static_cast<int64_t>(value.size());
    if (auto min = schema.find("minItems"); min != schema.end() && size < min->get<int64_t>())
      causes_.push_back(invalid_error(
          path, size,
          in_body(path) + " should have at least " + std::to_string(min->get<int64_t>()) + " items"));
    if (auto max = schema.find("maxItems"); max != schema.end() && size > max->get<int64_t>())
      causes_.push_back(too_many_error(path, size, max->get<int64_t>()));
    const json& items = child(schema, "items");
    if (items.empty()) return;
    for (std::size_t i = 0; i < value.size(); ++i)
      validate(items, value[i], path + "[" + std::to_string(i) + "]", false);
  }

  void check_enum(const json& schema, const json& value, const std::string& path) {
    auto e = schema.find("enum");
    if (e == schema.end() || !e->is_array()) return;
    for (const auto& allowed : *e)
      if (allowed == value) return;
    std::vector<std::string> supported;
    for (const auto& allowed : *e)
      supported.push_back(allowed.is_string() ? allowed.get<std::string>() : allowed.dump());
    causes_.push_back(not_supported_error(path, value, supported));
  }

  void check_object(const json& schema, const json& value, const std::string& path, bool root) {
    auto size = static_cast<int64_t>(value.size());
    if (auto max = schema.find("maxProperties"); max != schema.end() && size > max->get<int64_t>())
      causes_.push_back(too_many_error(path, size, max->get<int64_t>()));
    if (auto min = schema.find("minProperties"); min != schema.end() && size < min->get<int64_t>())
      causes_.push_back(invalid_error(
          path, size,
          in_body(path) + " should have at least " + std::to_string(min->get<int64_t>()) + " properties"));
    for (const auto& name : child(schema, "required"))
      if (name.is_string() && !value.contains(name.get<std::string>()))
        causes_.push_back(required_error(join(path, name.get<std::string>())));
    for (const auto& [name, member] : value.items()) {
      if (root && name == "metadata") continue;  // ObjectMeta is validated by the store, not the schema
      if (const json* s = member_schema(schema, name)) validate(*s, member, join(path, name), false);
    }
  }

  const std::map<std::string, std::regex>& patterns_;
  std::vector<FieldCause>& causes_;
};

}  // namespace

StructuralSchema::StructuralSchema(json schema)
    : schema_(std::move(schema)), patterns_(std::make_unique<Patterns>()) {
  collect_patterns(schema_, patterns_->compiled);
}

StructuralSchema::~StructuralSchema() = default;

Admission StructuralSchema::admit(json& object) const {
  Admission result;
  if (!object.is_object()) {
    result.causes.push_back(type_invalid_error("", json_type(object), "must be of type object"));
    return result;
  }
  apply_defaults(schema_, object, true);
  prune(schema_, object, "", true, result.unknown_fields);
  Validator(patterns_->compiled, result.causes).validate(schema_, object, "", true);
  return result;
}

std::function<Admission(json&)> make_admit(json schema) {
  auto compiled = std::make_shared<const StructuralSchema>(std::move(schema));
  return [compiled](json& object) { return compiled->admit(object); };
}

}  // namespace kubeemu
