#include "field_selector.hpp"

#include <algorithm>

#include "status_error.hpp"

namespace kubeemu {
namespace {

// Splits on commas that are not escaped with a backslash.
std::vector<std::string> split_terms(const std::string& s) {
  std::vector<std::string> terms;
  std::string current;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      current += s[i];
      current += s[++i];
    } else if (s[i] == ',') {
      terms.push_back(std::move(current));
      current.clear();
    } else {
      current += s[i];
    }
  }
  terms.push_back(std::move(current));
  return terms;
}

std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) ++i;
    out += s[i];
  }
  return out;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

// The field rendered as the apiserver's field set would hold it: strings as they are, numbers and booleans
// printed, a missing field as "".
std::string field_value(const json& object, const std::vector<std::string>& path) {
  const json* node = &object;
  for (const auto& part : path) {
    if (!node->is_object()) return "";
    auto it = node->find(part);
    if (it == node->end()) return "";
    node = &*it;
  }
  if (node->is_string()) return node->get<std::string>();
  if (node->is_null() || node->is_structured()) return "";
  return node->dump();
}

}  // namespace

FieldSelector FieldSelector::parse(const std::string& text) {
  FieldSelector selector;
  if (text.empty()) return selector;
  for (const std::string& term : split_terms(text)) {
    // The operators are tried in this order, as fields.parseSelector does, so `a!=b` is never read as `a!` =
    // `b`.
    std::size_t at = std::string::npos, width = 0;
    bool negated = false;
    for (const auto& [op, neg] : {std::pair{"!=", true}, {"==", false}, {"=", false}}) {
      at = term.find(op);
      if (at != std::string::npos) {
        width = std::string(op).size(), negated = neg;
        break;
      }
    }
    if (at == std::string::npos)
      throw StatusError::bad_request("invalid selector: '" + text + "'; can't understand '" + term + "'");
    selector.terms_.push_back({split_path(term.substr(0, at)), negated, unescape(term.substr(at + width))});
  }
  return selector;
}

bool FieldSelector::matches(const json& object) const {
  return std::all_of(terms_.begin(), terms_.end(),
                     [&](const Term& t) { return (field_value(object, t.path) == t.value) != t.negated; });
}

}  // namespace kubeemu
