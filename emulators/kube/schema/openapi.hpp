#pragma once
// OpenAPI v3 documents as kubectl >= 1.29 reads them (kube-api-emulation.md 1.2; cli-runtime
// query_param_verifier_v3.go, kubectl apply/patcher.go, kubectl explain).
// Root: {"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=H"},"apis/G/V":{...}}}.
// Group-version document: paths for each resource, whose operations carry a single-object
// x-kubernetes-group-version-kind; every patch has a `fieldValidation` query parameter and lists json-patch,
// merge-patch and apply-patch bodies (strategic merge only for built-in kinds, never for custom resources);
// components.schemas holds each kind (e.g. com.zenlayer.sdn.v1alpha1.ZenlayerPort), its list and the meta/v1
// types they reference, so `kubectl explain` can walk them.

#include <string>
#include <vector>

#include "resource_type.hpp"

namespace kubeemu {

json openapi_v3_root(const std::vector<ResourceType>& types);
// gv_path is "api/v1" or "apis/G/V"; null when no type belongs to it.
json openapi_v3_group_version(const std::vector<ResourceType>& types, const std::string& gv_path);
// The `hash` a root document advertises for a group-version document: stable for equal content (SHA-512,
// hex).
std::string openapi_v3_hash(const json& group_version_document);
// "api/v1" for the core group, "apis/G/V" otherwise.
std::string openapi_v3_path(const ResourceType& t);
// The components.schemas name of a kind: reversed group, version, kind
// ("com.zenlayer.sdn.v1alpha1.ZenlayerPort"; built-ins as the apiserver names them,
// "io.k8s.api.core.v1.Secret").
std::string openapi_schema_name(const ResourceType& t, const std::string& kind);

}  // namespace kubeemu
