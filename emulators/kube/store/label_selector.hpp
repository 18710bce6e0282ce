#pragma once
// Label selectors as kubectl and client-go send them (k8s.io/apimachinery/pkg/labels): equality-based
// (`a=b`, `a==b`, `a!=b`), set-based (`a in (x,y)`, `a notin (x)`, `a`, `!a`) and `a>1`/`a<1`, joined by
// commas.

#include <string>
#include <vector>

#include "resource_type.hpp"

namespace kubeemu {

class LabelSelector {
 public:
  // Throws StatusError 400 BadRequest for a malformed selector. "" selects everything.
  static LabelSelector parse(const std::string& text);

  // `labels` is metadata.labels (an object, or null when the object has none).
  bool matches(const json& labels) const;
  bool empty() const { return requirements_.empty(); }

 private:
  enum class Op { Exists, DoesNotExist, Equals, NotEquals, In, NotIn, GreaterThan, LessThan };
  struct Requirement {
    std::string key;
    Op op;
    std::vector<std::string> values;
  };
  static bool satisfied(const Requirement& r, const json& labels);
  std::vector<Requirement> requirements_;
};

}  // namespace kubeemu
