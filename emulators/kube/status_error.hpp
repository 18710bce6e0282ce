#pragma once
// An API error carrying the exact Kubernetes Status body (apimachinery pkg/api/errors).

#include <stdexcept>
#include <string>

#include "resource_type.hpp"

namespace kubeemu {

class StatusError : public std::runtime_error {
 public:
  StatusError(int code, std::string reason, std::string message, json details = json::object())
      : std::runtime_error(message), code_(code), reason_(std::move(reason)), details_(std::move(details)) {}

  int code() const { return code_; }
  const std::string& reason() const { return reason_; }
  const json& details() const { return details_; }

  // {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":..,"reason":..,"details":..,"code":..}
  json to_status() const {
    json s = {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", json::object()},
              {"status", "Failure"}, {"message", what()},  {"reason", reason_}};
    if (!details_.empty()) s["details"] = details_;
    s["code"] = code_;
    return s;
  }

  // The usual constructors, with the real message templates.
  static StatusError not_found(const ResourceType& t, const std::string& name) {
    return {404, "NotFound", t.qualified_resource() + " \"" + name + "\" not found",
            json{{"name", name}, {"group", t.group}, {"kind", t.plural}}};
  }
  static StatusError already_exists(const ResourceType& t, const std::string& name) {
    return {409, "AlreadyExists", t.qualified_resource() + " \"" + name + "\" already exists",
            json{{"name", name}, {"group", t.group}, {"kind", t.plural}}};
  }
  static StatusError conflict(const ResourceType& t, const std::string& name, const std::string& why) {
    return {409, "Conflict",
            "Operation cannot be fulfilled on " + t.qualified_resource() + " \"" + name + "\": " + why,
            json{{"name", name}, {"group", t.group}, {"kind", t.plural}}};
  }
  static StatusError modified_conflict(const ResourceType& t, const std::string& name) {
    return conflict(
        t, name,
        "the object has been modified; please apply your changes to the latest version and try again");
  }
  static StatusError bad_request(const std::string& message) { return {400, "BadRequest", message}; }
  static StatusError gone_expired(const std::string& message) { return {410, "Expired", message}; }
  static StatusError internal(const std::string& message) { return {500, "InternalError", message}; }
  static StatusError unsupported_media_type(const std::string& message) {
    return {415, "UnsupportedMediaType", message};
  }
  static StatusError method_not_allowed(const std::string& message) {
    return {405, "MethodNotAllowed", message};
  }
  // 422: `Kind.group "name" is invalid: <field>: <message>` (several causes: `[a, b]`).
  static StatusError invalid(const ResourceType& t, const std::string& name,
                             const std::vector<FieldCause>& causes) {
    std::string list;
    json jc = json::array();
    for (const auto& c : causes) {
      if (!list.empty()) list += ", ";
      list += c.field + ": " + c.message;
      jc.push_back({{"reason", c.reason}, {"message", c.message}, {"field", c.field}});
    }
    if (causes.size() > 1) list = "[" + list + "]";
    return {422, "Invalid", t.qualified_kind() + " \"" + name + "\" is invalid: " + list,
            json{{"name", name}, {"group", t.group}, {"kind", t.kind}, {"causes", jc}}};
  }

 private:
  int code_;
  std::string reason_;
  json details_;
};

}  // namespace kubeemu
