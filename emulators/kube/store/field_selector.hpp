#pragma once
// Field selectors (k8s.io/apimachinery/pkg/fields): `path=value`, `path==value`, `path!=value`, joined by
// commas (AND). The path is any dotted path into the object (metadata.name, involvedObject.name, spec.portId
// …); a missing field reads as "". Values may escape `\,`, `\=` and `\\` as fields.EscapeValue does.

#include <string>
#include <vector>

#include "resource_type.hpp"

namespace kubeemu {

class FieldSelector {
 public:
  // Throws StatusError 400 BadRequest for a term without an operator. "" selects everything.
  static FieldSelector parse(const std::string& text);

  bool matches(const json& object) const;
  bool empty() const { return terms_.empty(); }

 private:
  struct Term {
    std::vector<std::string> path;
    bool negated;
    std::string value;
  };
  std::vector<Term> terms_;
};

}  // namespace kubeemu
