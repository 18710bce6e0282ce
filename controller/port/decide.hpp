#pragma once
// The decision: from the resource as read (spec, finalizers, deletion timestamp and our own status, which
// records the last mutation sent) and what was last observed of the cloud port, the next step. A pure
// function — no I/O, no clock reads, no randomness (the caller applies jitter) — so every combination is
// tested as a table.
//
// Invariants (checked by tests/controller_port/decide_test.cpp, decide_create_test.cpp,
// decide_update_test.cpp):
// - DestroyPort only for a port observed RECYCLED; TerminatePort only for a port observed RUNNING and not
//   PREPAID; RenewPort only for a port observed RECYCLED, not being deleted, with spec.restore;
//   ModifyPortAttribute only for a port observed RUNNING, not being deleted, whose attributes differ from the
//   spec (and never businessEntityName once the LOA is uploaded).
// - No mutation without a fresh observation (one taken after the last mutation recorded in the status), on an
//   unknown portStatus, or while a TerminatePort/DestroyPort/RenewPort accepted less than terminate_grace ago
//   may still be on its way (the cloud lags); at most one ModifyPortAttribute per poll_interval.
// - CreatePort only from a lookup by name, made in this same reconcile, that finds no port of that name in
//   the data center; its plan's status is the create-in-flight record, written before the call. A create in
//   flight found in the status (a crash, a lost reply) is resolved by a lookup: one port of that name is
//   ours, none means the create never happened, several stop the resource with CreateIndeterminate.
// - Orphan never touches the cloud. The finalizer comes off only with phase Destroyed, Orphaned, Recycled
//   under RecycleBin, or when no port was ever created.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "port/observation.hpp"
#include "port/zenlayer_port.hpp"
#include "zenlayer/sdn_ports.hpp"

namespace zpo::port {

struct DecideSettings {
  std::chrono::milliseconds resync_period{600000};
  std::chrono::milliseconds poll_interval{5000};
  std::chrono::milliseconds max_poll_interval{60000};
  std::chrono::milliseconds stuck_timeout{1800000};
  std::chrono::milliseconds error_retry_interval{300000};
  std::chrono::milliseconds terminate_grace{600000};
};

struct DecideInput {
  Time now{};
  DecideSettings settings{};
};

enum class CloudAction {
  None,
  ObservePort,  // ask the batched observer for a fresh look at port_id()
  LookupPorts,  // list the ports named spec.portName in spec.dcId, then decide again with the result
  CreatePort,   // write plan.status (the create in flight) first, then send plan.create
  ModifyPort,   // ModifyPortAttribute with plan.modify
  RenewPort,
  TerminatePort,
  DestroyPort,
};
enum class FinalizerChange { Keep, Add, Remove };
enum class EventKind { Normal, Warning };

std::string_view to_string(CloudAction);

struct PlannedEvent {
  EventKind kind = EventKind::Normal;
  std::string reason{};
  std::string message{};
  friend bool operator==(const PlannedEvent&, const PlannedEvent&) = default;
};

struct Plan {
  CloudAction action = CloudAction::None;
  // The whole status to have after this step. For CreatePort it is the create-in-flight record, to be written
  // before the call; for the other mutations it is the status once the cloud accepted the call (see
  // record_mutation_outcome for the other outcomes).
  PortResourceStatus status{};
  std::optional<zenlayer::PortFilter> lookup{};         // LookupPorts: the data center and name to list
  std::optional<zenlayer::CreatePortRequest> create{};  // CreatePort
  std::optional<zenlayer::PortAttributes> modify{};     // ModifyPort: only the attributes that differ
  FinalizerChange finalizer = FinalizerChange::Keep;
  std::vector<PlannedEvent> events{};  // emitted when a condition takes a reason worth telling people about
  // Observe again after this delay (before jitter). nullopt: nothing to wait for (an ObservePort reply, a
  // spec change or the deletion itself brings the key back).
  std::optional<std::chrono::milliseconds> requeue_after{};
};

// What a LookupPorts found: every port the cloud listed for the filter (dcId, portName), unfiltered —
// decide() keeps those whose name is exactly spec.portName, in spec.dcId, and not DESTROYING or DESTROYED. A
// failed lookup has `failure` (kind CloudError or CredentialsError) and no ports.
struct PortLookup {
  std::vector<zenlayer::PortInfo> ports{};
  std::optional<Observation> failure{};
};

// `lookup` is given only on the second decision of a reconcile whose first asked for LookupPorts. While the
// resource has no port (port_id() empty) `observation` is not used.
Plan decide(const PortResource& resource, const std::optional<Observation>& observation,
            const DecideInput& input, const std::optional<PortLookup>& lookup = std::nullopt);

// What came of the mutation a plan asked for.
struct MutationOutcome {
  bool accepted = false;
  std::string request_id{};
  std::string port_id{};  // CreatePort: the new port's id, when accepted
  std::string code{};     // the error code when refused; empty when accepted or when no reply came back
  std::string message{};  // the cloud's message when refused (for the condition; never holds a secret)
  bool may_have_taken_effect = false;
  zenlayer::ErrorClass error_class = zenlayer::ErrorClass::Unknown;  // when refused
};

// Completes `plan` (a mutation plan made from `resource`) with the outcome: the request id (and, for
// CreatePort, status.portId) on acceptance; on failure the last operation records the code (kNoReplyCode when
// none came back), the stage timestamp is kept only if the call may have taken effect, and the key is
// observed (or, for a create, looked up) again, so the next decision is made from what the cloud now says
// rather than from a guess. A CreatePort refused as invalid input (unknown data center or port type) makes
// the resource Failed with the cloud's reason until its spec changes.
void record_mutation_outcome(Plan& plan, const PortResource& resource, const MutationOutcome& outcome);

// The wait before the next poll of a stage that began at `stage_start`: poll_interval doubling with every
// poll since (polls at 1, 3, 7, … intervals after the start), capped at max_poll_interval.
std::chrono::milliseconds poll_backoff(Time stage_start, Time now, const DecideSettings& settings);

}  // namespace zpo::port
