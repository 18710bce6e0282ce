#include "builtin_kind.hpp"

#include "meta_docs.hpp"

namespace kubeemu::builtin {
namespace {

void collect_merge_keys(const json& schema, const std::string& path, std::map<std::string, std::string>& out,
                        int depth) {
  if (!schema.is_object() || depth > 32) return;
  if (auto strategy = schema.find("x-kubernetes-patch-strategy");
      strategy != schema.end() && strategy->is_string() &&
      strategy->get<std::string>().find("merge") != std::string::npos && schema.value("type", "") == "array")
    out[path] = schema.value("x-kubernetes-patch-merge-key", "");
  if (auto props = schema.find("properties"); props != schema.end() && props->is_object())
    for (const auto& [name, sub] : props->items())
      collect_merge_keys(sub, path.empty() ? name : path + "." + name, out, depth + 1);
  if (auto items = schema.find("items"); items != schema.end())
    collect_merge_keys(*items, path, out, depth + 1);
}

}  // namespace

json object_of(json properties) {
  return {{"type", "object"},
          {"x-kubernetes-preserve-unknown-fields", true},
          {"properties", std::move(properties)}};
}
json string_type(const char* description) {
  json s = {{"type", "string"}};
  if (*description) s["description"] = description;
  return s;
}
json integer_type(const char* format) {
  return {{"type", "integer"}, {"format", format}};
}
json boolean_type() {
  return {{"type", "boolean"}};
}
json time_type() {
  return {{"type", "string"}, {"format", "date-time"}};
}
json string_map() {
  return {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}};
}
json string_list() {
  return array_of(string_type());
}
json int_or_string() {
  return {{"x-kubernetes-int-or-string", true}};
}
json object_reference() {
  return object_of({{"apiVersion", string_type()},
                    {"fieldPath", string_type()},
                    {"kind", string_type()},
                    {"name", string_type()},
                    {"namespace", string_type()},
                    {"resourceVersion", string_type()},
                    {"uid", string_type()}});
}
json array_of(json items) {
  return {{"type", "array"}, {"items", std::move(items)}};
}
json merged_list(json items, const char* merge_key) {
  json s = array_of(std::move(items));
  s["x-kubernetes-patch-strategy"] = "merge";
  if (*merge_key) s["x-kubernetes-patch-merge-key"] = merge_key;
  return s;
}
json root_schema(const char* description, json properties) {
  properties["apiVersion"] = string_type();
  properties["kind"] = string_type();
  properties["metadata"] = json{{"type", "object"}};
  json s = object_of(std::move(properties));
  s["description"] = description;
  return s;
}

ResourceType kind_of(const char* group, const char* version, const char* kind, const char* plural,
                     bool namespaced) {
  ResourceType t;
  t.group = group;
  t.version = version;
  t.kind = kind;
  t.list_kind = std::string(kind) + "List";
  t.plural = plural;
  t.singular = std::string(plural).substr(0, std::string(plural).size() - 1);
  t.namespaced = namespaced;
  return t;
}

PrinterColumn column(const char* name, const char* description, int priority, const char* format) {
  return PrinterColumn{name, "string", format, description, priority, ""};
}
PrinterColumn name_column(int priority) {
  return column("Name", meta_docs::kName, priority, "name");
}
PrinterColumn age_column() {
  return column("Age", meta_docs::kCreationTimestamp);
}

std::string text(const json& object, const json::json_pointer& at) {
  if (!object.contains(at)) return "";
  const json& v = object.at(at);
  return v.is_string() ? v.get<std::string>() : "";
}
std::string name_of(const json& o) {
  return text(o, "/metadata/name"_json_pointer);
}
std::string age_of(const json& o, Clock::time_point now) {
  return age_since(text(o, "/metadata/creationTimestamp"_json_pointer), now);
}
int64_t size_of(const json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_object() ? static_cast<int64_t>(it->size()) : 0;
}
int64_t number(const json& o, const json::json_pointer& at) {
  if (!o.contains(at)) return 0;
  const json& v = o.at(at);
  return v.is_number_integer() ? v.get<int64_t>() : 0;
}
std::string format_labels(const json& map) {
  std::string out;
  if (map.is_object())
    for (const auto& [k, v] : map.items())
      out += (out.empty() ? "" : ",") + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
  return out.empty() ? "<none>" : out;
}

std::map<std::string, std::string> merge_keys_of_schema(const json& schema) {
  std::map<std::string, std::string> out;
  collect_merge_keys(schema, "", out, 0);
  return out;
}

}  // namespace kubeemu::builtin
