#pragma once
// YAML documents as JSON, resolving plain scalars the way Kubernetes' YAML reader (go-yaml v2, YAML 1.1)
// does, so a CRD read here means what it means to the real apiserver: `enum: ["True"]` stays strings,
// `default: 5` an integer.

#include <string>
#include <vector>

#include "resource_type.hpp"

namespace kubeemu {

// Every non-empty document of a YAML stream, in order. Throws std::runtime_error with the parser's line and
// column.
std::vector<json> yaml_documents_to_json(const std::string& text);

}  // namespace kubeemu
