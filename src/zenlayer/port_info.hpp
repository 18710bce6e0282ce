#pragma once
// A port as DescribePorts reports it. Unknown fields are ignored and an unknown `portStatus` is kept
// verbatim: the API grows over time and the operator must report what it sees rather than fail.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace zenlayer {

enum class PortStatus {
  Creating,
  Running,
  Recycled,
  Destroying,
  Destroyed,
  Deleting,  // in-progress states the Terraform provider also waits on
  Updating,
  Recovering,
  Unknown,  // anything else, including failure states: the raw text is in PortInfo::port_status
};

PortStatus parse_port_status(std::string_view text);
std::string_view to_string(PortStatus);

struct PortInfo {
  std::string port_id{};
  std::string port_name{};
  std::string port_remarks{};
  std::string port_type{};
  std::string port_status{};  // verbatim, e.g. "RUNNING"; see status()
  std::string connection_status{};
  std::string dc_id{};
  std::string dc_name{};
  std::string city_name{};
  std::string area_name{};
  std::string loa_status{};
  std::string loa_download_url{};
  std::string business_entity_name{};
  std::string created_time{};  // UTC "YYYY-MM-DDThh:mm:ssZ" as sent
  std::string expired_time{};
  std::optional<std::string> port_charge_type{};  // "PREPAID" | "POSTPAID"; absent in some replies
  std::optional<int> period{};                    // months, prepaid only

  PortStatus status() const { return parse_port_status(port_status); }
  friend bool operator==(const PortInfo&, const PortInfo&) = default;
};

class MalformedReply : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Missing or null fields stay empty; a value of the wrong type, or a missing portId, throws MalformedReply.
PortInfo port_info_from_json(const nlohmann::json& json);

}  // namespace zenlayer
