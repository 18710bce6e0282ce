#include "crd_loader.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "jsonpath.hpp"
#include "structural_schema.hpp"
#include "yaml_json.hpp"

namespace kubeemu {
namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what);
}

const json& require(const json& parent, const std::string& key, const std::string& where,
                    json::value_t type) {
  auto it = parent.find(key);
  if (it == parent.end() || it->is_null()) fail(where + key + " is missing");
  if (it->type() != type && !(type == json::value_t::number_integer && it->is_number_unsigned()))
    fail(where + key + " must be of type " + std::string(json(type).type_name()));
  return *it;
}

std::string required_string(const json& parent, const std::string& key, const std::string& where) {
  const json& v = require(parent, key, where, json::value_t::string);
  if (v.get_ref<const std::string&>().empty()) fail(where + key + " must not be empty");
  return v.get<std::string>();
}

std::vector<std::string> string_list(const json& parent, const std::string& key, const std::string& where) {
  std::vector<std::string> out;
  auto it = parent.find(key);
  if (it == parent.end() || it->is_null()) return out;
  if (!it->is_array()) fail(where + key + " must be a list of strings");
  for (const auto& item : *it) {
    if (!item.is_string()) fail(where + key + " must be a list of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::vector<PrinterColumn> printer_columns(const json& version, const std::string& where) {
  std::vector<PrinterColumn> columns;
  auto it = version.find("additionalPrinterColumns");
  if (it == version.end() || it->is_null()) return columns;
  if (!it->is_array()) fail(where + "additionalPrinterColumns must be a list");
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& c = (*it)[i];
    std::string at = where + "additionalPrinterColumns[" + std::to_string(i) + "].";
    if (!c.is_object()) fail(at + " must be an object");
    PrinterColumn col;
    col.name = required_string(c, "name", at);
    col.type = required_string(c, "type", at);
    static const std::vector<std::string> kTypes = {"integer", "number", "string", "boolean", "date"};
    if (std::find(kTypes.begin(), kTypes.end(), col.type) == kTypes.end())
      fail(at + "type: Unsupported value: \"" + col.type + "\"");
    col.json_path = required_string(c, "jsonPath", at);
    try {
      JsonPath check(col.json_path);
    } catch (const std::invalid_argument& e) {
      fail(at + "jsonPath: " + e.what());
    }
    col.format = c.value("format", "");
    col.description = c.value("description", "");
    col.priority = c.value("priority", 0);
    columns.push_back(std::move(col));
  }
  return columns;
}

}  // namespace

std::vector<ResourceType> crd_types(const json& crd) {
  if (!crd.is_object()) fail("a CustomResourceDefinition must be an object");
  if (crd.value("kind", "") != "CustomResourceDefinition")
    fail("kind is \"" + crd.value("kind", "") + "\", expected CustomResourceDefinition");
  if (crd.value("apiVersion", "") != "apiextensions.k8s.io/v1")
    fail("apiVersion is \"" + crd.value("apiVersion", "") + "\", only apiextensions.k8s.io/v1 is supported");
  const json& spec = require(crd, "spec", "", json::value_t::object);
  const json& names = require(spec, "names", "spec.", json::value_t::object);

  ResourceType base;
  base.is_crd = true;
  base.group = required_string(spec, "group", "spec.");
  base.kind = required_string(names, "kind", "spec.names.");
  base.plural = required_string(names, "plural", "spec.names.");
  base.list_kind = names.value("listKind", base.kind + "List");
  base.singular = names.value("singular", lower(base.kind));
  base.short_names = string_list(names, "shortNames", "spec.names.");
  base.categories = string_list(names, "categories", "spec.names.");
  std::string scope = required_string(spec, "scope", "spec.");
  if (scope != "Namespaced" && scope != "Cluster")
    fail("spec.scope: Unsupported value: \"" + scope + "\": supported values: \"Cluster\", \"Namespaced\"");
  base.namespaced = scope == "Namespaced";
  std::string expected_name = base.plural + "." + base.group;
  if (auto name = crd.find("metadata");
      name != crd.end() && name->value("name", expected_name) != expected_name)
    fail("metadata.name must be spec.names.plural + \".\" + spec.group: \"" + expected_name + "\"");

  const json& versions = require(spec, "versions", "spec.", json::value_t::array);
  if (versions.empty()) fail("spec.versions must not be empty");
  std::vector<ResourceType> out;
  for (std::size_t i = 0; i < versions.size(); ++i) {
    const json& v = versions[i];
    std::string where = "spec.versions[" + std::to_string(i) + "].";
    if (!v.is_object()) fail(where + " must be an object");
    if (!v.value("served", false)) continue;
    ResourceType t = base;
    t.version = required_string(v, "name", where);
    const json& schema = require(v, "schema", where, json::value_t::object);
    t.openapi_schema = require(schema, "openAPIV3Schema", where + "schema.", json::value_t::object);
    if (auto sub = v.find("subresources"); sub != v.end() && sub->is_object())
      t.has_status = sub->contains("status");
    t.columns = printer_columns(v, where);
    try {
      t.admit = make_admit(t.openapi_schema);
    } catch (const std::runtime_error& e) {
      fail(where + "schema.openAPIV3Schema: " + e.what());
    }
    out.push_back(std::move(t));
  }
  if (out.empty()) fail("spec.versions has no served version");
  return out;
}

std::vector<ResourceType> load_crd_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  std::vector<json> docs;
  try {
    docs = yaml_documents_to_json(text.str());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
  if (docs.empty()) throw std::runtime_error(path + ": no CustomResourceDefinition in the file");
  std::vector<ResourceType> out;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    std::string name;
    if (docs[i].is_object() && docs[i].contains("metadata") && docs[i]["metadata"].is_object())
      name = docs[i]["metadata"].value("name", "");
    try {
      auto types = crd_types(docs[i]);
      out.insert(out.end(), types.begin(), types.end());
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(path + ": document " + std::to_string(i + 1) +
                               (name.empty() ? "" : " (" + name + ")") + ": " + e.what());
    }
  }
  return out;
}

}  // namespace kubeemu
