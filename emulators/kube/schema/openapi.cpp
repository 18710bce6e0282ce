#include "openapi.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>

namespace kubeemu {
namespace {

const std::string kMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.";

json schema_ref(const std::string& schema) {
  return {{"$ref", "#/components/schemas/" + schema}};
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

std::string upper_first(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

// "sdn.zenlayer.com" v1alpha1 → "SdnZenlayerComV1alpha1"; the core group → "CoreV1". Used in operation ids.
std::string operation_group(const ResourceType& t) {
  std::string out = t.group.empty() ? "Core" : "";
  for (const auto& part : split(t.group, '.'))
    for (const auto& word : split(part, '-'))
      out += upper_first(word);
  return out + upper_first(t.version);
}

std::string tag(const ResourceType& t) {
  std::string g = operation_group(t);
  g[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(g[0])));
  return g.substr(0, g.size() - t.version.size()) + "_" + t.version;
}

json gvk(const ResourceType& t) {
  return {{"group", t.group}, {"version", t.version}, {"kind", t.kind}};
}

json query_param(const std::string& name, const std::string& type, const std::string& description) {
  return {{"name", name},
          {"in", "query"},
          {"description", description},
          {"schema", {{"type", type}, {"uniqueItems", true}}}};
}

json path_param(const std::string& name, const std::string& description) {
  return {{"name", name},
          {"in", "path"},
          {"description", description},
          {"required", true},
          {"schema", {{"type", "string"}, {"uniqueItems", true}}}};
}

json write_params(bool with_force) {
  json p = json::array(
      {query_param(
           "dryRun", "string",
           "When present, indicates that modifications should not be persisted. Valid values are: - All: all "
           "dry run stages will be processed"),
       query_param(
           "fieldManager", "string",
           "fieldManager is a name associated with the actor or entity that is making these changes."),
       query_param(
           "fieldValidation", "string",
           "fieldValidation instructs the server on how to handle objects in the request containing unknown "
           "or duplicate fields. Valid values are: Ignore, Warn, Strict.")});
  if (with_force)
    p.push_back(
        query_param("force", "boolean",
                    "Force is going to \"force\" Apply requests. It means user will re-acquire conflicting "
                    "fields owned by other people."));
  return p;
}

json list_params() {
  json p = json::array();
  for (const char* name :
       {"continue", "fieldSelector", "labelSelector", "resourceVersion", "resourceVersionMatch"})
    p.push_back(query_param(name, "string", std::string("The ") + name + " of the list or watch."));
  p.push_back(query_param("allowWatchBookmarks", "boolean", "requests watch events with type \"BOOKMARK\"."));
  p.push_back(
      query_param("limit", "integer", "limit is a maximum number of responses to return for a list call."));
  p.push_back(query_param("sendInitialEvents", "boolean", "requests the initial events of a watch."));
  p.push_back(query_param("timeoutSeconds", "integer", "Timeout for the list/watch call."));
  p.push_back(query_param("watch", "boolean", "Watch for changes to the described resources."));
  return p;
}

json responses(const std::string& schema, std::initializer_list<std::pair<const char*, const char*>> codes) {
  json content = {{"application/json", {{"schema", schema_ref(schema)}}},
                  {"application/yaml", {{"schema", schema_ref(schema)}}}};
  json out = {{"401", {{"description", "Unauthorized"}}}};
  for (const auto& [code, description] : codes)
    out[code] = {{"description", description}, {"content", content}};
  return out;
}

json body(const std::string& schema) {
  return {{"content", {{"*/*", {{"schema", schema_ref(schema)}}}}}, {"required", true}};
}

json patch_body(const ResourceType& t) {
  json content = json::object();
  for (const char* type :
       {"application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json"})
    content[type] = {{"schema", schema_ref(kMeta + "Patch")}};
  // kubectl sends strategic merge patches to any kind whose patch lists this type; CRDs reject them with 415.
  if (!t.is_crd)
    content["application/strategic-merge-patch+json"] = {{"schema", schema_ref(kMeta + "Patch")}};
  return {{"content", content}, {"required", true}};
}

json operation(const ResourceType& t, const std::string& action, const std::string& id,
               const std::string& what) {
  return {{"tags", json::array({tag(t)})},
          {"description", what},
          {"operationId", id},
          {"x-kubernetes-action", action},
          {"x-kubernetes-group-version-kind", gvk(t)}};
}

void add_paths(const ResourceType& t, json& paths) {
  const std::string base = "/" + openapi_v3_path(t);
  const std::string kind_schema = openapi_schema_name(t, t.kind);
  const std::string list_schema = openapi_schema_name(t, t.list_kind);
  const std::string scope = t.namespaced ? "Namespaced" : "";
  const std::string og = operation_group(t);
  const std::string collection = base + (t.namespaced ? "/namespaces/{namespace}/" : "/") + t.plural;
  const std::string item = collection + "/{name}";
  json common =
      json::array({query_param("pretty", "string", "If 'true', then the output is pretty printed.")});
  if (t.namespaced)
    common.push_back(path_param("namespace", "object name and auth scope, such as for teams and projects"));
  json item_common = common;
  item_common.push_back(path_param("name", "name of the " + t.kind));
  auto has = [&](const std::string& verb) {
    return std::find(t.verbs.begin(), t.verbs.end(), verb) != t.verbs.end();
  };

  json& c = paths[collection];
  c["parameters"] = common;
  if (has("list")) {
    c["get"] = operation(t, "list", "list" + og + scope + t.kind, "list or watch objects of kind " + t.kind);
    c["get"]["parameters"] = list_params();
    c["get"]["responses"] = responses(list_schema, {{"200", "OK"}});
  }
  if (has("create")) {
    c["post"] = operation(t, "post", "create" + og + scope + t.kind, "create a " + t.kind);
    c["post"]["parameters"] = write_params(false);
    c["post"]["requestBody"] = body(kind_schema);
    c["post"]["responses"] = responses(kind_schema, {{"200", "OK"}, {"201", "Created"}, {"202", "Accepted"}});
  }
  if (has("deletecollection")) {
    c["delete"] = operation(t, "deletecollection", "deletecollection" + og + scope + t.kind,
                            "delete collection of " + t.kind);
    c["delete"]["responses"] = responses(kMeta + "Status", {{"200", "OK"}});
  }

  json& i = paths[item];
  i["parameters"] = item_common;
  if (has("get")) {
    i["get"] = operation(t, "get", "read" + og + scope + t.kind, "read the specified " + t.kind);
    i["get"]["responses"] = responses(kind_schema, {{"200", "OK"}});
  }
  if (has("update")) {
    i["put"] = operation(t, "put", "replace" + og + scope + t.kind, "replace the specified " + t.kind);
    i["put"]["parameters"] = write_params(false);
    i["put"]["requestBody"] = body(kind_schema);
    i["put"]["responses"] = responses(kind_schema, {{"200", "OK"}, {"201", "Created"}});
  }
  if (has("patch")) {
    i["patch"] =
        operation(t, "patch", "patch" + og + scope + t.kind, "partially update the specified " + t.kind);
    i["patch"]["parameters"] = write_params(true);
    i["patch"]["requestBody"] = patch_body(t);
    i["patch"]["responses"] = responses(kind_schema, {{"200", "OK"}, {"201", "Created"}});
  }
  if (has("delete")) {
    i["delete"] = operation(t, "delete", "delete" + og + scope + t.kind, "delete a " + t.kind);
    i["delete"]["responses"] = responses(kMeta + "Status", {{"200", "OK"}, {"202", "Accepted"}});
  }

  if (t.has_status) {
    json& s = paths[item + "/status"];
    s["parameters"] = item_common;
    s["get"] = operation(t, "get", "read" + og + scope + t.kind + "Status",
                         "read status of the specified " + t.kind);
    s["get"]["responses"] = responses(kind_schema, {{"200", "OK"}});
    s["put"] = operation(t, "put", "replace" + og + scope + t.kind + "Status",
                         "replace status of the specified " + t.kind);
    s["put"]["parameters"] = write_params(false);
    s["put"]["requestBody"] = body(kind_schema);
    s["put"]["responses"] = responses(kind_schema, {{"200", "OK"}, {"201", "Created"}});
    s["patch"] = operation(t, "patch", "patch" + og + scope + t.kind + "Status",
                           "partially update status of the specified " + t.kind);
    s["patch"]["parameters"] = write_params(true);
    s["patch"]["requestBody"] = patch_body(t);
    s["patch"]["responses"] = responses(kind_schema, {{"200", "OK"}, {"201", "Created"}});
  }

  if (t.namespaced && has("list")) {
    json& all = paths[base + "/" + t.plural];
    all["parameters"] =
        json::array({query_param("pretty", "string", "If 'true', then the output is pretty printed.")});
    all["get"] = operation(t, "list", "list" + og + t.kind + "ForAllNamespaces",
                           "list or watch objects of kind " + t.kind);
    all["get"]["parameters"] = list_params();
    all["get"]["responses"] = responses(list_schema, {{"200", "OK"}});
  }
}

json kind_schema(const ResourceType& t) {
  json s = t.openapi_schema.is_object() ? t.openapi_schema : json{{"type", "object"}};
  json& props = s["properties"];
  if (!props.is_object()) props = json::object();
  props["apiVersion"] = {{"type", "string"},
                         {"description",
                          "APIVersion defines the versioned schema of this representation of an "
                          "object."}};
  props["kind"] = {
      {"type", "string"},
      {"description", "Kind is a string value representing the REST resource this object represents."}};
  props["metadata"] = {{"allOf", json::array({schema_ref(kMeta + "ObjectMeta")})},
                       {"default", json::object()},
                       {"description", "Standard object's metadata."}};
  s["x-kubernetes-group-version-kind"] = json::array({gvk(t)});
  return s;
}

json list_schema(const ResourceType& t) {
  json g = gvk(t);
  g["kind"] = t.list_kind;
  return {{"description", t.list_kind + " is a list of " + t.kind},
          {"type", "object"},
          {"required", json::array({"items"})},
          {"properties",
           {{"apiVersion", {{"type", "string"}}},
            {"kind", {{"type", "string"}}},
            {"items", {{"type", "array"}, {"items", schema_ref(openapi_schema_name(t, t.kind))}}},
            {"metadata",
             {{"allOf", json::array({schema_ref(kMeta + "ListMeta")})}, {"default", json::object()}}}}},
          {"x-kubernetes-group-version-kind", json::array({g})}};
}

json string_prop(const char* description) {
  return {{"type", "string"}, {"description", description}};
}

// The meta/v1 types the kinds reference, trimmed to what `kubectl explain <kind>.metadata` shows.
void add_meta_schemas(json& schemas) {
  json string_map = {{"type", "object"}, {"additionalProperties", {{"type", "string"}, {"default", ""}}}};
  schemas[kMeta + "ObjectMeta"] = {
      {"description", "ObjectMeta is metadata that all persisted resources must have."},
      {"type", "object"},
      {"properties",
       {{"name", string_prop("Name must be unique within a namespace.")},
        {"generateName",
         string_prop("GenerateName is an optional prefix, used by the server, to generate a unique "
                     "name ONLY IF the Name field has not been provided.")},
        {"namespace", string_prop("Namespace defines the space within which each name must be unique.")},
        {"uid", string_prop("UID is the unique in time and space value for this object.")},
        {"resourceVersion",
         string_prop("An opaque value that represents the internal version of this object.")},
        {"generation",
         {{"type", "integer"},
          {"format", "int64"},
          {"description",
           "A sequence number representing "
           "a specific generation of the "
           "desired state."}}},
        {"creationTimestamp", {{"type", "string"}, {"format", "date-time"}}},
        {"deletionTimestamp", {{"type", "string"}, {"format", "date-time"}}},
        {"deletionGracePeriodSeconds", {{"type", "integer"}, {"format", "int64"}}},
        {"labels", string_map},
        {"annotations", string_map},
        {"finalizers", {{"type", "array"}, {"items", {{"type", "string"}, {"default", ""}}}}},
        {"ownerReferences",
         {{"type", "array"},
          {"items", {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}}}}},
        {"managedFields",
         {{"type", "array"},
          {"items", {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}}}}}}}};
  schemas[kMeta + "ListMeta"] = {
      {"description", "ListMeta describes metadata that synthetic resources must have."},
      {"type", "object"},
      {"properties",
       {{"resourceVersion", {{"type", "string"}}},
        {"continue", {{"type", "string"}}},
        {"remainingItemCount", {{"type", "integer"}, {"format", "int64"}}}}}};
  schemas[kMeta + "Patch"] = {
      {"description",
       "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body."},
      {"type", "object"}};
  schemas[kMeta + "Status"] = {
      {"description", "Status is a return value for calls that don't return other objects."},
      {"type", "object"},
      {"properties",
       {{"apiVersion", {{"type", "string"}}},
        {"kind", {{"type", "string"}}},
        {"code", {{"type", "integer"}, {"format", "int32"}}},
        {"details", {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}}},
        {"message", {{"type", "string"}}},
        {"metadata", {{"allOf", json::array({schema_ref(kMeta + "ListMeta")})}, {"default", json::object()}}},
        {"reason", {{"type", "string"}}},
        {"status", {{"type", "string"}}}}},
      {"x-kubernetes-group-version-kind",
       json::array({{{"group", ""}, {"kind", "Status"}, {"version", "v1"}}})}};
}

}  // namespace

std::string openapi_v3_path(const ResourceType& t) {
  return t.group.empty() ? "api/" + t.version : "apis/" + t.group + "/" + t.version;
}

std::string openapi_schema_name(const ResourceType& t, const std::string& kind) {
  if (!t.is_crd) {
    // Built-ins live in k8s.io/api/<group>/<version>: "" → core, "coordination.k8s.io" → coordination.
    std::string pkg = t.group.empty() ? "core" : split(t.group, '.').front();
    return "io.k8s.api." + pkg + "." + t.version + "." + kind;
  }
  auto parts = split(t.group, '.');
  std::string out;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it)
    out += *it + ".";
  return out + t.version + "." + kind;
}

json openapi_v3_group_version(const std::vector<ResourceType>& types, const std::string& gv_path) {
  json paths = json::object();
  json schemas = json::object();
  bool any = false;
  for (const auto& t : types) {
    if (openapi_v3_path(t) != gv_path) continue;
    any = true;
    add_paths(t, paths);
    schemas[openapi_schema_name(t, t.kind)] = kind_schema(t);
    schemas[openapi_schema_name(t, t.list_kind)] = list_schema(t);
  }
  if (!any) return nullptr;
  add_meta_schemas(schemas);
  return {{"openapi", "3.0.0"},
          {"info", {{"title", "Kubernetes"}, {"version", "unversioned"}}},
          {"paths", std::move(paths)},
          {"components", {{"schemas", std::move(schemas)}}}};
}

std::string openapi_v3_hash(const json& document) {
  std::string text = document.dump();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha512(), nullptr) != 1)
    throw std::runtime_error("SHA-512 of an OpenAPI document failed");
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

json openapi_v3_root(const std::vector<ResourceType>& types) {
  std::map<std::string, bool> seen;
  json paths = json::object();
  for (const auto& t : types) {
    std::string gv = openapi_v3_path(t);
    if (seen[gv]) continue;
    seen[gv] = true;
    paths[gv] = {{"serverRelativeURL",
                  "/openapi/v3/" + gv + "?hash=" + openapi_v3_hash(openapi_v3_group_version(types, gv))}};
  }
  return {{"paths", std::move(paths)}};
}

}  // namespace kubeemu
