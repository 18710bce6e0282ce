#pragma once
// The SDN ports and their asynchronous life, without HTTP:
//
//   CreatePort:    CREATING --create delay--> RUNNING
//   TerminatePort: RUNNING --terminate delay, and terminate-lag polls reading RUNNING--> RECYCLED
//   DestroyPort:   RECYCLED -> DESTROYING --destroy delay--> DESTROYED --visible time--> no longer listed
//   RenewPort:     RECYCLED -> RECOVERING --renew delay--> RUNNING
//
// Transitions are evaluated lazily against the injected clock each time a port is looked at. Not thread-safe:
// the owner serializes calls.
#include <cstdint>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "action_result.hpp"
#include "clock.hpp"
#include "port_config.hpp"

namespace zenemu {

// ^[A-Za-z0-9][A-Za-z0-9._-]*$
bool valid_port_id(std::string_view id);

class PortStateMachine {
 public:
  explicit PortStateMachine(const Clock& clock, Delays delays = {}, PortRules rules = {});

  // The SDN actions. params is the request body, a JSON object; see zenlayer-api.md for the fields.
  ActionResult describe_ports(const nlohmann::json& params);
  ActionResult create_port(const nlohmann::json& params);
  ActionResult modify_port_attribute(const nlohmann::json& params);
  ActionResult terminate_port(const nlohmann::json& params);
  ActionResult destroy_port(const nlohmann::json& params);
  ActionResult renew_port(const nlohmann::json& params);

  // Adds ports: one PortInfo-like object, an array of them, or {"count":N, ...template}. Fields: portId
  // (generated when absent), portStatus (default RUNNING), portChargeType (default POSTPAID; "" omits it),
  // chargeTypeReported (default true; false keeps the charge type's behaviour but omits it from replies), and
  // any PortInfo field, passed through as given. Returns {"portIds":[...]}. Throws std::invalid_argument (and
  // adds nothing) on a bad field or a duplicate id.
  nlohmann::json seed(const nlohmann::json& spec);
  // Every port, including those no longer listed, with the internal state under "internal".
  nlohmann::json all_ports();
  // {"listed":{STATUS:n,...},"unlisted":n,"total":n}
  nlohmann::json status_counts();
  // {"count":n,"details":[{time,action,portId,portStatus,reason}]} (details keep the first 1000)
  nlohmann::json violations() const;
  std::uint64_t violation_count() const { return violation_count_; }
  std::uint64_t duplicate_terminates() const { return duplicate_terminates_; }
  // Forgets every port and counter; delays and rules are kept.
  void clear();

  const Delays& delays() const { return delays_; }
  void set_delays(const Delays& d) { delays_ = d; }
  const PortRules& rules() const { return rules_; }
  void set_rules(const PortRules& r) { rules_ = r; }

 private:
  struct Transition {
    std::string to;
    TimePoint due;
  };
  struct Port {
    std::string id;
    std::string status;
    std::string charge_type;  // PREPAID, POSTPAID or "" (unknown: behaves as POSTPAID)
    bool charge_type_reported = true;
    nlohmann::json info = nlohmann::json::object();  // the other PortInfo fields, as replied
    std::optional<Transition> pending;
    int lag_polls_left = 0;           // polls that must still read RUNNING before RECYCLED shows
    bool terminate_accepted = false;  // a TerminatePort was accepted and not undone by RenewPort
    std::optional<TimePoint> destroyed_at;
  };

  void settle(Port& port, TimePoint now) const;
  bool listed(Port& port, TimePoint now) const;
  // The port named by params.portId if it is listed; otherwise the error to answer.
  Port* find_listed(const nlohmann::json& params, ActionResult& error);
  Port make_port(const nlohmann::json& fields, TimePoint now);
  nlohmann::json public_view(const Port& port) const;
  void fill_dc_fields(nlohmann::json& info, const std::string& dc_id) const;
  std::string next_port_id();
  void record_violation(std::string_view action, const Port& port, std::string reason);

  const Clock& clock_;
  Delays delays_;
  PortRules rules_;
  std::map<std::string, Port> ports_;  // ordered by id; generated ids sort in creation order
  std::uint64_t next_id_ = 1;
  std::uint64_t violation_count_ = 0;
  std::deque<nlohmann::json> violation_details_;
  std::uint64_t duplicate_terminates_ = 0;
};

}  // namespace zenemu
