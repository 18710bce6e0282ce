#pragma once
// The subset of Kubernetes JSONPath (client-go util/jsonpath) that printer columns use: `.a.b`, `['a.b']`,
// `.a[0]`, `.a[-1]`, `.a[1:3]`, `.a[*].b`, `.a.*`, `..b`, and filters `[?(@.k=="v")]` (==, !=, <, <=, >, >=,
// or bare existence `[?(@.k)]`). Missing keys yield no result rather than an error, as with
// AllowMissingKeys(true).

#include <memory>
#include <string>
#include <vector>

#include "resource_type.hpp"

namespace kubeemu {

class JsonPath {
 public:
  // Accepts the expression with or without surrounding braces. Throws std::invalid_argument on a syntax
  // error.
  explicit JsonPath(const std::string& expression);
  ~JsonPath();
  JsonPath(JsonPath&&) noexcept;
  JsonPath& operator=(JsonPath&&) noexcept;

  // Every value the expression selects, in document order.
  std::vector<json> find(const json& document) const;

  struct Step;  // one parsed segment (jsonpath.cpp)

 private:
  std::vector<Step> steps_;
};

}  // namespace kubeemu
