#include "kube/label_selector.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>

namespace zpo::kube {

namespace {

enum class Tok {
  End,
  Identifier,
  In,
  NotIn,
  Not,
  Equals,
  DoubleEquals,
  NotEquals,
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

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}
bool is_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}
bool ends_identifier(char c) {
  return is_space(c) || std::string_view("!=(),<>").find(c) != std::string_view::npos;
}

// The tokens of labels.Lexer: two-character operators first, so `!=` is never `!` then `=`; anything else up
// to a space or an operator character is an identifier, of which `in` and `notin` are keywords.
std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    if (is_space(s[i])) {
      ++i;
      continue;
    }
    const std::string_view two = s.substr(i, 2);
    if (two == "!=" || two == "==") {
      out.push_back({two == "!=" ? Tok::NotEquals : Tok::DoubleEquals, std::string(two)});
      i += 2;
      continue;
    }
    const char c = s[i];
    const Tok single = c == '!'   ? Tok::Not
                       : c == '=' ? Tok::Equals
                       : c == '>' ? Tok::Greater
                       : c == '<' ? Tok::Less
                       : c == ',' ? Tok::Comma
                       : c == '(' ? Tok::Open
                       : c == ')' ? Tok::Close
                                  : Tok::Identifier;
    if (single != Tok::Identifier) {
      out.push_back({single, std::string(1, c)});
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < s.size() && !ends_identifier(s[end]))
      ++end;
    std::string word(s.substr(i, end - i));
    const Tok kind = word == "in" ? Tok::In : word == "notin" ? Tok::NotIn : Tok::Identifier;
    out.push_back({kind, std::move(word)});
    i = end;
  }
  out.push_back({Tok::End, ""});
  return out;
}

// [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?, at most 63 characters: a label name, or a non-empty label value.
bool valid_name(std::string_view v) {
  return !v.empty() && v.size() <= 63 && is_alnum(v.front()) && is_alnum(v.back()) &&
         std::all_of(v.begin(), v.end(),
                     [](char c) { return is_alnum(c) || c == '-' || c == '_' || c == '.'; });
}

// A DNS-1123 subdomain: lowercase alphanumeric labels joined by dots, each starting and ending alphanumeric.
bool valid_prefix(std::string_view p) {
  if (p.empty() || p.size() > 253) return false;
  std::size_t start = 0;
  while (start <= p.size()) {
    const std::size_t dot = std::min(p.find('.', start), p.size());
    const std::string_view part = p.substr(start, dot - start);
    const auto lower_alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (part.empty() || !lower_alnum(part.front()) || !lower_alnum(part.back()) ||
        !std::all_of(part.begin(), part.end(), [&](char c) { return lower_alnum(c) || c == '-'; }))
      return false;
    start = dot + 1;
  }
  return true;
}

// A qualified name: `name` or `prefix/name`.
bool valid_key(std::string_view k) {
  const std::size_t slash = k.find('/');
  if (slash == std::string_view::npos) return valid_name(k);
  return valid_prefix(k.substr(0, slash)) && valid_name(k.substr(slash + 1));
}

std::optional<std::int64_t> to_integer(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text), tokens_(tokenize(text)) {}

  const Token& peek() const { return tokens_[pos_]; }
  const Token& take() { return tokens_[pos_ + 1 < tokens_.size() ? pos_++ : pos_]; }

  [[noreturn]] void fail(const std::string& why) const {
    throw LabelSelectorError("invalid label selector \"" + std::string(text_) + "\": " + why);
  }

  std::string key() {
    const Token& t = take();
    if (t.kind != Tok::Identifier) fail("found '" + t.text + "', expected: label key");
    if (!valid_key(t.text))
      fail("invalid label key \"" + t.text +
           "\" (a name of at most 63 characters [A-Za-z0-9-_.] starting and ending alphanumeric, optionally "
           "prefixed by a DNS subdomain and '/')");
    return t.text;
  }

  // After =, ==, != or inside parentheses: nothing (before ',' ')' or the end) is the empty value; the
  // keywords are ordinary values here.
  std::string value() {
    const Tok next = peek().kind;
    if (next == Tok::Comma || next == Tok::Close || next == Tok::End) return "";
    const Token& t = take();
    if (t.kind != Tok::Identifier && t.kind != Tok::In && t.kind != Tok::NotIn)
      fail("found '" + t.text + "', expected: label value");
    if (!valid_name(t.text))
      fail("invalid label value \"" + t.text +
           "\" (at most 63 characters [A-Za-z0-9-_.] starting and ending alphanumeric)");
    return t.text;
  }

  std::vector<std::string> value_set() {
    if (take().kind != Tok::Open) fail("expected '(' after in / notin");
    std::vector<std::string> values;
    while (true) {
      values.push_back(value());
      const Token& separator = take();
      if (separator.kind == Tok::Close) return values;
      if (separator.kind != Tok::Comma) fail("found '" + separator.text + "', expected: ',' or ')'");
    }
  }

 private:
  std::string_view text_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
};

}  // namespace

LabelSelector LabelSelector::parse(std::string_view text) {
  LabelSelector selector;
  selector.text_ = std::string(text);
  Parser p(text);
  if (p.peek().kind == Tok::End) return selector;
  while (true) {
    Requirement r;
    if (p.peek().kind == Tok::Not) {
      p.take();
      r = {p.key(), Op::DoesNotExist, {}};
    } else {
      r.key = p.key();
      const Tok op = p.peek().kind;
      if (op == Tok::End || op == Tok::Comma) {
        r.op = Op::Exists;
      } else {
        p.take();
        switch (op) {
          case Tok::Equals:
          case Tok::DoubleEquals:
            r.op = Op::In, r.values = {p.value()};
            break;
          case Tok::NotEquals:
            r.op = Op::NotIn, r.values = {p.value()};
            break;
          case Tok::In:
          case Tok::NotIn:
            r.op = op == Tok::In ? Op::In : Op::NotIn, r.values = p.value_set();
            break;
          case Tok::Greater:
          case Tok::Less:
            r.op = op == Tok::Greater ? Op::GreaterThan : Op::LessThan, r.values = {p.value()};
            if (!to_integer(r.values[0])) p.fail("the value after '>' or '<' must be an integer");
            break;
          default:
            p.fail("after \"" + r.key + "\" expected one of =, ==, !=, in, notin, >, <, ',' or the end");
        }
      }
    }
    selector.requirements_.push_back(std::move(r));
    const Token& next = p.take();
    if (next.kind == Tok::End) return selector;
    if (next.kind != Tok::Comma) p.fail("found '" + next.text + "', expected: ','");
    if (p.peek().kind == Tok::End) p.fail("a requirement is missing after the last ','");
  }
}

bool LabelSelector::satisfied(const Requirement& r, const nlohmann::json& labels) {
  const std::string* value = nullptr;
  if (labels.is_object()) {
    const auto it = labels.find(r.key);
    if (it != labels.end() && it->is_string()) value = &it->get_ref<const std::string&>();
  }
  const auto in_set = [&] { return std::find(r.values.begin(), r.values.end(), *value) != r.values.end(); };
  switch (r.op) {
    case Op::Exists:
      return value != nullptr;
    case Op::DoesNotExist:
      return value == nullptr;
    case Op::In:
      return value != nullptr && in_set();
    case Op::NotIn:
      return value == nullptr || !in_set();
    case Op::GreaterThan:
    case Op::LessThan: {
      const auto have = value ? to_integer(*value) : std::nullopt;
      const auto want = to_integer(r.values[0]);
      if (!have || !want) return false;
      return r.op == Op::GreaterThan ? *have > *want : *have < *want;
    }
  }
  return false;
}

bool LabelSelector::matches(const nlohmann::json& labels) const {
  return std::all_of(requirements_.begin(), requirements_.end(),
                     [&](const Requirement& r) { return satisfied(r, labels); });
}

bool LabelSelector::matches_object(const nlohmann::json& object) const {
  if (requirements_.empty()) return true;
  static const nlohmann::json::json_pointer kLabels("/metadata/labels");
  return matches(object.is_object() && object.contains(kLabels) ? object.at(kLabels) : nlohmann::json());
}

}  // namespace zpo::kube
