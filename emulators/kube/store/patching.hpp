#pragma once
// The patch formats a PATCH request can carry, applied to a copy of the live object. Each throws only
// StatusError: a body of the wrong shape is the client's mistake (400), a patch that cannot apply is 422.

#include <string>

#include "resource_type.hpp"

namespace kubeemu {

// application/merge-patch+json (RFC 7386): the body must be a JSON object; null deletes; arrays are replaced.
json apply_merge_patch(const json& target, const std::string& body);
// application/json-patch+json (RFC 6902, including `test`): the body must be a JSON array.
json apply_json_patch(const json& target, const std::string& body);
// application/apply-patch+yaml: the applied configuration, YAML or JSON, which must be a mapping.
json parse_apply_body(const std::string& body);

// A YAML node as JSON, keeping scalar types: plain scalars that read as null, booleans, integers or floats
// become those; quoted scalars stay strings.
json yaml_to_json(const std::string& yaml_text);

}  // namespace kubeemu
