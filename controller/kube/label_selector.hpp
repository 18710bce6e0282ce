#pragma once
// A label selector as kubectl and client-go write it (k8s.io/apimachinery/pkg/labels): requirements joined by
// commas, each `key=value`, `key==value`, `key!=value`, `key in (a,b)`, `key notin (a)`, `key`, `!key`,
// `key>1` or `key<1`. The API server does the filtering; the operator parses the selector to refuse a bad one
// at startup (rather than list nothing and log 400s forever) and to tell whether an object it wrote itself
// still belongs to its shard.

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace zpo::kube {

class LabelSelectorError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class LabelSelector {
 public:
  // Selects everything.
  LabelSelector() = default;

  // Throws LabelSelectorError saying what is wrong and where, with the rules the API server applies (label
  // key and value syntax, integer operands of > and <). "" (or only spaces) selects everything.
  static LabelSelector parse(std::string_view text);

  // `labels` is metadata.labels: an object of strings, or null/absent when the object has none.
  bool matches(const nlohmann::json& labels) const;
  // The object's metadata.labels against the selector.
  bool matches_object(const nlohmann::json& object) const;

  bool selects_everything() const { return requirements_.empty(); }
  // As given to parse(): the value of the labelSelector query parameter.
  const std::string& text() const { return text_; }

 private:
  enum class Op { Exists, DoesNotExist, In, NotIn, GreaterThan, LessThan };
  struct Requirement {
    std::string key;
    Op op;
    std::vector<std::string> values;  // In/NotIn: the set; GreaterThan/LessThan: one integer
  };
  static bool satisfied(const Requirement& requirement, const nlohmann::json& labels);

  std::string text_{};
  std::vector<Requirement> requirements_{};
};

}  // namespace zpo::kube
