// rbac.authorization.k8s.io/v1 Role, ClusterRole (cluster-scoped), RoleBinding and ClusterRoleBinding
// (cluster-scoped). Stored, not enforced: the emulator authorizes nothing. A binding's roleRef cannot change,
// as on the real apiserver (a chart upgrade that renames the role must delete and recreate the binding).
#include <memory>

#include "builtin_kind.hpp"
#include "field_error.hpp"
#include "meta_docs.hpp"
#include "structural_schema.hpp"

namespace kubeemu::builtin {
namespace {

constexpr const char* kGroup = "rbac.authorization.k8s.io";

json rules() {
  return array_of(object_of({{"apiGroups", string_list()},
                             {"resources", string_list()},
                             {"verbs", string_list()},
                             {"resourceNames", string_list()},
                             {"nonResourceURLs", string_list()}}));
}

void check_rules(const json& role, std::vector<FieldCause>& causes) {
  auto it = role.find("rules");
  if (it == role.end() || !it->is_array()) return;
  for (std::size_t i = 0; i < it->size(); ++i)
    if ((*it)[i].value("verbs", json::array()).empty())
      causes.push_back(required_error("rules[" + std::to_string(i) + "].verbs"));
}

std::vector<json> created_at_row(const json& o, Clock::time_point) {
  return {name_of(o), text(o, "/metadata/creationTimestamp"_json_pointer)};
}

BuiltinKind role(const char* kind, const char* plural, bool namespaced) {
  ResourceType t = kind_of(kGroup, "v1", kind, plural, namespaced);
  json properties = {{"rules", rules()}};
  if (!namespaced)
    properties["aggregationRule"] = object_of({{"clusterRoleSelectors", array_of(object_of({}))}});
  t.openapi_schema = root_schema(
      namespaced
          ? "Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by "
            "a RoleBinding."
          : "ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a "
            "unit by a RoleBinding or ClusterRoleBinding.",
      std::move(properties));
  auto schema = std::make_shared<const StructuralSchema>(t.openapi_schema);
  t.admit = [schema](json& r) {
    Admission result = schema->admit(r);
    if (result.causes.empty() && r.is_object()) check_rules(r, result.causes);
    return result;
  };
  t.columns = {name_column(), PrinterColumn{"Created At", "date", "", meta_docs::kCreationTimestamp, 0, ""}};
  return {t, created_at_row};
}

// Go's %#v of the internal rbac.RoleRef, as the "cannot change roleRef" message prints it.
std::string go_role_ref(const json& ref) {
  auto field = [&](const char* name) {
    return go_quote(ref.is_object() && ref.value(name, json()).is_string() ? ref[name].get<std::string>()
                                                                           : "");
  };
  return "rbac.RoleRef{APIGroup:" + field("apiGroup") + ", Kind:" + field("kind") +
         ", Name:" + field("name") + "}";
}

void check_binding(const json& b, std::vector<FieldCause>& causes) {
  const json ref = b.value("roleRef", json::object());
  for (const char* field : {"kind", "name"})
    if (!ref.is_object() || ref.value(field, "").empty())
      causes.push_back(required_error(std::string("roleRef.") + field));
  const json subjects = b.value("subjects", json::array());
  for (std::size_t i = 0; subjects.is_array() && i < subjects.size(); ++i)
    for (const char* field : {"kind", "name"})
      if (subjects[i].value(field, "").empty())
        causes.push_back(required_error("subjects[" + std::to_string(i) + "]." + field));
}

// "ns/name" of each ServiceAccount subject, the names of the User or Group ones.
std::string subjects_of(const json& b, const std::string& kind) {
  std::string out;
  for (const auto& s : b.value("subjects", json::array())) {
    if (s.value("kind", "") != kind) continue;
    std::string one = s.value("name", "");
    if (kind == "ServiceAccount") one = s.value("namespace", "") + "/" + one;
    out += (out.empty() ? "" : ", ") + one;
  }
  return out;
}

BuiltinKind binding(const char* kind, const char* plural, bool namespaced) {
  ResourceType t = kind_of(kGroup, "v1", kind, plural, namespaced);
  t.openapi_schema = root_schema(
      namespaced ? "RoleBinding references a role, but does not contain it."
                 : "ClusterRoleBinding references a ClusterRole, but not contain it.",
      {{"roleRef",
        object_of({{"apiGroup", string_type()}, {"kind", string_type()}, {"name", string_type()}})},
       {"subjects", array_of(object_of({{"kind", string_type()},
                                        {"apiGroup", string_type()},
                                        {"name", string_type()},
                                        {"namespace", string_type()}}))}});
  t.openapi_schema["required"] = {"roleRef"};
  auto schema = std::make_shared<const StructuralSchema>(t.openapi_schema);
  t.admit = [schema](json& b) {
    Admission result = schema->admit(b);
    if (result.causes.empty() && b.is_object()) check_binding(b, result.causes);
    return result;
  };
  t.admit_update = [](json& next, const json& old, std::vector<FieldCause>& causes) {
    const json before = old.value("roleRef", json()), after = next.value("roleRef", json());
    if (before != after)
      causes.push_back({"FieldValueInvalid",
                        "Invalid value: " + go_role_ref(after) + ": cannot change roleRef", "roleRef"});
  };
  t.columns = {name_column(),
               column("Role", "Role is a reference to a role"),
               age_column(),
               column("Users", "Users in the binding", 1),
               column("Groups", "Groups in the binding", 1),
               column("ServiceAccounts", "ServiceAccounts in the binding", 1)};
  return {t, [](const json& o, Clock::time_point now) {
            const json ref = o.value("roleRef", json::object());
            return std::vector<json>{name_of(o),
                                     ref.value("kind", "") + "/" + ref.value("name", ""),
                                     age_of(o, now),
                                     subjects_of(o, "User"),
                                     subjects_of(o, "Group"),
                                     subjects_of(o, "ServiceAccount")};
          }};
}

}  // namespace

std::vector<BuiltinKind> rbac_kinds() {
  return {role("Role", "roles", true), role("ClusterRole", "clusterroles", false),
          binding("RoleBinding", "rolebindings", true),
          binding("ClusterRoleBinding", "clusterrolebindings", false)};
}

}  // namespace kubeemu::builtin
