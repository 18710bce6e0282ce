#pragma once
// Internal to decide(): the one decision being made, shared by decide.cpp (the frame, adoption's observation
// and deletion), decide_create.cpp (create, lookup, recovery of a create in flight) and decide_update.cpp
// (attributes, immutable fields, restore). Nothing outside those files includes it.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "port/decide.hpp"

namespace zpo::port::detail {

inline constexpr const char* kReady = "Ready";
inline constexpr const char* kSynced = "Synced";
inline constexpr const char* kCreatePort = "CreatePort";
inline constexpr const char* kModifyPort = "ModifyPortAttribute";
inline constexpr const char* kRenewPort = "RenewPort";
inline constexpr const char* kTerminatePort = "TerminatePort";
inline constexpr const char* kDestroyPort = "DestroyPort";

// A code that tells us nothing about whether the mutation happened: no reply, or a 500.
inline bool uncertain(const std::string& code) {
  return code == kNoReplyCode || code == "INTERNAL_SERVER_ERROR";
}

// Go-style, as the flags are written: "30m0s", "1h0m0s", "500ms".
std::string describe_duration(std::chrono::milliseconds duration);

// Sets condition `type` on `status`. Its transition time moves (to `now`) only when its status differs from
// the one in `before` (the status as read), not from an earlier assignment in this same decision.
void put_condition(PortResourceStatus& status, const PortResourceStatus& before, std::int64_t generation,
                   Time now, const char* type, const char* value, std::string reason, std::string message);

// record_mutation_outcome() for a CreatePort plan.
void record_create_outcome(Plan& plan, const PortResource& resource, const MutationOutcome& outcome);

class Decision {
 public:
  Decision(const PortResource& resource, const DecideInput& input);

  Plan run(const std::optional<Observation>& observation, const std::optional<PortLookup>& lookup);

 private:
  using milliseconds = std::chrono::milliseconds;

  const DecideSettings& settings() const { return input_.settings; }
  // The port this resource stands for; a create in flight resolved by a lookup sets it.
  const std::string& port_id() const { return port_id_; }

  void ready(const char* status, std::string reason, std::string message) {
    put_condition(plan_.status, resource_.status, resource_.generation, now_, kReady, status,
                  std::move(reason), std::move(message));
  }
  void synced(const char* status, std::string reason, std::string message) {
    put_condition(plan_.status, resource_.status, resource_.generation, now_, kSynced, status,
                  std::move(reason), std::move(message));
  }
  void synced_ok() { synced("True", "Observed", "the port was observed and the status reflects it"); }
  void phase(Phase phase) { plan_.status.phase = phase; }
  void phase_if_unset(Phase phase) {
    if (!plan_.status.phase) plan_.status.phase = phase;
  }
  void requeue(milliseconds after) { plan_.requeue_after = std::max(after, milliseconds(0)); }
  void copy_port(const zenlayer::PortInfo& port);
  milliseconds since(Time start) const {
    return std::chrono::duration_cast<milliseconds>(input_.now - start);
  }
  // When the condition took its current reason (approximately: its last transition), or now.
  Time reason_since(const char* type, std::string_view reason) const;

  Plan finish();

  // decide.cpp
  void orphan();
  void invalid_spec();
  // An old status (written before status.portId existed) shows a port, but nothing names it any more.
  void identity_lost();
  void credentials_error(const CredentialsProblem& problem);
  // `looking_up`: the failure came from the lookup by name, not from observing the port.
  void cloud_error(const CloudFailure& failure, bool looking_up = false);
  void observed(const Observation& observation);
  void live(const Observation& observation);
  void deleting(const Observation& observation);
  void unknown_status(const zenlayer::PortInfo& port, Time stage_start);
  void wait(Phase phase, std::string reason, std::string message, Time stage_start);
  void blocked_prepaid();
  // The last operation is `action`, accepted or of unknown outcome, sent less than `window` before `at`.
  bool sent_within(const char* action, milliseconds window, Time at) const;
  bool sent_within(const char* action, milliseconds window) const {
    return sent_within(action, window, input_.now);
  }
  // The last `action` may still be under way: sent less than terminate_grace before the port was looked at
  // (before now, with no look). Judged at the look, not now: an answer that waited for a worker while the
  // grace ran out shows the port from within the grace (the cloud reads RUNNING for a while after accepting
  // TerminatePort), so it cannot show the mutation lost. The wait that follows looks again.
  bool mutation_in_flight(const char* action) const {
    return sent_within(action, settings().terminate_grace, looked_at_.value_or(input_.now));
  }
  // A port created (or a CreatePort of unknown outcome sent) less than terminate_grace ago may not be listed
  // yet (the cloud lags, and a request of a process that died may still be carried out): its absence is not
  // the port being gone, nor proof that the create never happened.
  bool not_listed_yet() const { return mutation_in_flight(kCreatePort); }
  // The last mutation `action` was refused and may not be sent again yet: says why on the status and returns
  // true.
  bool refused_recently(const char* action);
  void terminate();
  void destroy();

  // decide_create.cpp
  void create(const std::optional<PortLookup>& lookup);
  // The last CreatePort has no known outcome (crash before the reply, no reply, a 500): the port may exist.
  bool create_in_flight() const;
  // A refused CreatePort holds the next one back, for good (invalid input, until the spec changes) or for a
  // while (as refused_recently): says why on the status and returns true.
  bool create_held_back();
  // The data center and name to look for: what the create in flight asked for, else what the spec says.
  zenlayer::PortFilter lookup_target() const;
  std::string port_name_in_dc() const;  // "\"edge-1\" in SIN1" (the lookup target), for messages
  void look_up(bool in_flight);
  void answer_lookup(const PortLookup& lookup, bool in_flight);
  void send_create();

  // decide_update.cpp
  void running(const zenlayer::PortInfo& port);
  bool immutable_fields_differ(const zenlayer::PortInfo& port);
  // The attributes the spec sets that differ from the port, as a ModifyPortAttribute request; `locked` tells
  // whether a businessEntityName difference was left out because the LOA is uploaded.
  zenlayer::PortAttributes attribute_changes(const zenlayer::PortInfo& port, bool& locked) const;
  void modify(const zenlayer::PortAttributes& changes);
  void recycled();
  void restore();

  const PortResource& resource_;
  const DecideInput& input_;
  const Time now_;  // at status precision
  std::string port_id_;
  std::optional<Time> looked_at_;  // when the observation decided on was asked for
  // A create, a modify or a restore is still outstanding: status.observedGeneration keeps what it had.
  bool spec_pending_ = false;
  Plan plan_{};
};

}  // namespace zpo::port::detail
