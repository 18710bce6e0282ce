#include "label_selector.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "status_error.hpp"

namespace kubeemu {
namespace {

enum class Tok {
  End,
  Identifier,
  Not,
  Equals,
  DoubleEquals,
  NotEquals,
  In,
  NotIn,
  Greater,
  Less,
  Comma,
  Open,
  Close
};

struct Token {
  Tok kind;
  std::string text;
};

bool is_special(char c) {
  return c == '!' || c == '=' || c == '(' || c == ')' || c == ',' || c == '<' || c == '>';
}

// Splits a selector into tokens the way labels.Lexer does: operators, parentheses, commas and identifiers
// (anything else up to whitespace or a special character).
std::vector<Token> lex(const std::string& s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '!' && i + 1 < s.size() && s[i + 1] == '=') {
      out.push_back({Tok::NotEquals, "!="}), i += 2;
    } else if (c == '=' && i + 1 < s.size() && s[i + 1] == '=') {
      out.push_back({Tok::DoubleEquals, "=="}), i += 2;
    } else if (c == '!') {
      out.push_back({Tok::Not, "!"}), ++i;
    } else if (c == '=') {
      out.push_back({Tok::Equals, "="}), ++i;
    } else if (c == '(') {
      out.push_back({Tok::Open, "("}), ++i;
    } else if (c == ')') {
      out.push_back({Tok::Close, ")"}), ++i;
    } else if (c == ',') {
      out.push_back({Tok::Comma, ","}), ++i;
    } else if (c == '>') {
      out.push_back({Tok::Greater, ">"}), ++i;
    } else if (c == '<') {
      out.push_back({Tok::Less, "<"}), ++i;
    } else {
      std::size_t j = i;
      while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j])) && !is_special(s[j]))
        ++j;
      std::string word = s.substr(i, j - i);
      const Tok kind = word == "in" ? Tok::In : word == "notin" ? Tok::NotIn : Tok::Identifier;
      out.push_back({kind, std::move(word)});
      i = j;
    }
  }
  out.push_back({Tok::End, ""});
  return out;
}

[[noreturn]] void fail(const std::string& why) {
  throw StatusError::bad_request("unable to parse requirement: " + why);
}

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

// A label value: empty, or up to 63 characters of [A-Za-z0-9._-] starting and ending alphanumeric.
bool valid_value(const std::string& v) {
  if (v.empty()) return true;
  if (v.size() > 63 || !std::isalnum(static_cast<unsigned char>(v.front())) ||
      !std::isalnum(static_cast<unsigned char>(v.back())))
    return false;
  return std::all_of(v.begin(), v.end(), is_name_char);
}

// A qualified name: an optional DNS prefix and `/`, then a name like a non-empty label value.
bool valid_key(const std::string& k) {
  const std::size_t slash = k.rfind('/');
  const std::string name = slash == std::string::npos ? k : k.substr(slash + 1);
  if (slash != std::string::npos && (slash == 0 || slash > 253)) return false;
  return !name.empty() && valid_value(name);
}

class Parser {
 public:
  explicit Parser(const std::string& text) : tokens_(lex(text)) {}

  const Token& peek() const { return tokens_[pos_]; }
  Token take() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }

  std::string key() {
    Token t = take();
    if (t.kind != Tok::Identifier) fail("found '" + t.text + "', expected: identifier");
    if (!valid_key(t.text)) fail("invalid label key \"" + t.text + "\"");
    return t.text;
  }

  std::string value() {
    // `a=` (nothing before a comma or the end) selects an empty value.
    if (peek().kind == Tok::Comma || peek().kind == Tok::End) return "";
    Token t = take();
    if (t.kind != Tok::Identifier && t.kind != Tok::In && t.kind != Tok::NotIn)
      fail("found '" + t.text + "', expected: identifier");
    if (!valid_value(t.text)) fail("invalid label value: \"" + t.text + "\"");
    return t.text;
  }

  std::vector<std::string> value_set() {
    Token open = take();
    if (open.kind != Tok::Open) fail("found '" + open.text + "', expected: '('");
    std::vector<std::string> values;
    while (true) {
      if (peek().kind == Tok::Close) {
        take();
        return values;
      }
      values.push_back(value());
      Token sep = take();
      if (sep.kind == Tok::Close) return values;
      if (sep.kind != Tok::Comma) fail("found '" + sep.text + "', expected: ',' or ')'");
    }
  }

 private:
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
};

}  // namespace

LabelSelector LabelSelector::parse(const std::string& text) {
  LabelSelector selector;
  Parser p(text);
  if (p.peek().kind == Tok::End) return selector;
  while (true) {
    Requirement r;
    if (p.peek().kind == Tok::Not) {
      p.take();
      r = {p.key(), Op::DoesNotExist, {}};
    } else {
      r.key = p.key();
      const Token op = p.take();
      switch (op.kind) {
        case Tok::End:
        case Tok::Comma:
          r.op = Op::Exists;
          selector.requirements_.push_back(std::move(r));
          if (op.kind == Tok::End) return selector;
          continue;
        case Tok::Equals:
        case Tok::DoubleEquals:
          r.op = Op::Equals, r.values = {p.value()};
          break;
        case Tok::NotEquals:
          r.op = Op::NotEquals, r.values = {p.value()};
          break;
        case Tok::In:
          r.op = Op::In, r.values = p.value_set();
          break;
        case Tok::NotIn:
          r.op = Op::NotIn, r.values = p.value_set();
          break;
        case Tok::Greater:
        case Tok::Less: {
          r.op = op.kind == Tok::Greater ? Op::GreaterThan : Op::LessThan;
          r.values = {p.value()};
          char* end = nullptr;
          std::strtoll(r.values[0].c_str(), &end, 10);
          if (r.values[0].empty() || *end != '\0')
            fail("for 'Gt', 'Lt' operators, the value must be an integer");
          break;
        }
        default:
          fail("found '" + op.text + "', expected: in, notin, =, ==, !=, gt, lt");
      }
    }
    selector.requirements_.push_back(std::move(r));
    const Token next = p.take();
    if (next.kind == Tok::End) return selector;
    if (next.kind != Tok::Comma) fail("found '" + next.text + "', expected: ','");
  }
}

bool LabelSelector::satisfied(const Requirement& r, const json& labels) {
  const json* value = nullptr;
  if (labels.is_object()) {
    auto it = labels.find(r.key);
    if (it != labels.end() && it->is_string()) value = &*it;
  }
  const auto in_values = [&] {
    return std::find(r.values.begin(), r.values.end(), value->get_ref<const std::string&>()) !=
           r.values.end();
  };
  switch (r.op) {
    case Op::Exists:
      return value != nullptr;
    case Op::DoesNotExist:
      return value == nullptr;
    case Op::Equals:
    case Op::In:
      return value != nullptr && in_values();
    case Op::NotEquals:
    case Op::NotIn:
      return value == nullptr || !in_values();
    case Op::GreaterThan:
    case Op::LessThan: {
      if (value == nullptr) return false;
      const std::string& s = value->get_ref<const std::string&>();
      char* end = nullptr;
      const long long have = std::strtoll(s.c_str(), &end, 10);
      if (s.empty() || *end != '\0') return false;
      const long long want = std::strtoll(r.values[0].c_str(), nullptr, 10);
      return r.op == Op::GreaterThan ? have > want : have < want;
    }
  }
  return false;
}

bool LabelSelector::matches(const json& labels) const {
  return std::all_of(requirements_.begin(), requirements_.end(),
                     [&](const Requirement& r) { return satisfied(r, labels); });
}

}  // namespace kubeemu
