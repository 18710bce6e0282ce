#pragma once
// What the emulator knows about one served resource type (a CRD version or a built-in kind).

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kubeemu {

using json = nlohmann::json;

// One problem with a field, as the real apiserver reports it in Status.details.causes[].
struct FieldCause {
  std::string reason;   // FieldValueRequired, FieldValueInvalid, FieldValueNotSupported,
                        // FieldValueTypeInvalid, FieldValueTooLong, FieldValueForbidden, FieldValueDuplicate
  std::string message;  // e.g. `Unsupported value: "X": supported values: "Delete", "RecycleBin", "Orphan"`
  std::string field;    // e.g. `spec.deletionPolicy`
};

// The outcome of admitting an object against its schema.
struct Admission {
  std::vector<std::string>
      unknown_fields;              // paths of fields not in the schema (already pruned from the object)
  std::vector<FieldCause> causes;  // validation failures; empty means valid
};

// A printer column (CRD additionalPrinterColumns, or a built-in kind's columns).
struct PrinterColumn {
  std::string name;
  std::string type;  // string, integer, number, boolean, date
  std::string format;
  std::string description;
  int priority = 0;
  std::string json_path;  // e.g. .status.conditions[?(@.type=="Ready")].status
};

struct ResourceType {
  std::string group;  // "" for the core group
  std::string version;
  std::string kind;
  std::string list_kind;
  std::string plural;
  std::string singular;
  bool namespaced = true;
  bool has_status = false;  // a /status subresource
  bool is_crd = false;      // custom resources: no strategic merge patch, 415 for it
  bool has_generation =
      false;  // a built-in kind whose metadata.generation counts spec changes (CRs always do)
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  std::vector<std::string> verbs = {"create", "delete", "deletecollection", "get",
                                    "list",   "patch",  "update",           "watch"};
  std::vector<PrinterColumn> columns;  // empty: Name and Age
  json openapi_schema;                 // openAPIV3Schema of the version, or null

  // Prunes unknown fields, applies defaults and validates, in place, as the apiserver does for a CRD.
  // Unset: anything is accepted as it is.
  std::function<Admission(json& object)> admit;
  // Update-only rules that need the stored object (immutable fields, values the server keeps once allocated):
  // may fill `next` from `old` and adds a cause per violation. Unset: none.
  std::function<void(json& next, const json& old, std::vector<FieldCause>& causes)> admit_update;
  // Strategic merge patch: the lists merged element by element, by the dotted path of the list (list indexes
  // left out, e.g. "spec.template.spec.containers.ports") → the merge key ("" for a merged list of scalars).
  // Lists not named here are replaced. Derived from x-kubernetes-patch-strategy/-merge-key of openapi_schema.
  std::map<std::string, std::string> merge_keys;

  std::string group_version() const { return group.empty() ? version : group + "/" + version; }
  // "zenlayerports.sdn.zenlayer.com", or "secrets" for the core group: the name used in error messages.
  std::string qualified_resource() const { return group.empty() ? plural : plural + "." + group; }
  // "ZenlayerPort.sdn.zenlayer.com", or "Secret": the name used in 422 Invalid messages.
  std::string qualified_kind() const { return group.empty() ? kind : kind + "." + group; }
};

}  // namespace kubeemu
