#include "builtin_types.hpp"

#include <algorithm>
#include <regex>

#include "base64.hpp"
#include "builtin_kind.hpp"
#include "field_error.hpp"
#include "meta_docs.hpp"
#include "status_error.hpp"
#include "structural_schema.hpp"

namespace kubeemu {
namespace {

using namespace builtin;

// validation.IsConfigMapKey, as Secret and ConfigMap validation apply it to every data key.
void check_data_keys(const json& object, const char* field, std::vector<FieldCause>& causes) {
  static const std::regex key(R"([-._a-zA-Z0-9]+)");
  auto it = object.find(field);
  if (it == object.end() || !it->is_object()) return;
  for (const auto& [k, _] : it->items()) {
    if (k.size() > 253)
      causes.push_back(
          invalid_error(std::string(field) + "[" + k + "]", k, "must be no more than 253 characters"));
    else if (!std::regex_match(k, key) || k == "." || k == ".." || k.rfind("..", 0) == 0)
      causes.push_back(invalid_error(
          std::string(field) + "[" + k + "]", k,
          "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
          "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
  }
}

// A []byte map must hold base64 strings; otherwise decoding the body fails with 400, before any validation.
void check_base64_map(const json& object, const char* field, const std::string& kind) {
  auto it = object.find(field);
  if (it == object.end() || !it->is_object()) return;
  for (const auto& [k, v] : it->items()) {
    std::size_t at = 0;
    if (!v.is_string())
      throw StatusError::bad_request(kind + " in version \"v1\" cannot be handled as a " + kind +
                                     ": json: cannot unmarshal " + std::string(v.type_name()) +
                                     " into Go struct field " + kind + "." + field + " of type []uint8");
    if (!base64_decode(v.get<std::string>(), &at))
      throw StatusError::bad_request(kind + " in version \"v1\" cannot be handled as a " + kind +
                                     ": illegal base64 data at input byte " + std::to_string(at));
  }
}

ResourceType core(const char* kind, const char* plural, bool namespaced) {
  return kind_of("", "v1", kind, plural, namespaced);
}

BuiltinKind namespaces() {
  ResourceType t = core("Namespace", "namespaces", false);
  t.has_status = true;
  t.short_names = {"ns"};
  // The apiserver's namespace strategy sets both on create; defaults give the same result.
  t.openapi_schema = root_schema(
      "Namespace provides a scope for Names. Use of multiple namespaces is optional.",
      {{"spec", object_of({{"finalizers", {{"type", "array"}, {"items", string_type()}}}})},
       {"status", object_of({{"phase", string_type("Phase is the current lifecycle phase of the namespace.")},
                             {"conditions", {{"type", "array"}, {"items", object_of({})}}}})}});
  t.openapi_schema["properties"]["spec"]["default"] = {{"finalizers", {"kubernetes"}}};
  t.openapi_schema["properties"]["spec"]["properties"]["finalizers"]["default"] = {"kubernetes"};
  t.openapi_schema["properties"]["status"]["default"] = {{"phase", "Active"}};
  t.openapi_schema["properties"]["status"]["properties"]["phase"]["default"] = "Active";
  t.admit = make_admit(t.openapi_schema);
  t.columns = {name_column(), column("Status", "The status of the namespace"), age_column()};
  return {t, [](const json& o, Clock::time_point now) {
            return std::vector<json>{name_of(o), text(o, "/status/phase"_json_pointer), age_of(o, now)};
          }};
}

BuiltinKind secrets() {
  ResourceType t = core("Secret", "secrets", true);
  t.openapi_schema = root_schema(
      "Secret holds secret data of a certain type. The total bytes of the values in the Data field must be "
      "less "
      "than MaxSecretSize bytes.",
      {{"data", {{"type", "object"}, {"additionalProperties", {{"type", "string"}, {"format", "byte"}}}}},
       {"stringData", string_map()},
       {"type", string_type("Used to facilitate programmatic handling of secret data.")},
       {"immutable", {{"type", "boolean"}}}});
  auto schema = std::make_shared<const StructuralSchema>(t.openapi_schema);
  // stringData is write-only: the apiserver folds it into data (base64) while converting the request.
  t.admit = [schema](json& secret) {
    if (!secret.is_object()) return schema->admit(secret);
    if (auto sd = secret.find("stringData"); sd != secret.end()) {
      if (sd->is_object() && (!secret.contains("data") || secret["data"].is_object())) {
        for (const auto& [k, v] : sd->items()) {
          if (!v.is_string())
            throw StatusError::bad_request(
                "Secret in version \"v1\" cannot be handled as a Secret: json: cannot unmarshal " +
                std::string(v.type_name()) + " into Go struct field Secret.stringData of type string");
          secret["data"][k] = base64_encode(v.get<std::string>());
        }
      }
      secret.erase("stringData");
    }
    check_base64_map(secret, "data", "Secret");
    if (!secret.contains("type") || secret["type"] == "") secret["type"] = "Opaque";
    Admission result = schema->admit(secret);
    check_data_keys(secret, "data", result.causes);
    return result;
  };
  t.columns = {name_column(), column("Type", "Used to facilitate programmatic handling of secret data."),
               column("Data", "Data contains the secret data."), age_column()};
  return {t, [](const json& o, Clock::time_point now) {
            return std::vector<json>{name_of(o), text(o, "/type"_json_pointer), size_of(o, "data"),
                                     age_of(o, now)};
          }};
}

BuiltinKind configmaps() {
  ResourceType t = core("ConfigMap", "configmaps", true);
  t.short_names = {"cm"};
  t.openapi_schema =
      root_schema("ConfigMap holds configuration data for pods to consume.",
                  {{"data", string_map()},
                   {"binaryData",
                    {{"type", "object"}, {"additionalProperties", {{"type", "string"}, {"format", "byte"}}}}},
                   {"immutable", {{"type", "boolean"}}}});
  auto schema = std::make_shared<const StructuralSchema>(t.openapi_schema);
  t.admit = [schema](json& cm) {
    if (cm.is_object()) check_base64_map(cm, "binaryData", "ConfigMap");
    Admission result = schema->admit(cm);
    check_data_keys(cm, "data", result.causes);
    check_data_keys(cm, "binaryData", result.causes);
    return result;
  };
  t.columns = {name_column(), column("Data", "Data contains the configuration data."), age_column()};
  return {
      t, [](const json& o, Clock::time_point now) {
        return std::vector<json>{name_of(o), size_of(o, "data") + size_of(o, "binaryData"), age_of(o, now)};
      }};
}

// Both Event APIs print through the internal (core) Event printer; events.k8s.io/v1 field names differ.
struct EventFields {
  json::json_pointer involved, message, first, last, count, source_component, source_host;
};

std::vector<json> event_row(const json& o, Clock::time_point now, const EventFields& f) {
  std::string first_ts = text(o, f.first);
  std::string first =
      !first_ts.empty() ? age_since(first_ts, now) : age_since(text(o, "/eventTime"_json_pointer), now);
  std::string last_ts = text(o, f.last);
  std::string last = !last_ts.empty() ? age_since(last_ts, now) : first;
  int64_t count = o.contains(f.count) && o.at(f.count).is_number() ? o.at(f.count).get<int64_t>() : 0;
  if (o.contains("/series"_json_pointer) && o["series"].is_object()) {
    last = age_since(text(o, "/series/lastObservedTime"_json_pointer), now);
    count = o["series"].value("count", int64_t{0});
  } else if (count == 0) {
    count = 1;  // singleton events of the new API carry no count
  }
  json involved = o.contains(f.involved) ? o.at(f.involved) : json::object();
  std::string kind = involved.is_object() ? involved.value("kind", "") : "";
  std::transform(kind.begin(), kind.end(), kind.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string name = involved.is_object() ? involved.value("name", "") : "";
  std::string target = name.empty() ? kind : kind + "/" + name;
  std::string component = text(o, f.source_component);
  if (component.empty()) component = text(o, "/reportingController"_json_pointer);
  if (component.empty()) component = text(o, "/reportingComponent"_json_pointer);
  std::string host = text(o, f.source_host);
  if (host.empty()) host = text(o, "/reportingInstance"_json_pointer);
  std::string source = host.empty() ? component : component + ", " + host;  // formatEventSource
  std::string message = text(o, f.message);
  message.erase(0, message.find_first_not_of(" \t\n\r"));
  message.erase(message.find_last_not_of(" \t\n\r") + 1);
  std::string field_path = involved.is_object() ? involved.value("fieldPath", "") : "";
  return {last,
          text(o, "/type"_json_pointer),
          text(o, "/reason"_json_pointer),
          target,
          field_path,
          source,
          message,
          first,
          count,
          name_of(o)};
}

std::vector<PrinterColumn> event_columns() {
  return {column("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
          column("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
          column("Reason",
                 "This should be a short, machine understandable string that gives the reason for the "
                 "transition into the object's current status."),
          column("Object", "The object that this event is about."),
          column("Subobject",
                 "If referring to a piece of an object instead of an entire object, this string "
                 "should contain a valid JSON/Go field access statement.",
                 1),
          column("Source",
                 "The component reporting this event. Should be a short machine understandable string.", 1),
          column("Message", "A human-readable description of the status of this operation."),
          column("First Seen",
                 "The time at which the event was first recorded. (Time of server receipt is in "
                 "TypeMeta.)",
                 1),
          column("Count", "The number of times this event has occurred.", 1),
          name_column(1)};
}

json core_event_schema() {
  return root_schema("Event is a report of an event somewhere in the cluster.",
                     {{"involvedObject", object_reference()},
                      {"reason", string_type()},
                      {"message", string_type()},
                      {"type", string_type()},
                      {"source", object_of({{"component", string_type()}, {"host", string_type()}})},
                      {"firstTimestamp", time_type()},
                      {"lastTimestamp", time_type()},
                      {"eventTime", time_type()},
                      {"count", integer_type()},
                      {"series", object_of({{"count", integer_type()}, {"lastObservedTime", time_type()}})},
                      {"action", string_type()},
                      {"related", object_reference()},
                      {"reportingComponent", string_type()},
                      {"reportingInstance", string_type()}});
}

BuiltinKind core_events() {
  ResourceType t = core("Event", "events", true);
  t.short_names = {"ev"};
  t.openapi_schema = core_event_schema();
  t.admit = make_admit(t.openapi_schema);
  t.columns = event_columns();
  EventFields f{"/involvedObject"_json_pointer, "/message"_json_pointer, "/firstTimestamp"_json_pointer,
                "/lastTimestamp"_json_pointer,  "/count"_json_pointer,   "/source/component"_json_pointer,
                "/source/host"_json_pointer};
  return {t, [f](const json& o, Clock::time_point now) { return event_row(o, now, f); }};
}

BuiltinKind events_v1() {
  ResourceType t;
  t.group = "events.k8s.io";
  t.version = "v1";
  t.kind = "Event";
  t.list_kind = "EventList";
  t.plural = "events";
  t.singular = "event";
  t.short_names = {"ev"};
  t.openapi_schema =
      root_schema("Event is a report of an event somewhere in the cluster.",
                  {{"eventTime", time_type()},
                   {"series", object_of({{"count", integer_type()}, {"lastObservedTime", time_type()}})},
                   {"reportingController", string_type()},
                   {"reportingInstance", string_type()},
                   {"action", string_type()},
                   {"reason", string_type()},
                   {"regarding", object_reference()},
                   {"related", object_reference()},
                   {"note", string_type()},
                   {"type", string_type()},
                   {"deprecatedSource", object_of({{"component", string_type()}, {"host", string_type()}})},
                   {"deprecatedFirstTimestamp", time_type()},
                   {"deprecatedLastTimestamp", time_type()},
                   {"deprecatedCount", integer_type()}});
  t.openapi_schema["required"] = {"eventTime"};  // ValidateEventCreate: eventTime: Required value
  t.admit = make_admit(t.openapi_schema);
  t.columns = event_columns();
  EventFields f{"/regarding"_json_pointer,
                "/note"_json_pointer,
                "/deprecatedFirstTimestamp"_json_pointer,
                "/deprecatedLastTimestamp"_json_pointer,
                "/deprecatedCount"_json_pointer,
                "/deprecatedSource/component"_json_pointer,
                "/deprecatedSource/host"_json_pointer};
  return {t, [f](const json& o, Clock::time_point now) { return event_row(o, now, f); }};
}

BuiltinKind leases() {
  ResourceType t;
  t.group = "coordination.k8s.io";
  t.version = "v1";
  t.kind = "Lease";
  t.list_kind = "LeaseList";
  t.plural = "leases";
  t.singular = "lease";
  t.openapi_schema = root_schema(
      "Lease defines a lease concept.",
      {{"spec",
        object_of({{"holderIdentity", string_type("holderIdentity contains the identity of the holder of "
                                                  "a current lease.")},
                   {"leaseDurationSeconds", integer_type()},
                   {"acquireTime", time_type()},
                   {"renewTime", time_type()},
                   {"leaseTransitions", integer_type()},
                   {"strategy", string_type()},
                   {"preferredHolder", string_type()}})}});
  t.admit = make_admit(t.openapi_schema);
  t.columns = {name_column(),
               column("Holder", "holderIdentity contains the identity of the holder of a current lease."),
               age_column()};
  return {
      t, [](const json& o, Clock::time_point now) {
        return std::vector<json>{name_of(o), text(o, "/spec/holderIdentity"_json_pointer), age_of(o, now)};
      }};
}

// Discovery order matters: `kubectl get events` resolves to the first group serving "events", core v1.
const std::vector<BuiltinKind>& registry() {
  static const std::vector<BuiltinKind> kinds = [] {
    std::vector<BuiltinKind> all = {namespaces(),  secrets(),   configmaps(),
                                    core_events(), events_v1(), leases()};
    for (auto* group : {service_kinds, workload_kinds, rbac_kinds, apiextensions_kinds})
      for (auto& k : group())
        all.push_back(std::move(k));
    // Strategic merge patch merges the lists the schema marks (containers by name …).
    for (auto& k : all)
      k.type.merge_keys = merge_keys_of_schema(k.type.openapi_schema);
    return all;
  }();
  return kinds;
}

}  // namespace

std::vector<ResourceType> builtin_types() {
  std::vector<ResourceType> out;
  for (const auto& k : registry())
    out.push_back(k.type);
  return out;
}

const RowPrinter* builtin_row_printer(const std::string& group, const std::string& kind) {
  for (const auto& k : registry())
    if (k.type.group == group && k.type.kind == kind) return &k.printer;
  return nullptr;
}

}  // namespace kubeemu
