#pragma once
// Test helper shared by the built-in kind tests: a served built-in type by group and plural, and the fixed
// "now" their tables are printed at.

#include <stdexcept>
#include <string>
#include <vector>

#include "builtin_types.hpp"
#include "human_time.hpp"

namespace kubeemu::test_support {

inline const Clock::time_point kNow = *parse_rfc3339("2026-11-23T12:00:00Z");

inline const ResourceType& type_of(const std::string& group, const std::string& plural) {
  static const std::vector<ResourceType> types = builtin_types();
  for (const auto& t : types)
    if (t.group == group && t.plural == plural) return t;
  throw std::runtime_error("no built-in " + plural);
}

}  // namespace kubeemu::test_support
