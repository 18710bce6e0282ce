#pragma once
// Server-set metadata values (uid, timestamps, generated names) and the apiserver's name validation.

#include <string>
#include <vector>

#include "resource_type.hpp"

namespace kubeemu {

// Now as RFC 3339 with whole seconds and `Z`, as metav1.Time serialises.
std::string rfc3339_now();
// A random UUIDv4, as the apiserver assigns to metadata.uid.
std::string new_uid();
// generateName + 5 random characters from the apiserver's alphabet (no vowels, so no words), the prefix cut
// to 58 characters first as names.SimpleNameGenerator does.
std::string generated_name(const std::string& prefix);

// The field errors for metadata.name: a DNS-1123 subdomain, or a DNS-1123 label for namespaces. Empty: valid.
std::vector<FieldCause> name_causes(const std::string& name, bool dns_label);

// Go's %#v rendering of a []string: []string{"a", "b"}. Error messages quote finalizer lists this way.
std::string go_string_slice(const std::vector<std::string>& values);

}  // namespace kubeemu
