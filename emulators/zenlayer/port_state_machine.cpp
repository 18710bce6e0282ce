#include "port_state_machine.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>
#include <stdexcept>

#include "time_format.hpp"

namespace zenemu {
namespace {

using nlohmann::json;

constexpr const char* kCreating = "CREATING";
constexpr const char* kRunning = "RUNNING";
constexpr const char* kRecycled = "RECYCLED";
constexpr const char* kDestroying = "DESTROYING";
constexpr const char* kDestroyed = "DESTROYED";
constexpr const char* kRecovering = "RECOVERING";

constexpr std::size_t kMaxPortIds = 100;
constexpr std::int64_t kMaxPageSize = 1000;
constexpr std::int64_t kDefaultPageSize = 20;
constexpr std::size_t kKeptViolationDetails = 1000;
constexpr std::array<const char*, 5> kPortTypes{"1G", "10G", "40G", "100G", "400G"};

struct KnownDc {
  const char* id;
  const char* name;
  const char* city;
  const char* area;
};
constexpr std::array<KnownDc, 5> kKnownDcs{{{"SIN1", "Singapore 1", "Singapore", "Asia Pacific"},
                                            {"HKG1", "Hong Kong 1", "Hong Kong", "Asia Pacific"},
                                            {"TYO1", "Tokyo 1", "Tokyo", "Asia Pacific"},
                                            {"LAX1", "Los Angeles 1", "Los Angeles", "North America"},
                                            {"FRA1", "Frankfurt 1", "Frankfurt", "Europe"}}};

ActionResult missing(const std::string& name) {
  return action_error(400, "MISSING_PARAMETER", "the parameter " + name + " is required");
}

ActionResult invalid_value(const std::string& name, const std::string& why) {
  return action_error(400, "INVALID_PARAMETER_VALUE", "the parameter " + name + " " + why);
}

// Reads an optional string parameter; false (with error set) when present but not a string.
bool optional_string(const json& params, const char* name, std::optional<std::string>& out,
                     ActionResult& error) {
  auto it = params.find(name);
  if (it == params.end() || it->is_null()) return true;
  if (!it->is_string()) {
    error = invalid_value(name, "must be a string");
    return false;
  }
  out = it->get<std::string>();
  return true;
}

bool required_string(const json& params, const char* name, std::string& out, ActionResult& error) {
  std::optional<std::string> value;
  if (!optional_string(params, name, value, error)) return false;
  if (!value || value->empty()) {
    error = missing(name);
    return false;
  }
  out = *value;
  return true;
}

bool optional_int(const json& params, const char* name, std::int64_t min, std::int64_t max, std::int64_t& out,
                  ActionResult& error) {
  auto it = params.find(name);
  if (it == params.end() || it->is_null()) return true;
  if (!it->is_number_integer()) {
    error = invalid_value(name, "must be an integer");
    return false;
  }
  if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
    error = invalid_value(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return false;
  }
  std::int64_t v = it->get<std::int64_t>();
  if (v < min || v > max) {
    error = invalid_value(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return false;
  }
  out = v;
  return true;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string string_field(const json& info, const char* name) {
  auto it = info.find(name);
  return it != info.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

bool valid_port_id(std::string_view id) {
  auto alnum = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  };
  if (id.empty() || !alnum(id.front())) return false;
  return std::all_of(id.begin(), id.end(),
                     [&](char c) { return alnum(c) || c == '.' || c == '_' || c == '-'; });
}

PortStateMachine::PortStateMachine(const Clock& clock, Delays delays, PortRules rules)
    : clock_(clock), delays_(delays), rules_(std::move(rules)) {}

void PortStateMachine::settle(Port& port, TimePoint now) const {
  if (!port.pending || now < port.pending->due) return;
  // The real cloud keeps answering RUNNING for a while after accepting TerminatePort: the port only shows
  // RECYCLED once the delay has passed and enough polls have seen it RUNNING.
  if (port.pending->to == kRecycled && port.lag_polls_left > 0) return;
  port.status = port.pending->to;
  if (port.status == kDestroyed) port.destroyed_at = port.pending->due;
  port.pending.reset();
}

bool PortStateMachine::listed(Port& port, TimePoint now) const {
  settle(port, now);
  return !(port.status == kDestroyed && port.destroyed_at &&
           now >= *port.destroyed_at + delays_.destroyed_visible);
}

PortStateMachine::Port* PortStateMachine::find_listed(const json& params, ActionResult& error) {
  std::string id;
  if (!required_string(params, "portId", id, error)) return nullptr;
  if (!valid_port_id(id)) {
    error = action_error(400, "INVALID_PARAMETER_PORT_ID", "portId must match ^[A-Za-z0-9][A-Za-z0-9._-]*$");
    return nullptr;
  }
  auto it = ports_.find(id);
  if (it == ports_.end() || !listed(it->second, clock_.now())) {
    error = action_error(rules_.not_found_http_status, "SELF_SERVICE_PORT_NOT_FOUND",
                         "port " + id + " not found");
    return nullptr;
  }
  return &it->second;
}

json PortStateMachine::public_view(const Port& port) const {
  json view = port.info;
  view["portId"] = port.id;
  view["portStatus"] = port.status;
  if (port.charge_type_reported && !port.charge_type.empty()) view["portChargeType"] = port.charge_type;
  return view;
}

void PortStateMachine::fill_dc_fields(json& info, const std::string& dc_id) const {
  info["dcId"] = dc_id;
  auto known =
      std::find_if(kKnownDcs.begin(), kKnownDcs.end(), [&](const KnownDc& dc) { return dc_id == dc.id; });
  info["dcName"] = known != kKnownDcs.end() ? known->name : dc_id;
  info["cityName"] = known != kKnownDcs.end() ? known->city : "";
  info["areaName"] = known != kKnownDcs.end() ? known->area : "";
}

std::string PortStateMachine::next_port_id() {
  // Zero-padded so that the id order (the listing order) is the creation order.
  for (;;) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "port-%08llu", static_cast<unsigned long long>(next_id_++));
    if (!ports_.count(buf)) return buf;
  }
}

void PortStateMachine::record_violation(std::string_view action, const Port& port, std::string reason) {
  ++violation_count_;
  if (violation_details_.size() < kKeptViolationDetails) {
    violation_details_.push_back({{"time", utc_millis(clock_.now())},
                                  {"action", action},
                                  {"portId", port.id},
                                  {"portStatus", port.status},
                                  {"reason", std::move(reason)}});
  }
}

ActionResult PortStateMachine::describe_ports(const json& params) {
  ActionResult error;
  std::vector<std::string> ids;
  bool by_id = false;
  if (auto it = params.find("portIds"); it != params.end() && !it->is_null()) {
    if (!it->is_array()) return invalid_value("portIds", "must be an array of strings");
    if (it->size() > kMaxPortIds) return invalid_value("portIds", "holds at most 100 port ids");
    for (const auto& id : *it) {
      if (!id.is_string()) return invalid_value("portIds", "must be an array of strings");
      if (!valid_port_id(id.get<std::string>())) {
        return action_error(400, "INVALID_PARAMETER_PORT_ID",
                            "every portIds entry must match ^[A-Za-z0-9][A-Za-z0-9._-]*$");
      }
      ids.push_back(id.get<std::string>());
    }
    by_id = true;
  }
  std::optional<std::string> dc_id, port_name, port_remarks, city_name;
  if (!optional_string(params, "dcId", dc_id, error) ||
      !optional_string(params, "portName", port_name, error) ||
      !optional_string(params, "portRemarks", port_remarks, error) ||
      !optional_string(params, "cityName", city_name, error)) {
    return error;
  }
  std::int64_t page_num = 1, page_size = kDefaultPageSize;
  if (!optional_int(params, "pageNum", 1, 1'000'000'000, page_num, error) ||
      !optional_int(params, "pageSize", 1, kMaxPageSize, page_size, error)) {
    return error;
  }

  const TimePoint now = clock_.now();
  auto matches = [&](Port& port) {
    if (!listed(port, now)) return false;
    if (dc_id && string_field(port.info, "dcId") != *dc_id) return false;
    if (city_name && string_field(port.info, "cityName") != *city_name) return false;
    if (port_name && !contains(string_field(port.info, "portName"), *port_name)) return false;
    if (port_remarks && !contains(string_field(port.info, "portRemarks"), *port_remarks)) return false;
    return true;
  };
  std::vector<Port*> found;
  if (by_id) {
    std::set<std::string> seen;
    for (const auto& id : ids) {
      auto it = ports_.find(id);
      if (it != ports_.end() && seen.insert(id).second && matches(it->second)) found.push_back(&it->second);
    }
  } else {
    for (auto& [id, port] : ports_) {
      if (matches(port)) found.push_back(&port);
    }
  }

  json data = json::array();
  const auto first = static_cast<std::size_t>((page_num - 1) * page_size);
  for (std::size_t i = first; i < found.size() && i < first + static_cast<std::size_t>(page_size); ++i) {
    Port& port = *found[i];
    data.push_back(public_view(port));
    if (port.pending && port.pending->to == kRecycled && port.lag_polls_left > 0) --port.lag_polls_left;
  }
  ActionResult result;
  result.response = {{"totalCount", found.size()}, {"dataSet", std::move(data)}};
  return result;
}

ActionResult PortStateMachine::create_port(const json& params) {
  ActionResult error;
  std::string dc_id, name, type, entity;
  std::optional<std::string> remarks;
  if (!required_string(params, "dcId", dc_id, error) || !required_string(params, "portName", name, error) ||
      !required_string(params, "portType", type, error) ||
      !required_string(params, "businessEntityName", entity, error) ||
      !optional_string(params, "portRemarks", remarks, error)) {
    return error;
  }
  if (std::find(rules_.dc_ids.begin(), rules_.dc_ids.end(), dc_id) == rules_.dc_ids.end()) {
    return action_error(400, "INVALID_PARAMETER_DC_ID", "dcId " + dc_id + " is not a known data center");
  }
  if (std::find(kPortTypes.begin(), kPortTypes.end(), type) == kPortTypes.end()) {
    return action_error(400, "INVALID_PARAMETER_PORT_TYPE",
                        "portType must be one of 1G, 10G, 40G, 100G, 400G");
  }
  const TimePoint now = clock_.now();
  Port port;
  port.id = next_port_id();
  port.status = kCreating;
  port.charge_type = "POSTPAID";
  port.pending = Transition{kRunning, now + delays_.create};
  port.info = {{"portName", name},
               {"portRemarks", remarks.value_or("")},
               {"portType", type},
               {"connectionStatus", "DOWN"},
               {"loaStatus", "LOA_NOT_UPLOAD"},
               {"loaDownloadUrl", ""},
               {"businessEntityName", entity},
               {"createdTime", utc_seconds(now)}};
  fill_dc_fields(port.info, dc_id);
  settle(port, now);
  std::string id = port.id;
  ports_.emplace(id, std::move(port));
  ActionResult result;
  result.response = {{"portId", id}};
  result.committed = true;
  return result;
}

ActionResult PortStateMachine::modify_port_attribute(const json& params) {
  ActionResult error;
  Port* port = find_listed(params, error);
  if (!port) return error;
  std::optional<std::string> name, remarks, entity;
  if (!optional_string(params, "portName", name, error) ||
      !optional_string(params, "portRemarks", remarks, error) ||
      !optional_string(params, "businessEntityName", entity, error)) {
    return error;
  }
  if (port->status == kRecycled || port->status == kDestroying || port->status == kDestroyed) {
    return action_error(403, "OPERATION_FAILED_FOR_RECYCLE_RESOURCE",
                        "port " + port->id + " is " + port->status);
  }
  if (entity && string_field(port->info, "loaStatus") != "LOA_NOT_UPLOAD") {
    return action_error(403, "OPERATION_DENIED_LOA_UPLOADED",
                        "businessEntityName can only change before the LOA is uploaded");
  }
  if (name) port->info["portName"] = *name;
  if (remarks) port->info["portRemarks"] = *remarks;
  if (entity) port->info["businessEntityName"] = *entity;
  ActionResult result;
  result.committed = true;
  return result;
}

ActionResult PortStateMachine::terminate_port(const json& params) {
  ActionResult error;
  Port* port = find_listed(params, error);
  if (!port) return error;
  if (port->terminate_accepted) {
    // The client repeated a call that was already accepted (typically while the port still reads RUNNING).
    ++duplicate_terminates_;
    return action_error(403, rules_.recycled_terminate_code, "port " + port->id + " is already terminated");
  }
  if (port->status == kRecycled || port->status == kDestroying || port->status == kDestroyed) {
    return action_error(403, rules_.recycled_terminate_code,
                        "port " + port->id + " is already in the recycle bin");
  }
  if (port->status == kCreating) {
    return action_error(403, "OPERATION_DENIED_PORT_CREATING",
                        "port " + port->id + " is still being created");
  }
  if (port->status != kRunning) {
    return action_error(403, "OPERATION_DENIED_PORT_STATUS",
                        "port " + port->id + " cannot be terminated while " + port->status);
  }
  if (port->charge_type == "PREPAID") {
    return action_error(403, "OPERATION_DENIED_PORT_PREPAID",
                        "port " + port->id + " is prepaid: it is returned when it expires");
  }
  const TimePoint now = clock_.now();
  port->terminate_accepted = true;
  port->lag_polls_left = delays_.terminate_lag_polls;
  port->pending = Transition{kRecycled, now + delays_.terminate};
  settle(*port, now);
  ActionResult result;
  result.committed = true;
  return result;
}

ActionResult PortStateMachine::destroy_port(const json& params) {
  ActionResult error;
  Port* port = find_listed(params, error);
  if (!port) return error;
  if (port->status != kRecycled) {
    // The operator must only destroy a port it has observed RECYCLED: anything else is its mistake.
    record_violation("DestroyPort", *port,
                     "DestroyPort on a port that is " + port->status + ", not RECYCLED");
    return action_error(
        403, "OPERATION_DENIED_PORT_NOT_RECYCLED",
        "port " + port->id + " is " + port->status + "; only RECYCLED ports can be destroyed");
  }
  const TimePoint now = clock_.now();
  port->status = kDestroying;
  port->pending = Transition{kDestroyed, now + delays_.destroy};
  settle(*port, now);
  ActionResult result;
  result.committed = true;
  return result;
}

ActionResult PortStateMachine::renew_port(const json& params) {
  ActionResult error;
  Port* port = find_listed(params, error);
  if (!port) return error;
  if (port->status != kRecycled) {
    return action_error(403, "OPERATION_DENIED_PORT_NOT_RECYCLED",
                        "port " + port->id + " is " + port->status + "; only RECYCLED ports can be renewed");
  }
  const TimePoint now = clock_.now();
  port->status = kRecovering;
  port->terminate_accepted = false;
  port->pending = Transition{kRunning, now + delays_.renew};
  settle(*port, now);
  ActionResult result;
  result.committed = true;
  return result;
}

PortStateMachine::Port PortStateMachine::make_port(const json& fields, TimePoint now) {
  if (!fields.is_object()) throw std::invalid_argument("a port must be a JSON object");
  Port port;
  port.status = kRunning;
  port.charge_type = "POSTPAID";
  std::string dc_id = rules_.dc_ids.empty() ? "SIN1" : rules_.dc_ids.front();
  json info = json::object();
  for (const auto& [key, value] : fields.items()) {
    auto need_string = [&] {
      if (!value.is_string()) throw std::invalid_argument(key + " must be a string");
      return value.get<std::string>();
    };
    if (key == "portId") {
      port.id = need_string();
      if (!valid_port_id(port.id))
        throw std::invalid_argument("portId must match ^[A-Za-z0-9][A-Za-z0-9._-]*$");
    } else if (key == "portStatus") {
      port.status = need_string();
      if (port.status.empty()) throw std::invalid_argument("portStatus must not be empty");
    } else if (key == "portChargeType") {
      port.charge_type = need_string();
    } else if (key == "chargeTypeReported") {
      if (!value.is_boolean()) throw std::invalid_argument("chargeTypeReported must be a boolean");
      port.charge_type_reported = value.get<bool>();
    } else if (key == "dcId") {
      dc_id = need_string();
    } else {
      info[key] = value;
    }
  }
  if (port.id.empty()) port.id = next_port_id();
  json defaults = {{"portName", port.id},
                   {"portRemarks", ""},
                   {"portType", "10G"},
                   {"connectionStatus", "ACTIVE"},
                   {"loaStatus", "LOA_UPLOADED"},
                   {"loaDownloadUrl", ""},
                   {"businessEntityName", "Example Ltd"},
                   {"createdTime", utc_seconds(now)}};
  fill_dc_fields(defaults, dc_id);
  defaults.update(info);  // given fields win, including dcName/cityName overrides
  port.info = std::move(defaults);

  // A port seeded mid-transition finishes it, as a real one would.
  if (port.status == kCreating) {
    port.pending = Transition{kRunning, now + delays_.create};
  } else if (port.status == kRecovering) {
    port.pending = Transition{kRunning, now + delays_.renew};
  } else if (port.status == kDestroying) {
    port.pending = Transition{kDestroyed, now + delays_.destroy};
  } else if (port.status == kDestroyed) {
    port.destroyed_at = now;
  }
  return port;
}

json PortStateMachine::seed(const json& spec) {
  const TimePoint now = clock_.now();
  std::vector<Port> fresh;
  const auto next_id_before = next_id_;
  try {
    if (spec.is_object() && spec.contains("count")) {
      const json& count = spec["count"];
      if (!count.is_number_integer() || count.get<std::int64_t>() < 0 ||
          count.get<std::int64_t>() > 1'000'000) {
        throw std::invalid_argument("count must be an integer between 0 and 1000000");
      }
      json tmpl = spec;
      tmpl.erase("count");
      if (tmpl.contains("portId")) throw std::invalid_argument("portId cannot be given with count");
      for (std::int64_t i = 0; i < count.get<std::int64_t>(); ++i)
        fresh.push_back(make_port(tmpl, now));
    } else if (spec.is_array()) {
      for (const auto& one : spec)
        fresh.push_back(make_port(one, now));
    } else {
      fresh.push_back(make_port(spec, now));
    }
    std::set<std::string> ids;
    for (const auto& port : fresh) {
      if (ports_.count(port.id) || !ids.insert(port.id).second) {
        throw std::invalid_argument("port " + port.id + " already exists");
      }
    }
  } catch (...) {
    next_id_ = next_id_before;
    throw;
  }
  json out = json::array();
  for (auto& port : fresh) {
    out.push_back(port.id);
    std::string id = port.id;
    ports_.emplace(std::move(id), std::move(port));
  }
  return {{"portIds", std::move(out)}};
}

json PortStateMachine::all_ports() {
  const TimePoint now = clock_.now();
  json out = json::array();
  for (auto& [id, port] : ports_) {
    bool is_listed = listed(port, now);
    json view = public_view(port);
    json internal = {{"listed", is_listed},
                     {"portChargeType", port.charge_type},
                     {"chargeTypeReported", port.charge_type_reported},
                     {"terminateAccepted", port.terminate_accepted},
                     {"lagPollsLeft", port.lag_polls_left}};
    if (port.pending) {
      auto due_in = std::chrono::duration_cast<Millis>(port.pending->due - now).count();
      internal["pending"] = {{"to", port.pending->to}, {"dueInMs", std::max<std::int64_t>(due_in, 0)}};
    }
    if (port.destroyed_at) internal["destroyedAt"] = utc_millis(*port.destroyed_at);
    view["internal"] = std::move(internal);
    out.push_back(std::move(view));
  }
  return out;
}

json PortStateMachine::status_counts() {
  const TimePoint now = clock_.now();
  json by_status = json::object();
  std::uint64_t unlisted = 0;
  for (auto& [id, port] : ports_) {
    if (!listed(port, now)) {
      ++unlisted;
      continue;
    }
    by_status[port.status] = by_status.value(port.status, 0) + 1;
  }
  return {{"listed", std::move(by_status)}, {"unlisted", unlisted}, {"total", ports_.size()}};
}

json PortStateMachine::violations() const {
  return {{"count", violation_count_}, {"details", json(violation_details_)}};
}

void PortStateMachine::clear() {
  ports_.clear();
  next_id_ = 1;
  violation_count_ = 0;
  violation_details_.clear();
  duplicate_terminates_ = 0;
}

}  // namespace zenemu
