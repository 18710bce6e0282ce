#include "port/decide.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "port/decision.hpp"

namespace zpo::port {

namespace detail {

namespace {

using std::chrono::milliseconds;
using zenlayer::ErrorClass;
using zenlayer::PortStatus;

// Condition reasons that are worth an Event when a condition takes them. Everything else (waiting, running)
// is routine and left to the status.
struct EventfulReason {
  std::string_view reason;
  EventKind kind;
  std::string_view event_reason;
};

// One message per deletion stage, whether the call was just sent or the cloud still shows the stage before:
// a message that changed from one poll to the next would be a status write that tells nobody anything.
constexpr const char* kTerminatingMessage =
    "TerminatePort sent; waiting for the port to reach the recycle bin";
constexpr const char* kDestroyingMessage = "DestroyPort sent; waiting for the port to be DESTROYED";

constexpr std::array<EventfulReason, 23> kEventfulReasons{{
    {"PortRecycled", EventKind::Normal, "PortRecycled"},
    {"PortDestroyed", EventKind::Normal, "PortDestroyed"},
    {"Orphaned", EventKind::Normal, "Orphaned"},
    {"PortFound", EventKind::Normal, "PortFound"},
    {"PortPrepaid", EventKind::Warning, "PortPrepaid"},
    {"PortNotFound", EventKind::Warning, "PortNotFound"},
    {"UnknownPortStatus", EventKind::Warning, "UnknownPortStatus"},
    {"DeletionStuck", EventKind::Warning, "DeletionStuck"},
    {"InvalidSpec", EventKind::Warning, "InvalidSpec"},
    {"InvalidPortId", EventKind::Warning, "InvalidPortId"},
    {"InvalidCredentials", EventKind::Warning, "InvalidCredentials"},
    {"CredentialsSecretNotFound", EventKind::Warning, "InvalidCredentials"},
    {"CloudError", EventKind::Warning, "CloudError"},
    {"CloudUnavailable", EventKind::Warning, "CloudError"},
    {"Throttled", EventKind::Warning, "CloudError"},
    {"NetworkBlocked", EventKind::Warning, "CloudError"},
    {"PortNameInUse", EventKind::Warning, "PortNameInUse"},
    {"CreateIndeterminate", EventKind::Warning, "CreateIndeterminate"},
    {"CreateFailed", EventKind::Warning, "CreateFailed"},
    {"ImmutableFieldChanged", EventKind::Warning, "ImmutableFieldChanged"},
    {"BusinessEntityLocked", EventKind::Warning, "BusinessEntityLocked"},
    {"ModifyFailed", EventKind::Warning, "ModifyFailed"},
    {"RestoreFailed", EventKind::Warning, "RestoreFailed"},
}};

}  // namespace

std::string describe_duration(milliseconds duration) {
  if (duration.count() % 1000 != 0) return std::to_string(duration.count()) + "ms";
  const auto seconds = duration.count() / 1000;
  std::string text;
  if (seconds >= 3600) text += std::to_string(seconds / 3600) + "h";
  if (seconds >= 60) text += std::to_string(seconds % 3600 / 60) + "m";
  return text + std::to_string(seconds % 60) + "s";
}

void put_condition(PortResourceStatus& status, const PortResourceStatus& before, std::int64_t generation,
                   Time now, const char* type, const char* value, std::string reason, std::string message) {
  const auto* was = before.condition(type);
  const std::optional<Time> transition = was && was->status == value && was->last_transition_time
                                             ? was->last_transition_time
                                             : std::optional<Time>(now);
  Condition condition{type, value, generation, transition, std::move(reason), std::move(message)};
  auto& conditions = status.conditions;
  auto it =
      std::find_if(conditions.begin(), conditions.end(), [&](const Condition& c) { return c.type == type; });
  if (it == conditions.end()) {
    conditions.push_back(std::move(condition));
  } else {
    *it = std::move(condition);
  }
}

Decision::Decision(const PortResource& resource, const DecideInput& input)
    : resource_(resource), input_(input), now_(to_status_precision(input.now)), port_id_(resource.port_id()) {
  plan_.status = resource.status;
  plan_.status.observed_generation = resource.generation;
}

void Decision::copy_port(const zenlayer::PortInfo& port) {
  plan_.status.port_status = port.port_status;
  plan_.status.port_charge_type = port.port_charge_type.value_or("");
  plan_.status.expired_time = port.expired_time;
}

Time Decision::reason_since(const char* type, std::string_view reason) const {
  const auto* condition = resource_.status.condition(type);
  if (condition && condition->reason == reason && condition->last_transition_time) {
    return *condition->last_transition_time;
  }
  return input_.now;
}

Plan Decision::run(const std::optional<Observation>& observation, const std::optional<PortLookup>& lookup) {
  if (!resource_.has_finalizer()) {
    if (resource_.deleting()) {
      // Not ours (or already released): nothing to do, nothing to write.
      plan_.status = resource_.status;
      return plan_;
    }
    // The finalizer first and alone: nothing may happen to the port before its release is guaranteed.
    plan_.status = resource_.status;
    plan_.finalizer = FinalizerChange::Add;
    plan_.requeue_after = milliseconds(0);
    return plan_;
  }
  if (resource_.deleting() && resource_.spec.deletion_policy == DeletionPolicy::Orphan) {
    orphan();
    return finish();
  }
  if (port_id().empty() && !resource_.status.port_status.empty()) {
    identity_lost();
    return finish();
  }
  if (resource_.deleting() && port_id().empty() && !create_in_flight()) {
    // Nothing was ever created, so there is nothing to release, whatever the spec says: the status stays.
    plan_.status = resource_.status;
    plan_.finalizer = FinalizerChange::Remove;
    return finish();
  }
  if (!resource_.invalid_spec.empty()) {
    invalid_spec();
    return finish();
  }
  if (port_id().empty()) {
    // No port yet: the observation (of no port) means nothing; the create flow looks ports up by name.
    create(lookup);
    return finish();
  }
  // Adoption records the identity too, so status.portId names the port whichever way it came.
  if (plan_.status.port_id.empty()) plan_.status.port_id = port_id();
  // Until the port is seen, nothing says the spec is applied.
  if (!resource_.deleting()) spec_pending_ = true;
  const auto& operation = resource_.status.last_operation;
  const bool stale = observation && operation && operation->time &&
                     to_status_precision(observation->observed_at) <= *operation->time;
  if (stale || !observation) {
    // Nothing new is known of the port: nothing is written either (not even the identity, a new generation or
    // a first Pending) — the write that follows the observation carries all of it, so adoption costs one
    // status write and the first reconcile of a deletion none.
    plan_.status = resource_.status;
  }
  if (stale) {
    // Status times have whole seconds: a look taken within the second of the mutation cannot be told apart
    // from one taken before it, so the next look waits for the following second instead of looping.
    const Time fresh_from = *operation->time + std::chrono::seconds(1);
    if (input_.now < fresh_from) {
      requeue(std::chrono::ceil<milliseconds>(fresh_from - input_.now));
      return finish();
    }
  }
  if (!observation || stale) {
    plan_.action = CloudAction::ObservePort;
    return finish();
  }
  spec_pending_ = false;
  observed(*observation);
  return finish();
}

void Decision::observed(const Observation& observation) {
  looked_at_ = observation.observed_at;
  switch (observation.kind) {
    case Observation::Kind::CredentialsError:
      spec_pending_ = !resource_.deleting();
      credentials_error(observation.credentials);
      return;
    case Observation::Kind::CloudError:
      if (observation.failure.error_class == ErrorClass::NotFound) {
        // DescribePorts lists nothing for an unknown port; a not-found code means the same.
        const Observation absent = Observation::absent(observation.observed_at);
        resource_.deleting() ? deleting(absent) : live(absent);
      } else {
        spec_pending_ = !resource_.deleting();
        cloud_error(observation.failure);
      }
      return;
    case Observation::Kind::Found:
    case Observation::Kind::Absent:
      resource_.deleting() ? deleting(observation) : live(observation);
      return;
  }
}

Plan Decision::finish() {
  if (spec_pending_) plan_.status.observed_generation = resource_.status.observed_generation;
  // status.portStatus alone is not worth a write: between phase changes it may lag the cloud (RECYCLED while
  // the port is DESTROYING), and the next write that carries news brings it up to date. Everything that
  // steers a decision (phase, lastOperation, stage times, conditions) is written as soon as it changes.
  if (plan_.status.port_status != resource_.status.port_status) {
    PortResourceStatus lagging = plan_.status;
    lagging.port_status = resource_.status.port_status;
    if (lagging == resource_.status) plan_.status = lagging;
  }
  for (const char* type : {kReady, kSynced}) {
    const auto* before = resource_.status.condition(type);
    const auto* after = plan_.status.condition(type);
    if (!after || (before && before->reason == after->reason)) continue;
    for (const auto& eventful : kEventfulReasons) {
      const bool told = std::any_of(plan_.events.begin(), plan_.events.end(),
                                    [&](const PlannedEvent& e) { return e.reason == eventful.event_reason; });
      if (eventful.reason == after->reason && !told) {
        plan_.events.push_back(
            PlannedEvent{eventful.kind, std::string(eventful.event_reason), after->message});
      }
    }
  }
  return plan_;
}

void Decision::orphan() {
  phase(Phase::Orphaned);
  ready("False", "Orphaned", "deletionPolicy is Orphan: the port was left untouched");
  synced("True", "Orphaned", "no cloud call is made for an orphaned port");
  plan_.finalizer = FinalizerChange::Remove;
}

void Decision::invalid_spec() {
  phase(Phase::Failed);
  std::string message = resource_.invalid_spec;
  if (resource_.deleting()) {
    message += "; the finalizer stays until the spec is fixed (deletionPolicy: Orphan releases the resource)";
  }
  ready("False", "InvalidSpec", message);
  synced("False", "InvalidSpec", std::move(message));
  // No requeue: only a spec change can help, and it brings the key back by itself.
}

void Decision::identity_lost() {
  phase(Phase::Failed);
  const std::string message =
      "the status shows a port (portStatus " + resource_.status.port_status +
      ") but neither spec.portId nor status.portId names it: set spec.portId back to that port, or "
      "deletionPolicy to Orphan to release the resource without touching it; nothing is created or deleted "
      "meanwhile";
  ready("False", "InvalidSpec", message);
  synced("False", "InvalidSpec", message);
}

void Decision::credentials_error(const CredentialsProblem& problem) {
  phase_if_unset(Phase::Pending);
  ready("False", problem.reason, problem.message);
  synced("False", problem.reason, problem.message);
  requeue(settings().error_retry_interval);
}

void Decision::cloud_error(const CloudFailure& failure, bool looking_up) {
  phase_if_unset(Phase::Pending);
  const std::string code =
      failure.code.empty() ? std::string(zenlayer::to_string(failure.error_class)) : failure.code;
  switch (failure.error_class) {
    case ErrorClass::Throttled:
      synced("False", "Throttled", "the Zenlayer API is throttling requests (" + code + "); backing off");
      requeue(poll_backoff(reason_since(kSynced, "Throttled"), input_.now, settings()));
      return;
    case ErrorClass::Transient:
    case ErrorClass::Transport:
      synced("False", "CloudUnavailable",
             "the Zenlayer API could not be reached or failed (" + code + "); retrying");
      requeue(poll_backoff(reason_since(kSynced, "CloudUnavailable"), input_.now, settings()));
      return;
    case ErrorClass::Auth:
      ready("False", "InvalidCredentials", "the Zenlayer API rejected the access key (" + code + ")");
      synced("False", "InvalidCredentials", "the Zenlayer API rejected the access key (" + code + ")");
      requeue(settings().error_retry_interval);
      return;
    case ErrorClass::NetworkBlocked:
      synced("False", "NetworkBlocked", "the Zenlayer API is blocked at the network layer (" + code + ")");
      requeue(settings().error_retry_interval);
      return;
    case ErrorClass::InvalidRequest:
      phase(Phase::Failed);
      if (looking_up) {
        // The filter is the spec's dcId and portName: CreatePort would be refused the same way.
        const std::string message = "DescribePorts rejected dcId " + resource_.spec.dc_id + " / portName \"" +
                                    resource_.spec.port_name.value_or("") + "\" (" + code +
                                    "); no port is created until the spec changes";
        ready("False", "CreateFailed", message);
        synced("False", "CreateFailed", message);
      } else {
        ready("False", "InvalidPortId", "DescribePorts rejected portId " + port_id() + " (" + code + ")");
        synced("False", "InvalidPortId", "DescribePorts rejected portId " + port_id() + " (" + code + ")");
      }
      requeue(settings().error_retry_interval);
      return;
    case ErrorClass::NotFound:  // handled as absent by run()
    case ErrorClass::AlreadyRecycled:
    case ErrorClass::Unknown:
      synced("False", "CloudError", "DescribePorts failed (" + code + ")");
      requeue(settings().error_retry_interval);
      return;
  }
}

void Decision::live(const Observation& observation) {
  if (observation.kind == Observation::Kind::Absent && not_listed_yet()) {
    spec_pending_ = true;
    phase(Phase::Pending);
    plan_.status.port_status.clear();
    ready("False", "PortCreating", "CreatePort accepted; the port is not listed yet");
    synced_ok();
    requeue(poll_backoff(*resource_.status.last_operation->time, input_.now, settings()));
    return;
  }
  if (observation.kind == Observation::Kind::Absent) {
    phase(Phase::Failed);
    plan_.status.port_status.clear();
    ready("False", "PortNotFound",
          "port " + port_id() + " is not listed by DescribePorts: it does not exist");
    synced_ok();
    requeue(settings().resync_period);
    return;
  }
  const auto& port = *observation.port;
  copy_port(port);
  synced_ok();
  bool locked = false;
  const zenlayer::PortAttributes changes = attribute_changes(port, locked);
  // The spec is applied once the port carries every attribute it sets (but an entity the LOA locks).
  if (changes.port_name || changes.port_remarks || changes.business_entity_name) spec_pending_ = true;
  switch (port.status()) {
    case PortStatus::Running:
      running(port);
      return;
    case PortStatus::Creating:
      phase(Phase::Pending);
      ready("False", "PortCreating", "the port is still CREATING");
      if (resource_.creates_port()) spec_pending_ = true;
      requeue(poll_backoff(reason_since(kReady, "PortCreating"), input_.now, settings()));
      return;
    case PortStatus::Recycled:
      recycled();
      return;
    case PortStatus::Destroying:
      phase(Phase::Destroying);
      ready("False", "PortDestroying", "the port is DESTROYING: it was destroyed outside this resource");
      requeue(settings().resync_period);
      return;
    case PortStatus::Destroyed:
      phase(Phase::Destroyed);
      ready("False", "PortDestroyed", "the port is DESTROYED");
      requeue(settings().resync_period);
      return;
    case PortStatus::Recovering:
      if (mutation_in_flight(kRenewPort)) {
        spec_pending_ = true;
        phase(Phase::Pending);
        ready("False", "Restoring", "RenewPort accepted; the port is RECOVERING");
        requeue(poll_backoff(*resource_.status.last_operation->time, input_.now, settings()));
        return;
      }
      [[fallthrough]];
    case PortStatus::Deleting:
    case PortStatus::Updating:
      phase_if_unset(Phase::Pending);
      ready("False", "PortBusy", "the port is " + port.port_status);
      requeue(poll_backoff(reason_since(kReady, "PortBusy"), input_.now, settings()));
      return;
    case PortStatus::Unknown:
      unknown_status(port, reason_since(kReady, "UnknownPortStatus"));
      return;
  }
}

void Decision::unknown_status(const zenlayer::PortInfo& port, Time stage_start) {
  phase_if_unset(Phase::Pending);
  ready("False", "UnknownPortStatus",
        "portStatus \"" + port.port_status +
            "\" is not one the operator knows; it waits and does not touch the port");
  requeue(poll_backoff(stage_start, input_.now, settings()));
}

void Decision::wait(Phase phase, std::string reason, std::string message, Time stage_start) {
  this->phase(phase);
  if (since(stage_start) > settings().stuck_timeout) {
    ready("False", "DeletionStuck",
          "stage " + std::string(to_string(phase)) + " has lasted longer than " +
              describe_duration(settings().stuck_timeout) + " (" + message + "); still waiting");
  } else {
    ready("False", std::move(reason), std::move(message));
  }
  requeue(poll_backoff(stage_start, input_.now, settings()));
}

void Decision::blocked_prepaid() {
  phase(Phase::Blocked);
  const std::string& expiry = plan_.status.expired_time;
  ready("False", "PortPrepaid",
        "port " + port_id() + " is PREPAID and cannot be released before it expires" +
            (expiry.empty() ? std::string() : " at " + expiry) +
            "; patch spec.deletionPolicy to Orphan to release the resource and keep the port");
  milliseconds after = settings().error_retry_interval;
  if (const auto expires = parse_time(expiry); expires && *expires > input_.now) {
    after = std::min(after, std::chrono::ceil<milliseconds>(*expires - input_.now));
  }
  requeue(after);
}

bool Decision::sent_within(const char* action, milliseconds window, Time at) const {
  const auto& operation = resource_.status.last_operation;
  if (!operation || operation->action != action || !operation->time) return false;
  const bool maybe_done = operation->code.empty() || uncertain(operation->code) ||
                          zenlayer::classify(0, operation->code) == ErrorClass::AlreadyRecycled;
  return maybe_done && at - *operation->time < window;
}

bool Decision::refused_recently(const char* action) {
  const auto& operation = resource_.status.last_operation;
  if (!operation || operation->action != action || operation->code.empty() || uncertain(operation->code) ||
      !operation->time) {
    return false;
  }
  const std::string& code = operation->code;
  const ErrorClass error_class = zenlayer::classify(0, code);
  const bool quick = error_class == ErrorClass::Throttled || error_class == ErrorClass::Transient ||
                     error_class == ErrorClass::NotFound;
  const milliseconds wait = quick ? settings().poll_interval : settings().error_retry_interval;
  const milliseconds elapsed = since(*operation->time);
  if (elapsed >= wait) return false;
  const std::string what = std::string(action) + " was refused (" + code + ")";
  const std::string again = "; it is sent again after " + describe_duration(wait);
  const std::string_view name = action;
  if (code.find("PREPAID") != std::string::npos) {
    blocked_prepaid();
  } else if (error_class == ErrorClass::Auth) {
    ready("False", "InvalidCredentials", what + ": the access key is not accepted");
    synced("False", "InvalidCredentials", what + ": the access key is not accepted");
  } else if (name == kModifyPort && error_class != ErrorClass::Throttled) {
    if (code == "OPERATION_DENIED_LOA_UPLOADED") {
      synced("False", "BusinessEntityLocked",
             what + ": businessEntityName cannot change once the port's LOA is uploaded" + again);
    } else {
      synced("False", "ModifyFailed", what + again);
    }
  } else if (name == kRenewPort && error_class != ErrorClass::Throttled) {
    // The phase stays what the port shows (Recycled): the restore did not begin.
    ready("False", "RestoreFailed", what + again);
    synced("False", "RestoreFailed", what + again);
  } else if (error_class == ErrorClass::InvalidRequest) {
    phase(Phase::Failed);
    ready("False", "InvalidPortId", what + " for portId " + port_id());
    synced("False", "InvalidPortId", what + " for portId " + port_id());
  } else {
    synced("False", error_class == ErrorClass::Throttled ? "Throttled" : "CloudError", what + again);
  }
  requeue(std::min(plan_.requeue_after.value_or(wait), wait - elapsed));
  return true;
}

void Decision::terminate() {
  plan_.action = CloudAction::TerminatePort;
  phase(Phase::Terminating);
  plan_.status.terminate_requested_at = now_;
  plan_.status.last_operation = LastOperation{kTerminatePort, "", "", now_};
  ready("False", "Terminating", kTerminatingMessage);
  requeue(settings().poll_interval);
}

void Decision::destroy() {
  plan_.action = CloudAction::DestroyPort;
  phase(Phase::Destroying);
  plan_.status.destroy_requested_at = now_;
  plan_.status.last_operation = LastOperation{kDestroyPort, "", "", now_};
  ready("False", "Destroying", kDestroyingMessage);
  requeue(settings().poll_interval);
}

void Decision::deleting(const Observation& observation) {
  const bool recycle_bin = resource_.spec.deletion_policy == DeletionPolicy::RecycleBin;
  const Time deletion_start = resource_.deletion_timestamp.value_or(input_.now);
  synced_ok();
  if (observation.kind == Observation::Kind::Absent && not_listed_yet()) {
    // Not gone: not there yet. Releasing now would leave the new port behind, unmanaged and billing.
    plan_.status.port_status.clear();
    wait(Phase::Pending, "PortCreating",
         "CreatePort accepted; the port is not listed yet and is released once it is",
         *resource_.status.last_operation->time);
    return;
  }
  if (observation.kind == Observation::Kind::Absent || observation.port->status() == PortStatus::Destroyed) {
    if (observation.port) copy_port(*observation.port);
    if (observation.kind == Observation::Kind::Absent) plan_.status.port_status.clear();
    phase(Phase::Destroyed);
    if (!plan_.status.destroyed_at) plan_.status.destroyed_at = now_;
    ready("False", "PortDestroyed",
          observation.kind == Observation::Kind::Absent ? "the port is no longer listed: it is gone"
                                                        : "the port is DESTROYED");
    plan_.finalizer = FinalizerChange::Remove;
    return;
  }
  const auto& port = *observation.port;
  copy_port(port);
  switch (port.status()) {
    case PortStatus::Running:
      if (port.port_charge_type == "PREPAID") {
        blocked_prepaid();
        return;
      }
      if (mutation_in_flight(kTerminatePort)) {
        wait(Phase::Terminating, "Terminating", kTerminatingMessage,
             resource_.status.terminate_requested_at.value_or(deletion_start));
        return;
      }
      if (refused_recently(kTerminatePort)) return;
      terminate();
      return;
    case PortStatus::Recycled:
      if (mutation_in_flight(kRenewPort)) {
        // A RenewPort sent before the deletion may still bring the port back to RUNNING: releasing it now
        // (RecycleBin) would leave a running port nobody manages, and a DestroyPort would race the restore.
        // Wait for the cloud to settle, then release what it shows.
        wait(Phase::Recycled, "Restoring",
             "RenewPort was sent before the deletion; waiting for the port to settle before releasing it",
             *resource_.status.last_operation->time);
        return;
      }
      if (!plan_.status.recycled_at) plan_.status.recycled_at = now_;
      if (recycle_bin) {
        phase(Phase::Recycled);
        ready("False", "PortRecycled",
              "the port is in the recycle bin; deletionPolicy RecycleBin releases the resource (RenewPort "
              "restores the port until the cloud frees it)");
        plan_.finalizer = FinalizerChange::Remove;
        return;
      }
      if (mutation_in_flight(kDestroyPort)) {
        wait(Phase::Destroying, "Destroying", kDestroyingMessage,
             resource_.status.destroy_requested_at.value_or(deletion_start));
        return;
      }
      if (resource_.status.phase != Phase::Recycled && resource_.status.phase != Phase::Destroying) {
        // Recycled is written (and told) before DestroyPort goes out: people watching see every stage, and a
        // crash in between resumes from a status that says where the port is.
        phase(Phase::Recycled);
        ready("False", "PortRecycled", "the port is in the recycle bin; DestroyPort follows");
        requeue(milliseconds(0));
        return;
      }
      if (refused_recently(kDestroyPort)) return;
      destroy();
      return;
    case PortStatus::Destroying:
      // Our DestroyPort: the same text as while it was on its way. Otherwise it was destroyed elsewhere.
      wait(Phase::Destroying, "Destroying",
           resource_.status.destroy_requested_at ? kDestroyingMessage : "the port is DESTROYING",
           resource_.status.destroy_requested_at.value_or(deletion_start));
      return;
    case PortStatus::Creating:
      wait(Phase::Pending, "PortCreating", "the port is still CREATING; it is terminated once RUNNING",
           deletion_start);
      return;
    case PortStatus::Deleting:
    case PortStatus::Updating:
    case PortStatus::Recovering:
      wait(plan_.status.phase.value_or(Phase::Pending), "PortBusy", "the port is " + port.port_status,
           deletion_start);
      return;
    case PortStatus::Destroyed:  // handled above
      return;
    case PortStatus::Unknown:
      unknown_status(port, deletion_start);
      return;
  }
}

}  // namespace detail

std::string_view to_string(CloudAction action) {
  switch (action) {
    case CloudAction::None:
      return "None";
    case CloudAction::ObservePort:
      return "ObservePort";
    case CloudAction::LookupPorts:
      return "LookupPorts";
    case CloudAction::CreatePort:
      return detail::kCreatePort;
    case CloudAction::ModifyPort:
      return detail::kModifyPort;
    case CloudAction::RenewPort:
      return detail::kRenewPort;
    case CloudAction::TerminatePort:
      return detail::kTerminatePort;
    case CloudAction::DestroyPort:
      return detail::kDestroyPort;
  }
  return "None";
}

Plan decide(const PortResource& resource, const std::optional<Observation>& observation,
            const DecideInput& input, const std::optional<PortLookup>& lookup) {
  return detail::Decision(resource, input).run(observation, lookup);
}

void record_mutation_outcome(Plan& plan, const PortResource& resource, const MutationOutcome& outcome) {
  if (plan.action == CloudAction::CreatePort) {
    detail::record_create_outcome(plan, resource, outcome);
    return;
  }
  auto& operation = *plan.status.last_operation;
  operation.request_id = outcome.request_id;
  if (outcome.accepted) return;
  operation.code = outcome.code.empty() ? std::string(kNoReplyCode) : outcome.code;
  if (!outcome.may_have_taken_effect) {
    // Refused: nothing happened, so the stage did not begin.
    plan.status.phase = resource.status.phase;
    plan.status.terminate_requested_at = resource.status.terminate_requested_at;
    plan.status.destroy_requested_at = resource.status.destroy_requested_at;
    plan.status.conditions = resource.status.conditions;
  }
  plan.events.clear();
  plan.requeue_after = std::chrono::milliseconds(0);
}

std::chrono::milliseconds poll_backoff(Time stage_start, Time now, const DecideSettings& settings) {
  using std::chrono::milliseconds;
  const auto poll = std::max(settings.poll_interval, milliseconds(1));
  const auto elapsed = std::max(std::chrono::duration_cast<milliseconds>(now - stage_start), milliseconds(0));
  // After n polls the stage has lasted poll * (2^n - 1); the next wait is poll * 2^n.
  milliseconds wait = poll;
  milliseconds total{0};
  while (wait < settings.max_poll_interval && total + wait <= elapsed) {
    total += wait;
    wait *= 2;
  }
  return std::min(wait, std::max(settings.max_poll_interval, poll));
}

}  // namespace zpo::port
