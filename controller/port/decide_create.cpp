// The decision for a resource that has no port yet: look the name up, create, or recover a create in flight.
// A CreatePort is planned only from a lookup of this same reconcile that found no live port of that name, and
// its plan's status is the create-in-flight record the reconciler writes before sending it. That record is
// what a crash or a lost reply leaves behind: the next decision looks the name up again instead of creating
// a second port.

#include <string>
#include <vector>

#include "port/decision.hpp"

namespace zpo::port::detail {

namespace {

using std::chrono::milliseconds;
using zenlayer::ErrorClass;
using zenlayer::PortStatus;

std::string join_ids(const std::vector<zenlayer::PortInfo>& ports) {
  std::string ids;
  for (const auto& port : ports)
    ids += (ids.empty() ? "" : ", ") + port.port_id;
  return ids;
}

bool invalid_input(const std::string& code) {
  return zenlayer::classify(0, code) == ErrorClass::InvalidRequest;
}

}  // namespace

bool Decision::create_in_flight() const {
  const auto& operation = resource_.status.last_operation;
  return operation && operation->action == kCreatePort &&
         (operation->code.empty() || uncertain(operation->code));
}

void Decision::create(const std::optional<PortLookup>& lookup) {
  // A resource being deleted gets here only with a create in flight: run() released the others.
  const bool in_flight = create_in_flight();
  spec_pending_ = !resource_.deleting();
  if (!in_flight && create_held_back()) return;
  if (in_flight && resource_.status.last_operation->time) {
    // The cloud may not list a port it has just created: the lookup that decides waits a poll interval.
    const milliseconds age = since(*resource_.status.last_operation->time);
    if (age < settings().poll_interval) {
      phase_if_unset(Phase::Pending);
      requeue(settings().poll_interval - age);
      return;
    }
  }
  if (!lookup) {
    look_up(in_flight);
    return;
  }
  answer_lookup(*lookup, in_flight);
}

bool Decision::create_held_back() {
  const auto& operation = resource_.status.last_operation;
  if (!operation || operation->action != kCreatePort) return false;
  if (invalid_input(operation->code)) {
    // Refused as invalid input for this very generation (the Ready condition says which one failed): only a
    // spec change can help, and it brings the key back by itself.
    const auto* ready = resource_.status.condition(kReady);
    if (ready && ready->reason == "CreateFailed" && ready->observed_generation == resource_.generation) {
      phase(Phase::Failed);
      return true;
    }
    return false;
  }
  phase_if_unset(Phase::Pending);
  return refused_recently(kCreatePort);
}

zenlayer::PortFilter Decision::lookup_target() const {
  const auto& operation = resource_.status.last_operation;
  if (create_in_flight() && !operation->port_name.empty())
    return zenlayer::PortFilter{operation->dc_id, operation->port_name};
  return zenlayer::PortFilter{resource_.spec.dc_id, resource_.spec.port_name.value_or("")};
}

std::string Decision::port_name_in_dc() const {
  const auto target = lookup_target();
  // Appended piece by piece: GCC 12 at -O3 reports a false -Werror=restrict on a chain of operator+.
  std::string text = "\"";
  text += target.port_name.value_or("");
  text += "\" in ";
  text += target.dc_id.value_or("");
  return text;
}

void Decision::look_up(bool in_flight) {
  plan_.action = CloudAction::LookupPorts;
  plan_.lookup = lookup_target();
  // A fresh attempt (a first create, or one after a refusal that a spec change answered) is on its way again.
  in_flight ? phase_if_unset(Phase::Pending) : phase(Phase::Pending);
  if (in_flight) {
    ready("False", "CreatePending",
          "the outcome of the last CreatePort is unknown; looking up the ports named " + port_name_in_dc() +
              " before anything else");
  } else {
    ready("False", "Creating",
          "looking up the ports named " + port_name_in_dc() + "; CreatePort follows if there is none");
  }
}

void Decision::answer_lookup(const PortLookup& lookup, bool in_flight) {
  if (lookup.failure) {
    // Nothing is known of the ports of that name, so nothing is created.
    if (lookup.failure->kind == Observation::Kind::CredentialsError) {
      credentials_error(lookup.failure->credentials);
    } else {
      phase_if_unset(Phase::Pending);
      cloud_error(lookup.failure->failure, /*looking_up=*/true);
    }
    return;
  }
  // DescribePorts matches names loosely: only the exact name in the data center counts, and a port on its way
  // out is no longer a port of that name.
  const auto target = lookup_target();
  std::vector<zenlayer::PortInfo> candidates;
  for (const auto& port : lookup.ports) {
    const bool live = port.status() != PortStatus::Destroying && port.status() != PortStatus::Destroyed;
    if (port.port_name == target.port_name && (port.dc_id.empty() || port.dc_id == target.dc_id) && live) {
      candidates.push_back(port);
    }
  }
  if (!in_flight) {
    if (candidates.empty()) {
      send_create();
      return;
    }
    phase(Phase::Failed);
    const std::string message = "a port named " + port_name_in_dc() + " already exists (" +
                                join_ids(candidates) +
                                "): set spec.portId to adopt it, or choose another portName";
    ready("False", "PortNameInUse", message);
    synced("False", "PortNameInUse", message);
    requeue(settings().error_retry_interval);
    return;
  }
  if (candidates.size() == 1) {
    // The create in flight happened: that port is ours, and the resource goes on as for any port it has.
    const zenlayer::PortInfo& port = candidates.front();
    port_id_ = port.port_id;
    plan_.status.port_id = port.port_id;
    plan_.events.push_back(PlannedEvent{EventKind::Normal, "PortFound",
                                        "the outcome of CreatePort was unknown; port " + port.port_id +
                                            " was found by its name " + port_name_in_dc() +
                                            " and is this resource's port"});
    spec_pending_ = false;
    const Observation seen = Observation::found(port, input_.now);
    resource_.deleting() ? deleting(seen) : live(seen);
    return;
  }
  if (candidates.empty() && not_listed_yet()) {
    // Not proof yet that the create never happened: the cloud may list a new port late, and a CreatePort of a
    // process that died may still be carried out. Look again, backing off, until terminate_grace has passed.
    phase_if_unset(Phase::Pending);
    ready("False", "CreatePending",
          "the outcome of the last CreatePort is unknown and no port named " + port_name_in_dc() +
              " is listed yet; looking again until " + describe_duration(settings().terminate_grace) +
              " after it was sent, before anything else");
    requeue(poll_backoff(*resource_.status.last_operation->time, input_.now, settings()));
    return;
  }
  if (candidates.empty()) {
    if (resource_.deleting()) {
      // The create never happened: nothing to release.
      plan_.status = resource_.status;
      plan_.finalizer = FinalizerChange::Remove;
      return;
    }
    send_create();
    return;
  }
  phase(Phase::Blocked);
  const std::string message =
      "the outcome of CreatePort is unknown and " + std::to_string(candidates.size()) + " ports are named " +
      port_name_in_dc() + " (" + join_ids(candidates) +
      "): set spec.portId to the one this resource stands for, or delete the resource "
      "with deletionPolicy Orphan; nothing is created meanwhile";
  ready("False", "CreateIndeterminate", message);
  synced("False", "CreateIndeterminate", message);
  requeue(settings().error_retry_interval);
}

void Decision::send_create() {
  const auto& spec = resource_.spec;
  plan_.action = CloudAction::CreatePort;
  plan_.create = zenlayer::CreatePortRequest{spec.dc_id, spec.port_name.value_or(""), spec.port_type,
                                             spec.business_entity_name.value_or(""), spec.port_remarks};
  // The create-in-flight record, written before the call.
  plan_.status.last_operation =
      LastOperation{kCreatePort, "", "", now_, spec.dc_id, spec.port_name.value_or("")};
  phase(Phase::Pending);
  ready("False", "Creating", "CreatePort sent; waiting for the port id");
  synced("True", "Observed", "no port is named " + port_name_in_dc());
  requeue(settings().poll_interval);
}

void record_create_outcome(Plan& plan, const PortResource& resource, const MutationOutcome& outcome) {
  auto& operation = *plan.status.last_operation;
  operation.request_id = outcome.request_id;
  const Time at = operation.time.value_or(Time{});  // the decision's now
  const auto condition = [&](const char* type, std::string reason, const std::string& message) {
    put_condition(plan.status, resource.status, resource.generation, at, type, "False", std::move(reason),
                  message);
  };
  plan.events.clear();
  if (outcome.accepted) {
    plan.status.port_id = outcome.port_id;
    plan.status.phase = Phase::Pending;
    condition(kReady, "PortCreating",
              "CreatePort accepted (port " + outcome.port_id + "); waiting for RUNNING");
    plan.requeue_after = milliseconds(0);
    return;
  }
  const std::string code = outcome.code.empty() ? std::string(kNoReplyCode) : outcome.code;
  if (outcome.may_have_taken_effect || uncertain(code)) {
    // The port may exist: the record stays a create in flight, resolved by a lookup by name before any new
    // create. A code that does not read as uncertain (a 502's) is recorded as no reply, so that it still
    // does.
    operation.code = uncertain(code) ? code : std::string(kNoReplyCode);
    plan.status.phase = Phase::Pending;
    condition(
        kReady, "CreatePending",
        "no usable answer to CreatePort (" + code + "); the port is looked up by name before any new create");
    return;  // the plan's requeue: a poll interval, the lookup's wait
  }
  operation.code = code;
  if (outcome.error_class == ErrorClass::InvalidRequest || invalid_input(code)) {
    // Invalid input (an unknown data center or port type): Failed until the spec changes, no retry.
    plan.status.phase = Phase::Failed;
    const std::string message =
        "CreatePort refused: " + code + (outcome.message.empty() ? std::string() : ": " + outcome.message);
    condition(kReady, "CreateFailed", message);
    condition(kSynced, "CreateFailed", message);
    plan.events.push_back(PlannedEvent{EventKind::Warning, "CreateFailed", message});
    plan.requeue_after.reset();
    return;
  }
  // Refused for now (throttled, credentials, ...): nothing was created; the next decision waits, then looks
  // up.
  plan.status.phase = resource.status.phase;
  plan.status.conditions = resource.status.conditions;
  plan.requeue_after = milliseconds(0);
}

}  // namespace zpo::port::detail
