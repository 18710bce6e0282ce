#pragma once
// CustomResourceDefinition (apiextensions.k8s.io/v1) YAML or JSON → one ResourceType per served version.

#include <string>
#include <vector>

#include "resource_type.hpp"

namespace kubeemu {

// Reads every CRD document of a YAML file. Throws std::runtime_error "<path>: document N (<crd name>):
// <problem>".
std::vector<ResourceType> load_crd_file(const std::string& path);

// One CRD object. `admit` prunes, defaults and validates with the version's openAPIV3Schema
// (structural_schema.hpp). A CRD without additionalPrinterColumns gets `columns` empty (tables then show Name
// and Age). Throws std::runtime_error naming the missing or malformed field.
std::vector<ResourceType> crd_types(const json& crd);

}  // namespace kubeemu
