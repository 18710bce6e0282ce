#include "zenlayer/port_info.hpp"

#include <array>
#include <cstdint>
#include <limits>
#include <utility>

namespace zenlayer {

namespace {

constexpr std::array<std::pair<std::string_view, PortStatus>, 8> kStatuses{{
    {"CREATING", PortStatus::Creating},
    {"RUNNING", PortStatus::Running},
    {"RECYCLED", PortStatus::Recycled},
    {"DESTROYING", PortStatus::Destroying},
    {"DESTROYED", PortStatus::Destroyed},
    {"DELETING", PortStatus::Deleting},
    {"UPDATING", PortStatus::Updating},
    {"RECOVERING", PortStatus::Recovering},
}};

std::optional<std::string> optional_string(const nlohmann::json& json, const char* name) {
  const auto found = json.find(name);
  if (found == json.end() || found->is_null()) return std::nullopt;
  if (!found->is_string()) throw MalformedReply(std::string("PortInfo.") + name + " is not a string");
  return found->get<std::string>();
}

std::string string_or_empty(const nlohmann::json& json, const char* name) {
  return optional_string(json, name).value_or("");
}

std::optional<int> optional_int(const nlohmann::json& json, const char* name) {
  const auto found = json.find(name);
  if (found == json.end() || found->is_null()) return std::nullopt;
  if (!found->is_number_integer())
    throw MalformedReply(std::string("PortInfo.") + name + " is not an integer");
  // get<int>() would wrap a larger number silently (4294967297 months would read as 1).
  const bool fits = found->is_number_unsigned()
                        ? found->get<std::uint64_t>() <= std::numeric_limits<int>::max()
                        : std::in_range<int>(found->get<std::int64_t>());
  if (!fits) throw MalformedReply(std::string("PortInfo.") + name + " is out of range");
  return found->get<int>();
}

}  // namespace

PortStatus parse_port_status(std::string_view text) {
  for (const auto& [name, status] : kStatuses) {
    if (name == text) return status;
  }
  return PortStatus::Unknown;
}

std::string_view to_string(PortStatus status) {
  for (const auto& [name, value] : kStatuses) {
    if (value == status) return name;
  }
  return "UNKNOWN";
}

PortInfo port_info_from_json(const nlohmann::json& json) {
  if (!json.is_object()) throw MalformedReply("PortInfo is not an object");
  PortInfo port{
      .port_id = string_or_empty(json, "portId"),
      .port_name = string_or_empty(json, "portName"),
      .port_remarks = string_or_empty(json, "portRemarks"),
      .port_type = string_or_empty(json, "portType"),
      .port_status = string_or_empty(json, "portStatus"),
      .connection_status = string_or_empty(json, "connectionStatus"),
      .dc_id = string_or_empty(json, "dcId"),
      .dc_name = string_or_empty(json, "dcName"),
      .city_name = string_or_empty(json, "cityName"),
      .area_name = string_or_empty(json, "areaName"),
      .loa_status = string_or_empty(json, "loaStatus"),
      .loa_download_url = string_or_empty(json, "loaDownloadUrl"),
      .business_entity_name = string_or_empty(json, "businessEntityName"),
      .created_time = string_or_empty(json, "createdTime"),
      .expired_time = string_or_empty(json, "expiredTime"),
      .port_charge_type = optional_string(json, "portChargeType"),
      .period = optional_int(json, "period"),
  };
  if (port.port_id.empty()) throw MalformedReply("PortInfo without portId");
  return port;
}

}  // namespace zenlayer
