#pragma once
// The schema side of the emulator: CRDs, structural schemas, OpenAPI v3 documents, Tables, built-in kinds.
// Pure functions over JSON; no HTTP, no store. (Split into files with one job each; this header lists the API the
// server uses.)

#include <string>
#include <vector>

#include "resource_type.hpp"

namespace kubeemu {

// Reads a CustomResourceDefinition YAML file (one or more documents) into one ResourceType per served version,
// with `admit` set from the version's openAPIV3Schema (prune unknown fields, apply defaults, validate types,
// required, enum, pattern, minLength/maxLength, minimum/maximum, minItems/maxItems, format date-time/int64,
// x-kubernetes-preserve-unknown-fields, x-kubernetes-int-or-string; metadata/apiVersion/kind are left alone).
// Throws std::runtime_error naming the file and the problem.
std::vector<ResourceType> load_crd_file(const std::string& path);
std::vector<ResourceType> crd_types(const json& crd);

// The built-in kinds the emulator serves: core v1 namespaces (cluster-scoped), secrets, configmaps, events;
// events.k8s.io/v1 events; coordination.k8s.io/v1 leases. Secrets' admit folds stringData into base64 data.
std::vector<ResourceType> builtin_types();

// OpenAPI v3, as kubectl >= 1.29 reads it (kube-api-emulation.md 1.2):
//   root: {"paths":{"apis/G/V":{"serverRelativeURL":"/openapi/v3/apis/G/V?hash=H"}, "api/v1":{...}}}
//   group-version document: components.schemas for each kind and, for each resource, paths whose patch
//   operation has a single-object x-kubernetes-group-version-kind and a fieldValidation parameter, never the
//   strategic-merge content type for custom resources.
json openapi_v3_root(const std::vector<ResourceType>& types);
// gv_path is "api/v1" or "apis/G/V"; null when no type belongs to it.
json openapi_v3_group_version(const std::vector<ResourceType>& types, const std::string& gv_path);

// A meta.k8s.io/v1 Table for a list (or a single object) of type t, with t.columns (Name first, then the
// columns; a date column rendered as the raw timestamp, as the real server does; kubectl turns it into an age).
// include_object: "Metadata" (default; rows[].object is a PartialObjectMetadata), "Object" or "None".
json to_table(const ResourceType& t, const json& list_or_object, const std::string& include_object);

// Evaluates a printer-column JSONPath (.a.b, .a[0], .a[*].b, .a[?(@.k=="v")].b) and renders it as kubectl does
// (several results joined with ","; missing: null cell).
json evaluate_column(const PrinterColumn& column, const json& object);

}  // namespace kubeemu
