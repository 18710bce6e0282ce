#include "jsonpath.hpp"

#include <cstdlib>
#include <functional>
#include <optional>
#include <stdexcept>

namespace kubeemu {

struct JsonPath::Step {
  enum class Kind { Field, RecursiveField, Wildcard, Index, Slice, Filter } kind = Kind::Field;
  std::string name;                      // Field, RecursiveField
  int64_t index = 0;                     // Index
  std::optional<int64_t> start, end;     // Slice
  int64_t stride = 1;                    // Slice
  std::vector<std::string> filter_path;  // Filter: @.a.b
  std::string op;                        // Filter: "", ==, !=, <, <=, >, >=
  json literal;                          // Filter: right-hand side
};

namespace {

using Step = JsonPath::Step;

Step make_step(Step::Kind kind, std::string name = "") {
  Step s;
  s.kind = kind;
  s.name = std::move(name);
  return s;
}

[[noreturn]] void syntax(const std::string& expr, const std::string& why) {
  throw std::invalid_argument("invalid JSONPath " + expr + ": " + why);
}

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '/';
}

class Parser {
 public:
  explicit Parser(std::string expr) : expr_(std::move(expr)) {}

  std::vector<Step> parse() {
    std::string body = expr_;
    if (body.size() >= 2 && body.front() == '{' && body.back() == '}') body = body.substr(1, body.size() - 2);
    text_ = body;
    if (!text_.empty() && text_[0] == '$') pos_ = 1;
    std::vector<Step> steps;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '.') {
        ++pos_;
        bool recursive = peek('.');
        if (recursive) ++pos_;
        if (peek('*')) {
          ++pos_;
          steps.push_back(make_step(Step::Kind::Wildcard));
          continue;
        }
        if (peek('[')) {
          if (recursive) steps.push_back(make_step(Step::Kind::RecursiveField));
          continue;
        }
        std::string name = field_name();
        if (name.empty()) {
          if (pos_ >= text_.size() && steps.empty()) break;  // "." alone selects the document
          syntax(expr_, "missing field name at " + std::to_string(pos_));
        }
        steps.push_back(make_step(recursive ? Step::Kind::RecursiveField : Step::Kind::Field, name));
      } else if (c == '[') {
        steps.push_back(bracket());
      } else {
        syntax(expr_, std::string("unexpected '") + c + "' at " + std::to_string(pos_));
      }
    }
    return steps;
  }

 private:
  bool peek(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  void skip_spaces() {
    while (pos_ < text_.size() && text_[pos_] == ' ')
      ++pos_;
  }

  // A field name; `\.` escapes a dot inside it (label keys like app\.kubernetes\.io/name).
  std::string field_name() {
    std::string name;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '\\' && pos_ + 1 < text_.size()) {
        name += text_[pos_ + 1];
        pos_ += 2;
      } else if (name_char(c)) {
        name += c;
        ++pos_;
      } else {
        break;
      }
    }
    return name;
  }

  std::string quoted() {
    char quote = text_[pos_++];
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      out += text_[pos_++];
    }
    if (pos_ >= text_.size()) syntax(expr_, "unterminated string");
    ++pos_;
    return out;
  }

  std::optional<int64_t> integer() {
    skip_spaces();
    std::size_t begin = pos_;
    if (peek('-') || peek('+')) ++pos_;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_])))
      ++pos_;
    skip_spaces();
    if (pos_ == begin) return std::nullopt;
    return std::strtoll(text_.substr(begin, pos_ - begin).c_str(), nullptr, 10);
  }

  void expect(char c) {
    skip_spaces();
    if (!peek(c)) syntax(expr_, std::string("expected '") + c + "' at " + std::to_string(pos_));
    ++pos_;
  }

  Step bracket() {
    ++pos_;  // [
    skip_spaces();
    Step step;
    if (peek('\'') || peek('"')) {
      step = make_step(Step::Kind::Field, quoted());
    } else if (peek('*')) {
      ++pos_;
      step = make_step(Step::Kind::Wildcard);
    } else if (peek('?')) {
      step = filter();
    } else {
      auto first = integer();
      if (peek(':')) {
        step.kind = Step::Kind::Slice;
        step.start = first;
        ++pos_;
        step.end = integer();
        if (peek(':')) {
          ++pos_;
          step.stride = integer().value_or(1);
          if (step.stride == 0) syntax(expr_, "step must not be 0");
        }
      } else {
        if (!first) syntax(expr_, "expected an index at " + std::to_string(pos_));
        step = make_step(Step::Kind::Index);
        step.index = *first;
      }
    }
    expect(']');
    return step;
  }

  Step filter() {
    ++pos_;  // ?
    expect('(');
    skip_spaces();
    if (!peek('@')) syntax(expr_, "a filter must start with @");
    ++pos_;
    Step step = make_step(Step::Kind::Filter);
    while (peek('.')) {
      ++pos_;
      std::string name = field_name();
      if (name.empty()) syntax(expr_, "missing field name in filter");
      step.filter_path.push_back(name);
    }
    skip_spaces();
    for (const char* op : {"==", "!=", "<=", ">=", "<", ">"}) {
      if (text_.compare(pos_, std::string(op).size(), op) == 0) {
        step.op = op;
        pos_ += step.op.size();
        break;
      }
    }
    if (!step.op.empty()) {
      skip_spaces();
      if (peek('\'') || peek('"')) {
        step.literal = quoted();
      } else {
        std::size_t begin = pos_;
        while (pos_ < text_.size() && text_[pos_] != ')' && text_[pos_] != ' ')
          ++pos_;
        std::string word = text_.substr(begin, pos_ - begin);
        if (word == "true" || word == "false") {
          step.literal = word == "true";
        } else {
          char* end = nullptr;
          double number = std::strtod(word.c_str(), &end);
          if (word.empty() || *end != '\0') syntax(expr_, "unsupported filter operand '" + word + "'");
          step.literal = number;
        }
      }
    }
    expect(')');
    return step;
  }

  std::string expr_;
  std::string text_;
  std::size_t pos_ = 0;
};

const json* lookup(const json& node, const std::vector<std::string>& path) {
  const json* cur = &node;
  for (const auto& name : path) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(name);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

bool compare(const json& left, const std::string& op, const json& right) {
  if (left.is_number() && right.is_number()) {
    double l = left.get<double>(), r = right.get<double>();
    if (op == "==") return l == r;
    if (op == "!=") return l != r;
    if (op == "<") return l < r;
    if (op == "<=") return l <= r;
    if (op == ">") return l > r;
    return l >= r;
  }
  if (op == "==") return left == right;
  if (op == "!=") return left != right;
  if (left.is_string() && right.is_string()) {
    const auto& l = left.get_ref<const std::string&>();
    const auto& r = right.get_ref<const std::string&>();
    if (op == "<") return l < r;
    if (op == "<=") return l <= r;
    if (op == ">") return l > r;
    return l >= r;
  }
  return false;
}

void children(const json& node, std::vector<const json*>& out) {
  if (node.is_object() || node.is_array())
    for (const auto& c : node)
      out.push_back(&c);
}

void recursive_field(const json& node, const std::string& name, std::vector<const json*>& out) {
  if (node.is_object()) {
    if (auto it = node.find(name); it != node.end()) out.push_back(&*it);
  }
  if (node.is_object() || node.is_array())
    for (const auto& c : node)
      recursive_field(c, name, out);
}

// Go-slice-like bounds for [start:end:stride] with negative indexes counted from the end.
void slice(const json& node, const Step& step, std::vector<const json*>& out) {
  if (!node.is_array()) return;
  auto len = static_cast<int64_t>(node.size());
  auto clamp = [len](int64_t i) { return i < 0 ? std::max<int64_t>(0, i + len) : std::min(i, len); };
  int64_t begin = clamp(step.start.value_or(0));
  int64_t end = clamp(step.end.value_or(len));
  for (int64_t i = begin; i < end; i += step.stride)
    out.push_back(&node[static_cast<std::size_t>(i)]);
}

}  // namespace

JsonPath::JsonPath(const std::string& expression) : steps_(Parser(expression).parse()) {}
JsonPath::~JsonPath() = default;
JsonPath::JsonPath(JsonPath&&) noexcept = default;
JsonPath& JsonPath::operator=(JsonPath&&) noexcept = default;

std::vector<json> JsonPath::find(const json& document) const {
  std::vector<const json*> current{&document};
  for (const auto& step : steps_) {
    std::vector<const json*> next;
    for (const json* node : current) {
      switch (step.kind) {
        case Step::Kind::Field:
          if (node->is_object())
            if (auto it = node->find(step.name); it != node->end()) next.push_back(&*it);
          break;
        case Step::Kind::RecursiveField:
          if (step.name.empty()) {
            next.push_back(node);
            std::function<void(const json&)> all = [&](const json& n) {
              if (!(n.is_object() || n.is_array())) return;
              for (const auto& c : n) {
                next.push_back(&c);
                all(c);
              }
            };
            all(*node);
          } else {
            recursive_field(*node, step.name, next);
          }
          break;
        case Step::Kind::Wildcard:
          children(*node, next);
          break;
        case Step::Kind::Index:
          if (node->is_array()) {
            auto len = static_cast<int64_t>(node->size());
            int64_t i = step.index < 0 ? step.index + len : step.index;
            if (i >= 0 && i < len) next.push_back(&(*node)[static_cast<std::size_t>(i)]);
          }
          break;
        case Step::Kind::Slice:
          slice(*node, step, next);
          break;
        case Step::Kind::Filter: {
          std::vector<const json*> candidates;
          children(*node, candidates);
          for (const json* c : candidates) {
            const json* v = lookup(*c, step.filter_path);
            if (v && (step.op.empty() || compare(*v, step.op, step.literal))) next.push_back(c);
          }
          break;
        }
      }
    }
    current = std::move(next);
  }
  std::vector<json> out;
  out.reserve(current.size());
  for (const json* v : current)
    out.push_back(*v);
  return out;
}

}  // namespace kubeemu
