#include "port/reconciler.hpp"

#include "runtime/log.hpp"

namespace zpo::port {

namespace {

using runtime::field;

std::string phase_name(const PortResourceStatus& status) {
  return status.phase ? std::string(to_string(*status.phase)) : std::string();
}

}  // namespace

Reconciler::Reconciler(ReconcilerDeps deps, DecideSettings settings)
    : deps_(std::move(deps)), settings_(settings) {}

std::size_t Reconciler::tracked_keys() const {
  std::lock_guard lock(mutex_);
  return keys_.size();
}

std::map<std::string, int> Reconciler::phases() const {
  std::map<std::string, int> counts;
  for (const auto& key : deps_.store.keys()) {
    const auto object = deps_.store.get(key);
    if (!object) continue;
    // Only the phase: this runs for every object at every /metrics scrape.
    std::optional<Phase> phase;
    if (const auto status = object->find("status"); status != object->end() && status->is_object()) {
      if (const auto text = status->find("phase"); text != status->end() && text->is_string())
        phase = parse_phase(text->get_ref<const std::string&>());
    }
    ++counts[std::string(to_string(phase.value_or(Phase::Pending)))];
  }
  return counts;
}

std::optional<Observation> Reconciler::usable_observation(const std::string& key,
                                                          const PortResource& resource, Time now) {
  auto observation = deps_.observer.latest(key, resource.spec.port_id);
  if (!observation) return std::nullopt;
  std::lock_guard lock(mutex_);
  // A deletion acts on the port as it is once the deletion began, not as it was at the last resync.
  if (resource.deletion_timestamp && observation->observed_at < *resource.deletion_timestamp)
    return std::nullopt;
  const auto it = keys_.find(key);
  if (it == keys_.end()) return observation;
  const KeyState& state = it->second;
  if (state.mutated_at && observation->observed_at <= *state.mutated_at) return std::nullopt;
  if (state.due_at && now >= *state.due_at && observation->observed_at < *state.due_at) return std::nullopt;
  return observation;
}

runtime::ReconcileResult Reconciler::reconcile(const std::string& key, const std::stop_token& stop) {
  const auto read = deps_.store.get(key);
  if (!read) {
    deps_.observer.forget(key);
    std::lock_guard lock(mutex_);
    keys_.erase(key);
    return {};
  }
  nlohmann::json object = *read;
  PortResource resource = parse_port_resource(object);
  {
    std::lock_guard lock(mutex_);
    auto it = keys_.find(key);
    if (it != keys_.end() && it->second.unwritten) {
      if (it->second.unwritten->last_operation == resource.status.last_operation) {
        it->second.unwritten.reset();
      } else {
        resource.status = *it->second.unwritten;
      }
    }
  }
  const Time now = deps_.clock();
  const DecideInput input{now, settings_};
  auto observation = usable_observation(key, resource, now);
  Plan plan = decide(resource, observation, input);

  if (plan.finalizer == FinalizerChange::Add) {
    deps_.store.add_finalizer(object);
    runtime::log_info("finalizer added", {field("resource", key), field("portId", resource.spec.port_id)});
    return runtime::ReconcileResult{std::chrono::nanoseconds(0)};
  }

  if (plan.action == CloudAction::ObservePort) {
    // Stale only because of our own mutation, with the next poll already planned: wait for it rather than
    // spend a DescribePorts call on a cloud that has had no time to move (our own status write coming back
    // through the watch lands here).
    if (!observation && deps_.observer.latest(key, resource.spec.port_id)) {
      std::lock_guard lock(mutex_);
      const auto it = keys_.find(key);
      if (it != keys_.end() && it->second.mutated_at && it->second.due_at && *it->second.due_at > now &&
          plan.status == resource.status) {
        return runtime::ReconcileResult{
            std::chrono::duration_cast<std::chrono::nanoseconds>(*it->second.due_at - now)};
      }
    }
    try {
      deps_.observer.request(key, resource.spec.port_id, deps_.access.resolve(resource));
    } catch (const CredentialsUnavailable& unavailable) {
      // Nothing to ask the cloud with: that is the observation, and it is answered on the status now.
      observation = Observation::credentials_error(unavailable.problem(), now);
      deps_.observer.record(key, resource.spec.port_id, *observation);
      plan = decide(resource, observation, input);
    }
  }

  if (plan.action == CloudAction::TerminatePort || plan.action == CloudAction::DestroyPort) {
    mutate(plan, resource, object, stop);
  }

  if (plan.status != resource.status) {
    try {
      object = deps_.store.write_status(object, plan.status);
      std::lock_guard lock(mutex_);
      if (auto it = keys_.find(key); it != keys_.end()) it->second.unwritten.reset();
    } catch (...) {
      if (plan.action == CloudAction::TerminatePort || plan.action == CloudAction::DestroyPort) {
        std::lock_guard lock(mutex_);
        keys_[key].unwritten = plan.status;
      }
      throw;
    }
    if (phase_name(plan.status) != phase_name(resource.status)) {
      runtime::log_info("phase changed",
                        {field("resource", key), field("portId", resource.spec.port_id),
                         field("phase", phase_name(plan.status)), field("from", phase_name(resource.status)),
                         field("portStatus", plan.status.port_status)});
    }
  }

  for (const auto& event : plan.events)
    deps_.store.record_event(object, event.kind, event.reason, event.message);

  if (plan.finalizer == FinalizerChange::Remove) {
    deps_.store.remove_finalizer(object);
    runtime::log_info("finalizer removed", {field("resource", key), field("portId", resource.spec.port_id),
                                            field("phase", phase_name(plan.status))});
    if (deps_.metrics && resource.deletion_timestamp) {
      deps_.metrics->on_deletion_done(
          std::chrono::duration<double>(now - *resource.deletion_timestamp).count());
    }
    deps_.observer.forget(key);
    std::lock_guard lock(mutex_);
    keys_.erase(key);
    return {};
  }
  return schedule(key, plan, now, observation.has_value());
}

void Reconciler::mutate(Plan& plan, const PortResource& resource, const nlohmann::json& object,
                        const std::stop_token& stop) {
  const std::string key = resource.key();
  const std::string action(to_string(plan.action));
  MutationOutcome outcome;
  try {
    const CloudAccess access = deps_.access.resolve(resource);
    outcome.request_id = plan.action == CloudAction::TerminatePort
                             ? access.ports->terminate(resource.spec.port_id, stop)
                             : access.ports->destroy(resource.spec.port_id, stop);
    outcome.accepted = true;
  } catch (const zenlayer::ApiError& error) {
    outcome.request_id = error.request_id();
    outcome.code = error.code();
    // A cancelled call may have left: treat it as a call without a reply.
    outcome.may_have_taken_effect = error.may_have_taken_effect() || error.cancelled();
    runtime::log_warn(
        "mutation failed",
        {field("resource", key), field("portId", resource.spec.port_id), field("action", action),
         field("requestId", error.request_id()), field("code", error.code()),
         field("class", std::string(zenlayer::to_string(error.error_class()))),
         field("mayHaveTakenEffect", outcome.may_have_taken_effect)});
    deps_.store.record_event(
        object, EventKind::Warning, "CloudError",
        action + " failed: " + std::string(zenlayer::to_string(error.error_class())) +
            (error.code().empty() ? std::string() : " " + error.code()) +
            (error.request_id().empty() ? std::string() : " (requestId " + error.request_id() + ")"));
  } catch (const CredentialsUnavailable& unavailable) {
    // The Secret went away between the observation and now: nothing was sent. Record it and decide again.
    deps_.observer.record(key, resource.spec.port_id,
                          Observation::credentials_error(unavailable.problem(), deps_.clock()));
    plan = decide(resource, deps_.observer.latest(key, resource.spec.port_id),
                  DecideInput{deps_.clock(), settings_});
    return;
  }
  record_mutation_outcome(plan, resource, outcome);
  {
    std::lock_guard lock(mutex_);
    keys_[key].mutated_at = deps_.clock();
  }
  if (outcome.accepted) {
    runtime::log_info("mutation accepted", {field("resource", key), field("portId", resource.spec.port_id),
                                            field("action", action), field("requestId", outcome.request_id),
                                            field("phase", phase_name(plan.status))});
    const std::string reason =
        plan.action == CloudAction::TerminatePort ? "TerminateRequested" : "DestroyRequested";
    deps_.store.record_event(
        object, EventKind::Normal, reason,
        action + " accepted for port " + resource.spec.port_id + " (requestId " + outcome.request_id + ")");
  }
}

runtime::ReconcileResult Reconciler::schedule(const std::string& key, const Plan& plan, Time now,
                                              bool observation_used) {
  if (!plan.requeue_after) return {};
  if (*plan.requeue_after == std::chrono::milliseconds(0) && observation_used) {
    // Decide again at once from the same look (e.g. Recycled written, DestroyPort next): not a new poll.
    return runtime::ReconcileResult{std::chrono::nanoseconds(0)};
  }
  const auto delay =
      std::chrono::duration_cast<std::chrono::nanoseconds>(*plan.requeue_after * deps_.jitter());
  const Time due = now + std::chrono::duration_cast<Time::duration>(delay);
  std::lock_guard lock(mutex_);
  KeyState& state = keys_[key];
  // A reconcile triggered by something else (our own status write coming back through the watch) must not
  // push an earlier poll further away.
  if (observation_used && state.due_at && *state.due_at > now && *state.due_at < due) {
    return runtime::ReconcileResult{
        std::chrono::duration_cast<std::chrono::nanoseconds>(*state.due_at - now)};
  }
  state.due_at = due;
  return runtime::ReconcileResult{delay};
}

}  // namespace zpo::port
