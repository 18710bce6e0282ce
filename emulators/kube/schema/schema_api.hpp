#pragma once
// The schema side of the emulator: CRDs, structural schemas, OpenAPI v3 documents, Tables, built-in kinds.
// Pure functions over JSON; no HTTP, no store. This umbrella header is what the server includes; each part
// has its own header:
//   crd_loader.hpp         load_crd_file(), crd_types()
//   structural_schema.hpp  prune / default / validate a custom resource (ResourceType::admit)
//   builtin_types.hpp      builtin_types(): namespaces, secrets, configmaps, both events, leases
//   builtin_protobuf.hpp   protobuf_to_json(): protobuf bodies of kubectl >= 1.32 (create secret ...)
//   openapi.hpp            openapi_v3_root(), openapi_v3_group_version()
//   table.hpp              to_table(), evaluate_column()
//   jsonpath.hpp           JsonPath, the printer-column subset of Kubernetes JSONPath

#include "builtin_protobuf.hpp"
#include "builtin_types.hpp"
#include "crd_loader.hpp"
#include "openapi.hpp"
#include "table.hpp"
