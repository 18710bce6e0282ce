#pragma once
// application/strategic-merge-patch+json, as the apiserver applies it to built-in kinds
// (apimachinery/pkg/util/strategicpatch): maps merge, `null` deletes, and lists merge element by element
// where the kind's schema names a merge key (containers by name, container ports by containerPort …);
// other lists are replaced. kubectl apply builds such patches with directives, all honoured here:
// `$patch` (replace, delete, merge), `$retainKeys`, `$setElementOrder/<list>`,
// `$deleteFromPrimitiveList/<list>`.

#include <map>
#include <string>

#include "resource_type.hpp"

namespace kubeemu {

// `merge_keys`: dotted list path (no indexes) → merge key, "" for a merged list of scalars (see
// ResourceType::merge_keys). metadata.finalizers (scalars) and metadata.ownerReferences (uid) merge for
// every kind, as ObjectMeta declares them. Throws StatusError: 400 for a body that is not a JSON object,
// 422 for a directive of the wrong shape.
json apply_strategic_merge_patch(const json& target, const std::string& body,
                                 const std::map<std::string, std::string>& merge_keys);

}  // namespace kubeemu
