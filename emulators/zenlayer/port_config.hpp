#pragma once
// The knobs of the port state machine: how long each asynchronous transition takes, and the answers whose
// real form is unconfirmed (zenlayer-api.md), so tests can check the client tolerates every variant.
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "clock.hpp"

namespace zenemu {

struct Delays {
  Millis create{2000};     // CREATING -> RUNNING
  Millis terminate{3000};  // TerminatePort accepted -> RECYCLED
  int terminate_lag_polls =
      2;                 // DescribePorts polls that still read RUNNING after TerminatePort was accepted
  Millis destroy{3000};  // DESTROYING -> DESTROYED
  Millis destroyed_visible{30000};  // DESTROYED ports stay listed this long, then are absent
  Millis renew{2000};               // RECOVERING -> RUNNING after RenewPort
};

// {"createMs":..,"terminateMs":..,"terminateLagPolls":..,"destroyMs":..,"destroyedVisibleMs":..,"renewMs":..}
nlohmann::json to_json(const Delays& d);
// Applies the fields present in patch; throws std::invalid_argument on an unknown field or a negative value.
void merge_json(Delays& d, const nlohmann::json& patch);

struct PortRules {
  std::vector<std::string> dc_ids{"SIN1", "HKG1", "TYO1", "LAX1", "FRA1"};
  int not_found_http_status = 400;  // SELF_SERVICE_PORT_NOT_FOUND's HTTP status is unconfirmed
  // TerminatePort on a port already terminated: OPERATION_FAILED_FOR_RECYCLE_RESOURCE or, with a flag,
  // OPERATION_DENIED_INSTANCE_RECYCLED (both are seen in the wild).
  std::string recycled_terminate_code = "OPERATION_FAILED_FOR_RECYCLE_RESOURCE";
};

// {"dcIds":[..],"notFoundHttpStatus":..,"recycledTerminateCode":".."}
nlohmann::json to_json(const PortRules& r);
void merge_json(PortRules& r, const nlohmann::json& patch);

}  // namespace zenemu
