#pragma once
// Adding or removing a finalizer as a JSON Patch guarded by `test` operations (as kube-rs does): the write
// only applies to the list of finalizers we read, so a concurrent change makes it fail with 422/409 instead
// of clobbering someone else's finalizer.

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace zpo::kube {

bool has_finalizer(const nlohmann::json& object, std::string_view finalizer);

// The patch that appends `finalizer`, or nullopt when it is already there.
std::optional<nlohmann::json> add_finalizer_patch(const nlohmann::json& object, std::string_view finalizer);

// The patch that removes `finalizer`, or nullopt when it is not there.
std::optional<nlohmann::json> remove_finalizer_patch(const nlohmann::json& object,
                                                     std::string_view finalizer);

}  // namespace zpo::kube
