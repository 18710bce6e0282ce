// apiextensions.k8s.io/v1 CustomResourceDefinition: stored, so that a chart shipping its CRD as a template
// applies, is read back and deleted. Limit: a CRD written through the API does not start serving its
// resource; only the CRDs given with --crd are served (a stored CRD of the same name changes nothing there).
#include <memory>

#include "builtin_kind.hpp"
#include "field_error.hpp"
#include "meta_docs.hpp"
#include "structural_schema.hpp"

namespace kubeemu::builtin {
namespace {

// What the apiextensions controllers report once the names are accepted: a CRD is Established at once.
void fill_status(json& crd) {
  const json spec = crd.value("spec", json::object());
  json& status = crd["status"];
  if (!status.is_object()) status = json::object();
  status["acceptedNames"] = spec.value("names", json::object());
  if (!status.contains("conditions")) {
    const std::string now = crd["metadata"].value("creationTimestamp", "");
    json conditions = json::array();
    for (const char* type : {"NamesAccepted", "Established"})
      conditions.push_back(
          {{"type", type},
           {"status", "True"},
           {"lastTransitionTime", now},
           {"reason", std::string(type) == "Established" ? "InitialNamesAccepted" : "NoConflicts"},
           {"message", std::string(type) == "Established" ? "the initial names have been accepted"
                                                          : "no conflicts found"}});
    status["conditions"] = std::move(conditions);
  }
  json stored = status.value("storedVersions", json::array());
  for (const auto& v : spec.value("versions", json::array()))
    if (v.value("storage", false) &&
        std::find(stored.begin(), stored.end(), v.value("name", json())) == stored.end())
      stored.push_back(v["name"]);
  status["storedVersions"] = std::move(stored);
}

void check_crd(const json& crd, std::vector<FieldCause>& causes) {
  const json spec = crd.value("spec", json::object());
  const std::string plural =
      spec.contains("/names/plural"_json_pointer) && spec["names"]["plural"].is_string()
          ? spec["names"]["plural"].get<std::string>()
          : "";
  const std::string group = spec.value("group", "");
  const std::string name = crd["metadata"].value("name", "");
  if (group.empty()) causes.push_back(required_error("spec.group"));
  if (plural.empty()) causes.push_back(required_error("spec.names.plural"));
  if (spec.value("names", json::object()).value("kind", "").empty())
    causes.push_back(required_error("spec.names.kind"));
  if (!group.empty() && !plural.empty() && name != plural + "." + group)
    causes.push_back(invalid_error("metadata.name", name, "must be spec.names.plural+\".\"+spec.group"));
  if (spec.value("versions", json::array()).empty()) causes.push_back(required_error("spec.versions"));
  if (spec.value("scope", "") != "Namespaced" && spec.value("scope", "") != "Cluster")
    causes.push_back(
        not_supported_error("spec.scope", spec.value("scope", json("")), {"Cluster", "Namespaced"}));
}

BuiltinKind custom_resource_definitions() {
  ResourceType t =
      kind_of("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false);
  t.short_names = {"crd", "crds"};
  t.categories = {"api-extensions"};
  t.has_status = true;
  t.has_generation = true;
  json names = object_of({{"plural", string_type()},
                          {"singular", string_type()},
                          {"kind", string_type()},
                          {"listKind", string_type()},
                          {"shortNames", string_list()},
                          {"categories", string_list()}});
  t.openapi_schema =
      root_schema("CustomResourceDefinition represents a resource that should be exposed on the API server.",
                  {{"spec", object_of({{"group", string_type()},
                                       {"names", names},
                                       {"scope", string_type()},
                                       {"versions", array_of(object_of({{"name", string_type()},
                                                                        {"served", boolean_type()},
                                                                        {"storage", boolean_type()},
                                                                        {"schema", object_of({})}}))},
                                       {"conversion", object_of({{"strategy", string_type()}})},
                                       {"preserveUnknownFields", boolean_type()}})},
                   {"status", object_of({{"acceptedNames", names},
                                         {"conditions", array_of(object_of({}))},
                                         {"storedVersions", string_list()}})}});
  auto schema = std::make_shared<const StructuralSchema>(t.openapi_schema);
  t.admit = [schema](json& crd) {
    Admission result = schema->admit(crd);
    if (!result.causes.empty() || !crd.is_object()) return result;
    check_crd(crd, result.causes);
    if (result.causes.empty()) fill_status(crd);
    return result;
  };
  t.columns = {name_column(), PrinterColumn{"Created At", "date", "", meta_docs::kCreationTimestamp, 0, ""}};
  return {t, [](const json& o, Clock::time_point) {
            return std::vector<json>{name_of(o), text(o, "/metadata/creationTimestamp"_json_pointer)};
          }};
}

}  // namespace

std::vector<BuiltinKind> apiextensions_kinds() {
  return {custom_resource_definitions()};
}

}  // namespace kubeemu::builtin
