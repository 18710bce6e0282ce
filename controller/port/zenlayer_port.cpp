#include "port/zenlayer_port.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace zpo::port {

namespace {

constexpr std::array<std::pair<DeletionPolicy, std::string_view>, 3> kPolicies{{
    {DeletionPolicy::Delete, "Delete"},
    {DeletionPolicy::RecycleBin, "RecycleBin"},
    {DeletionPolicy::Orphan, "Orphan"},
}};

constexpr std::array<std::pair<Phase, std::string_view>, 9> kPhases{{
    {Phase::Pending, "Pending"},
    {Phase::Ready, "Ready"},
    {Phase::Terminating, "Terminating"},
    {Phase::Recycled, "Recycled"},
    {Phase::Destroying, "Destroying"},
    {Phase::Destroyed, "Destroyed"},
    {Phase::Orphaned, "Orphaned"},
    {Phase::Blocked, "Blocked"},
    {Phase::Failed, "Failed"},
}};

// Readers that tolerate a missing key, null, or a value of the wrong type (they yield the default).
const nlohmann::json* member(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string text(const nlohmann::json& object, const char* key) {
  const auto* value = member(object, key);
  return value && value->is_string() ? value->get<std::string>() : std::string{};
}

std::optional<std::int64_t> integer(const nlohmann::json& object, const char* key) {
  const auto* value = member(object, key);
  if (!value || !value->is_number_integer()) return std::nullopt;
  return value->get<std::int64_t>();
}

std::optional<Time> time(const nlohmann::json& object, const char* key) {
  const auto* value = member(object, key);
  if (!value || !value->is_string()) return std::nullopt;
  return parse_time(value->get<std::string>());
}

void put(nlohmann::json& object, const char* key, const std::string& value) {
  if (!value.empty()) object[key] = value;
}

void put(nlohmann::json& object, const char* key, const std::optional<Time>& value) {
  if (value) object[key] = format_time(*value);
}

Condition parse_condition(const nlohmann::json& json) {
  Condition condition;
  condition.type = text(json, "type");
  condition.status = text(json, "status");
  condition.observed_generation = integer(json, "observedGeneration").value_or(0);
  condition.last_transition_time = time(json, "lastTransitionTime");
  condition.reason = text(json, "reason");
  condition.message = text(json, "message");
  return condition;
}

// A spec field that must be a string when present: nullopt when absent (or null), a problem when of another
// type. "" is a value: the attribute is managed, and the schema's minLength is what refuses it.
std::optional<std::string> spec_text(const nlohmann::json& spec, const char* key,
                                     std::vector<std::string>& problems) {
  const auto* value = member(spec, key);
  if (!value) return std::nullopt;
  if (!value->is_string()) {
    problems.push_back(std::string("spec.") + key + " must be a string");
    return std::nullopt;
  }
  return value->get<std::string>();
}

// Without spec.portId the resource creates its port, and CreatePort needs all of these. A field of the wrong
// type is not listed: spec_text() already says so.
std::string missing_creation_fields(const nlohmann::json& spec) {
  std::string missing;
  for (const char* key : {"dcId", "portName", "portType", "businessEntityName"}) {
    const auto* value = member(spec, key);
    if (value && !(value->is_string() && value->get_ref<const std::string&>().empty())) continue;
    missing += (missing.empty() ? "spec." : ", spec.") + std::string(key);
  }
  return missing;
}

std::string port_type_list() {
  std::string list;
  for (const auto type : kPortTypes)
    list += (list.empty() ? "" : ", ") + std::string(type);
  return list;
}

// The port's identity and the fields that create and describe it.
void read_port_fields(const nlohmann::json& spec, PortResource& resource,
                      std::vector<std::string>& problems) {
  PortResourceSpec& out = resource.spec;
  const auto* port_id = member(spec, "portId");
  if (!port_id) {
    if (const auto missing = missing_creation_fields(spec); !missing.empty()) {
      problems.push_back(
          "spec.portId (to adopt an existing port) or spec.dcId, spec.portName, spec.portType and "
          "spec.businessEntityName (to create one) are required; missing: " +
          missing);
    }
  } else if (!port_id->is_string() || port_id->get_ref<const std::string&>().empty()) {
    problems.push_back("spec.portId must be a non-empty string");
  } else {
    out.port_id = port_id->get<std::string>();
  }
  out.dc_id = spec_text(spec, "dcId", problems).value_or("");
  out.port_name = spec_text(spec, "portName", problems);
  out.port_type = spec_text(spec, "portType", problems).value_or("");
  out.business_entity_name = spec_text(spec, "businessEntityName", problems);
  out.port_remarks = spec_text(spec, "portRemarks", problems);
  if (!out.port_type.empty() &&
      std::find(kPortTypes.begin(), kPortTypes.end(), out.port_type) == kPortTypes.end()) {
    problems.push_back("spec.portType \"" + out.port_type + "\" is not one of " + port_type_list());
  }
  if (const auto* restore = member(spec, "restore")) {
    if (restore->is_boolean()) {
      out.restore = restore->get<bool>();
    } else {
      problems.push_back("spec.restore must be a boolean");
    }
  }
  const std::string& identity = resource.status.port_id;
  if (!out.port_id.empty() && !identity.empty() && out.port_id != identity) {
    problems.push_back("spec.portId is " + out.port_id + " but this resource stands for port " + identity +
                       ": portId is immutable");
    // Keep standing for the port the status names: whatever is decided (an Orphan release included) is about
    // that port, and a status written from this resource can never move the identity to the new value.
    out.port_id = identity;
  }
}

}  // namespace

std::string_view to_string(DeletionPolicy policy) {
  for (const auto& [value, name] : kPolicies) {
    if (value == policy) return name;
  }
  return "Delete";
}

std::optional<DeletionPolicy> parse_deletion_policy(std::string_view text) {
  for (const auto& [value, name] : kPolicies) {
    if (name == text) return value;
  }
  return std::nullopt;
}

std::string_view to_string(Phase phase) {
  for (const auto& [value, name] : kPhases) {
    if (value == phase) return name;
  }
  return "Pending";
}

std::vector<Phase> all_phases() {
  std::vector<Phase> phases;
  for (const auto& [phase, name] : kPhases)
    phases.push_back(phase);
  return phases;
}

std::optional<Phase> parse_phase(std::string_view text) {
  for (const auto& [value, name] : kPhases) {
    if (name == text) return value;
  }
  return std::nullopt;
}

const Condition* PortResourceStatus::condition(std::string_view type) const {
  const auto it =
      std::find_if(conditions.begin(), conditions.end(), [&](const Condition& c) { return c.type == type; });
  return it == conditions.end() ? nullptr : &*it;
}

bool PortResource::has_finalizer() const {
  return std::find(finalizers.begin(), finalizers.end(), kFinalizer) != finalizers.end();
}

PortResourceStatus parse_status(const nlohmann::json& json) {
  PortResourceStatus status;
  if (!json.is_object()) return status;
  status.phase = parse_phase(text(json, "phase"));
  status.port_id = text(json, "portId");
  status.port_status = text(json, "portStatus");
  status.port_charge_type = text(json, "portChargeType");
  status.expired_time = text(json, "expiredTime");
  status.observed_generation = integer(json, "observedGeneration");
  if (const auto* conditions = member(json, "conditions"); conditions && conditions->is_array()) {
    for (const auto& item : *conditions) {
      Condition condition = parse_condition(item);
      if (!condition.type.empty()) status.conditions.push_back(std::move(condition));
    }
  }
  if (const auto* operation = member(json, "lastOperation"); operation && operation->is_object()) {
    status.last_operation = LastOperation{text(*operation, "action"), text(*operation, "requestId"),
                                          text(*operation, "code"),   time(*operation, "time"),
                                          text(*operation, "dcId"),   text(*operation, "portName")};
  }
  status.terminate_requested_at = time(json, "terminateRequestedAt");
  status.recycled_at = time(json, "recycledAt");
  status.destroy_requested_at = time(json, "destroyRequestedAt");
  status.destroyed_at = time(json, "destroyedAt");
  return status;
}

nlohmann::json to_json(const PortResourceStatus& status) {
  nlohmann::json json = nlohmann::json::object();
  if (status.phase) json["phase"] = std::string(to_string(*status.phase));
  put(json, "portId", status.port_id);
  put(json, "portStatus", status.port_status);
  put(json, "portChargeType", status.port_charge_type);
  put(json, "expiredTime", status.expired_time);
  if (status.observed_generation) json["observedGeneration"] = *status.observed_generation;
  if (!status.conditions.empty()) {
    auto& conditions = json["conditions"] = nlohmann::json::array();
    for (const auto& condition : status.conditions) {
      nlohmann::json item{{"type", condition.type}, {"status", condition.status}};
      item["observedGeneration"] = condition.observed_generation;
      put(item, "lastTransitionTime", condition.last_transition_time);
      put(item, "reason", condition.reason);
      put(item, "message", condition.message);
      conditions.push_back(std::move(item));
    }
  }
  if (status.last_operation) {
    nlohmann::json operation = nlohmann::json::object();
    put(operation, "action", status.last_operation->action);
    put(operation, "requestId", status.last_operation->request_id);
    put(operation, "code", status.last_operation->code);
    put(operation, "time", status.last_operation->time);
    put(operation, "dcId", status.last_operation->dc_id);
    put(operation, "portName", status.last_operation->port_name);
    json["lastOperation"] = std::move(operation);
  }
  put(json, "terminateRequestedAt", status.terminate_requested_at);
  put(json, "recycledAt", status.recycled_at);
  put(json, "destroyRequestedAt", status.destroy_requested_at);
  put(json, "destroyedAt", status.destroyed_at);
  return json;
}

PortResource parse_port_resource(const nlohmann::json& object) {
  PortResource resource;
  const nlohmann::json empty = nlohmann::json::object();
  const auto* metadata = member(object, "metadata");
  const nlohmann::json& meta = metadata ? *metadata : empty;
  resource.namespace_ = text(meta, "namespace");
  resource.name = text(meta, "name");
  resource.uid = text(meta, "uid");
  resource.generation = integer(meta, "generation").value_or(0);
  resource.resource_version = text(meta, "resourceVersion");
  if (member(meta, "deletionTimestamp")) {
    // A deletion timestamp we cannot read still means the object is being deleted.
    resource.deletion_timestamp = time(meta, "deletionTimestamp").value_or(Time{});
  }
  if (const auto* finalizers = member(meta, "finalizers"); finalizers && finalizers->is_array()) {
    for (const auto& finalizer : *finalizers) {
      if (finalizer.is_string()) resource.finalizers.push_back(finalizer.get<std::string>());
    }
  }
  if (const auto* status = member(object, "status")) resource.status = parse_status(*status);

  const auto* spec = member(object, "spec");
  if (!spec || !spec->is_object()) {
    resource.invalid_spec = "spec is missing or not an object";
    return resource;
  }
  std::vector<std::string> problems;
  read_port_fields(*spec, resource, problems);
  const auto* policy = member(*spec, "deletionPolicy");
  if (!policy) {
    resource.spec.deletion_policy = DeletionPolicy::Delete;  // the schema's default
    resource.spec.deletion_policy_text = "Delete";
  } else if (!policy->is_string()) {
    problems.push_back("spec.deletionPolicy must be a string");
  } else {
    resource.spec.deletion_policy_text = policy->get<std::string>();
    resource.spec.deletion_policy = parse_deletion_policy(resource.spec.deletion_policy_text);
    if (!resource.spec.deletion_policy) {
      problems.push_back("spec.deletionPolicy \"" + resource.spec.deletion_policy_text +
                         "\" is not one of Delete, RecycleBin, Orphan");
    }
  }
  if (const auto* ref = member(*spec, "credentialsSecretRef")) {
    CredentialsSecretRef secret;
    secret.name = text(*ref, "name");
    if (const auto key = text(*ref, "accessKeyIdKey"); !key.empty()) secret.access_key_id_key = key;
    if (const auto key = text(*ref, "accessKeyPasswordKey"); !key.empty())
      secret.access_key_password_key = key;
    if (secret.name.empty()) {
      problems.push_back("spec.credentialsSecretRef.name is missing");
    } else {
      resource.spec.credentials_secret_ref = std::move(secret);
    }
  }
  for (const auto& problem : problems) {
    if (!resource.invalid_spec.empty()) resource.invalid_spec += "; ";
    resource.invalid_spec += problem;
  }
  return resource;
}

}  // namespace zpo::port
