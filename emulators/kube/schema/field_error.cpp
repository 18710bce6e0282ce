#include "field_error.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace kubeemu {

std::string go_quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\v':
        out += "\\v";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string go_float(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  // Shortest digits that round-trip, as Go's strconv does.
  char digits[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(digits, sizeof digits, "%.*e", precision - 1, v);
    if (std::strtod(digits, nullptr) == v) break;
  }
  // digits is d.ddddde±XX: split mantissa and exponent.
  std::string text = digits;
  auto e = text.find('e');
  int exponent = std::atoi(text.c_str() + e + 1);
  std::string mantissa = text.substr(0, e);
  bool negative = mantissa[0] == '-';
  if (negative) mantissa.erase(0, 1);
  std::string ds;
  for (char c : mantissa)
    if (c != '.') ds += c;
  // %v is %g with the shortest precision, which picks the exponent form as if the precision were 6 (1e+06).
  std::string out;
  if (exponent < -4 || exponent >= 6) {
    out = ds.substr(0, 1);
    if (ds.size() > 1) out += "." + ds.substr(1);
    char exp[16];
    std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out += exp;
  } else if (exponent < 0) {
    out = "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + ds;
  } else if (static_cast<std::size_t>(exponent) + 1 >= ds.size()) {
    out = ds + std::string(static_cast<std::size_t>(exponent) + 1 - ds.size(), '0');
  } else {
    out = ds.substr(0, static_cast<std::size_t>(exponent) + 1) + "." +
          ds.substr(static_cast<std::size_t>(exponent) + 1);
  }
  return negative ? "-" + out : out;
}

namespace {

// Go's %#v of a decoded JSON value (map[string]interface {}, []interface {}), used for objects and arrays.
std::string go_syntax(const json& v, bool top) {
  if (v.is_object()) {
    std::string out = "map[string]interface {}{";
    bool first = true;
    for (const auto& [k, item] : v.items()) {
      if (!first) out += ", ";
      first = false;
      out += go_quote(k) + ":" + go_syntax(item, false);
    }
    return out + "}";
  }
  if (v.is_array()) {
    std::string out = "[]interface {}{";
    bool first = true;
    for (const auto& item : v) {
      if (!first) out += ", ";
      first = false;
      out += go_syntax(item, false);
    }
    return out + "}";
  }
  if (v.is_null()) return top ? "null" : "interface {}(nil)";
  return go_value(v);
}

std::string body(const std::string& type, const json& value, const std::string& detail) {
  std::string s = type + ": " + go_value(value);
  if (!detail.empty()) s += ": " + detail;
  return s;
}

}  // namespace

std::string go_value(const json& v) {
  if (v.is_null()) return go_quote("null");  // ErrorBody turns a nil value into the string "null"
  if (v.is_string()) return go_quote(v.get<std::string>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return v.dump();
  if (v.is_number_float()) return go_float(v.get<double>());
  return go_syntax(v, true);
}

FieldCause required_error(const std::string& field) {
  return {"FieldValueRequired", "Required value", field};
}

FieldCause invalid_error(const std::string& field, const json& value, const std::string& detail) {
  return {"FieldValueInvalid", body("Invalid value", value, detail), field};
}

FieldCause type_invalid_error(const std::string& field, const json& value, const std::string& detail) {
  return {"FieldValueTypeInvalid", body("Invalid value", value, detail), field};
}

FieldCause not_supported_error(const std::string& field, const json& value,
                               const std::vector<std::string>& supported) {
  std::string detail;
  for (const auto& s : supported)
    detail += (detail.empty() ? "supported values: " : ", ") + go_quote(s);
  return {"FieldValueNotSupported", body("Unsupported value", value, detail), field};
}

FieldCause too_long_error(const std::string& field, int64_t max_length) {
  return {
      "FieldValueTooLong",
      "Too long: may not be more than " + std::to_string(max_length) + (max_length == 1 ? " byte" : " bytes"),
      field};
}

FieldCause too_many_error(const std::string& field, int64_t actual, int64_t max_items) {
  return {"FieldValueTooMany",
          "Too many: " + std::to_string(actual) + ": must have at most " + std::to_string(max_items) +
              (max_items == 1 ? " item" : " items"),
          field};
}

}  // namespace kubeemu
