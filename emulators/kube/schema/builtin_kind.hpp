#pragma once
// Building blocks of the built-in kinds' table entries (builtin_types.cpp and the builtin_*.cpp files per API
// group): permissive schema builders, printer columns and the cell helpers the row printers share.

#include <map>
#include <string>
#include <vector>

#include "builtin_types.hpp"

namespace kubeemu::builtin {

// One built-in kind: what the store serves and how `kubectl get` prints it.
struct BuiltinKind {
  ResourceType type;
  RowPrinter printer;
};

// Schema builders. Every object keeps unknown fields: these schemas give `kubectl explain` something to show
// and catch type mistakes, without the emulator dropping a real field it forgot to declare.
json object_of(json properties);
json string_type(const char* description = "");
json integer_type(const char* format = "int32");
json boolean_type();
json time_type();
json string_map();
json string_list();
json int_or_string();
json object_reference();
json array_of(json items);
// A list merged element by element by strategic merge patch (x-kubernetes-patch-strategy: merge), by
// `merge_key`, or as a set of scalars when `merge_key` is empty.
json merged_list(json items, const char* merge_key);
json root_schema(const char* description, json properties);

// A kind of `group`/`version` with its names; singular is plural without the final "s".
ResourceType kind_of(const char* group, const char* version, const char* kind, const char* plural,
                     bool namespaced);

PrinterColumn column(const char* name, const char* description, int priority = 0, const char* format = "");
PrinterColumn name_column(int priority = 0);
PrinterColumn age_column();

std::string text(const json& object, const json::json_pointer& at);
std::string name_of(const json& o);
std::string age_of(const json& o, Clock::time_point now);
int64_t size_of(const json& o, const char* key);
// The number at `at` (0 when absent or not a number).
int64_t number(const json& o, const json::json_pointer& at);
// "k1=v1,k2=v2" of a string map, "<none>" when empty (labels.FormatLabels).
std::string format_labels(const json& map);

// The strategic-merge table of a schema (ResourceType::merge_keys): every array whose
// x-kubernetes-patch-strategy contains "merge", by dotted path, with its x-kubernetes-patch-merge-key.
std::map<std::string, std::string> merge_keys_of_schema(const json& schema);

// The kinds of each file: core v1 ServiceAccount and Service (builtin_services.cpp), apps/v1 Deployment and
// policy/v1 PodDisruptionBudget (builtin_workloads.cpp), rbac.authorization.k8s.io/v1 (builtin_rbac.cpp),
// apiextensions.k8s.io/v1 CustomResourceDefinition (builtin_apiextensions.cpp).
std::vector<BuiltinKind> service_kinds();
std::vector<BuiltinKind> workload_kinds();
std::vector<BuiltinKind> rbac_kinds();
std::vector<BuiltinKind> apiextensions_kinds();

}  // namespace kubeemu::builtin
