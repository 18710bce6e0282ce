#pragma once
// Legacy (non-aggregated) discovery documents built from the served types. Every kubectl version and client
// falls back to these when the answer is plain application/json (kube-api-emulation.md 1.1).

#include <optional>
#include <string>
#include <vector>

#include "resource_type.hpp"

namespace kubeemu {

// GET /api: {"kind":"APIVersions","versions":["v1"],...}.
json core_api_versions(const std::string& server_address);
// GET /apis: every non-core group with its versions, the first registered version preferred.
json api_group_list(const std::vector<ResourceType>& types);
// GET /apis/G; nullopt when no type has that group.
std::optional<json> api_group(const std::vector<ResourceType>& types, const std::string& group);
// GET /api/v1 or /apis/G/V: the resources with verbs, short names, categories and a `PLURAL/status` entry for
// each type with a status subresource; nullopt when no type has that group-version.
std::optional<json> api_resource_list(const std::vector<ResourceType>& types, const std::string& group,
                                      const std::string& version);
// GET /version.
json version_info();

}  // namespace kubeemu
