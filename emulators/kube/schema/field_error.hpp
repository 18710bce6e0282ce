#pragma once
// Field errors worded exactly as k8s.io/apimachinery/pkg/util/validation/field/errors.go words them
// (Error.ErrorBody), including Go's %v / %q rendering of the offending value, so kubectl users see the same
// text.

#include <string>
#include <vector>

#include "resource_type.hpp"

namespace kubeemu {

// Go's strconv.Quote for the printable ASCII/UTF-8 subset JSON values use.
std::string go_quote(const std::string& s);
// Go's %v of a float64: shortest digits, exponent form below 1e-4 and from 1e+06 on (100000, 1e+06, 1.5).
std::string go_float(double v);
// How ErrorBody prints a bad value: strings quoted, numbers and booleans bare, null as "null", others like
// %#v.
std::string go_value(const json& v);

FieldCause required_error(const std::string& field);
FieldCause invalid_error(const std::string& field, const json& value, const std::string& detail);
FieldCause type_invalid_error(const std::string& field, const json& value, const std::string& detail);
FieldCause not_supported_error(const std::string& field, const json& value,
                               const std::vector<std::string>& supported);
FieldCause too_long_error(const std::string& field, int64_t max_length);
FieldCause too_many_error(const std::string& field, int64_t actual, int64_t max_items);

}  // namespace kubeemu
