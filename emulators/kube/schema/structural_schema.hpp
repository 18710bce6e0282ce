#pragma once
// Admission of a custom resource against its structural openAPIV3Schema, in the apiserver's order: defaults
// (structuraldefaulting.Default, also inside objects that exist), dropping nulls of non-nullable fields
// without a default, pruning unknown fields (structuralpruning.Prune), then validation (kube-openapi's
// validators as apiextensions' ValidateCustomResource words them). The root's apiVersion, kind and metadata
// are never pruned and metadata is not validated here (the store checks names). Not evaluated:
// x-kubernetes-validations (CEL rules), allOf/anyOf/oneOf/not value validations, uniqueItems.

#include <functional>
#include <memory>

#include "resource_type.hpp"

namespace kubeemu {

class StructuralSchema {
 public:
  // Compiles the schema's patterns up front. Throws std::runtime_error for a pattern std::regex cannot
  // compile.
  explicit StructuralSchema(json schema);
  ~StructuralSchema();
  StructuralSchema(const StructuralSchema&) = delete;
  StructuralSchema& operator=(const StructuralSchema&) = delete;

  // Thread-safe: the schema is immutable once built.
  Admission admit(json& object) const;
  const json& schema() const { return schema_; }

 private:
  struct Patterns;
  json schema_;
  std::unique_ptr<Patterns> patterns_;
};

// A ResourceType::admit backed by a StructuralSchema built from `schema`.
std::function<Admission(json&)> make_admit(json schema);

}  // namespace kubeemu
