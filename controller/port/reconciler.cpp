#include "port/reconciler.hpp"

#include <stdexcept>
#include <utility>

#include "kube/informer_cache.hpp"
#include "runtime/log.hpp"

namespace zpo::port {

namespace {

using runtime::field;

// A look is aimed a little past the learnt duration: the cloud starts a stage a little after we send its
// call.
constexpr std::chrono::milliseconds kAimPast(250);

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
  // No port yet (a create, or a create in flight): there is nothing to have observed.
  if (resource.port_id().empty()) return std::nullopt;
  auto observation = deps_.observer.latest(key, resource.port_id());
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

bool Reconciler::repeat_due_poll(const std::string& key, Time now) {
  std::optional<PollRequest> poll;
  Time due{};
  {
    std::lock_guard lock(mutex_);
    const auto it = keys_.find(key);
    if (it == keys_.end() || !it->second.poll || it->second.unwritten || !it->second.due_at ||
        now < *it->second.due_at) {
      return false;
    }
    poll = it->second.poll;
    due = *it->second.due_at;
  }
  // The look this poll asked for has come: decide on it.
  if (const auto seen = deps_.observer.observed_at(key, poll->port_id); seen && *seen >= due) return false;
  if (deps_.store.resource_version(key) != poll->resource_version) return false;
  try {
    deps_.observer.request(key, poll->port_id,
                           deps_.access.resolve(poll->namespace_, poll->credentials_secret_ref));
  } catch (const std::exception&) {
    return false;  // credentials gone or the API server unreachable: the full reconcile says so
  }
  // No requeue: the observation wakes the key, and that reconcile plans the next poll.
  return true;
}

void Reconciler::learn_stage_end(const std::string& key, const Observation& observation) {
  using zenlayer::PortStatus;
  const auto status = observation.port ? observation.port->status() : PortStatus::Unknown;
  const bool gone = observation.kind == Observation::Kind::Absent ||
                    (observation.kind == Observation::Kind::Found && status == PortStatus::Destroyed);
  ReleaseStage stage{};
  {
    std::lock_guard lock(mutex_);
    const auto it = keys_.find(key);
    if (it == keys_.end() || !it->second.awaiting || !it->second.sent_at) return;
    KeyState& state = it->second;
    const bool done = *state.awaiting == ReleaseStage::Terminate
                          ? observation.kind == Observation::Kind::Found && status == PortStatus::Recycled
                          : gone;
    if (!done) return;
    stage = *state.awaiting;
    // From the answer, not the ask: the ask may precede the stage's end by the call's latency, and a
    // duration learnt short aims looks before the end, each then a whole poll interval late.
    const Time seen_done = observation.answered_at.value_or(observation.observed_at);
    stage_durations_.add(stage,
                         std::chrono::duration_cast<std::chrono::milliseconds>(seen_done - *state.sent_at));
    state.awaiting.reset();
  }
  reaim_looks(stage, deps_.clock());
}

void Reconciler::reaim_looks(ReleaseStage stage, Time now) {
  if (!deps_.requeue) return;
  const auto takes = stage_durations_.expected(stage);
  if (!takes) return;
  std::vector<std::pair<std::string, std::chrono::nanoseconds>> sooner;
  {
    std::lock_guard lock(mutex_);
    auto& aimed_with = aimed_with_[static_cast<std::size_t>(stage)];
    // Only a new estimate, or one that dropped by more than the aim's margin, moves anything: a scan of
    // every waiting key per sample would cost more than the looks it saves.
    if (aimed_with && *takes + kAimPast >= *aimed_with) return;
    aimed_with = *takes;
    for (auto& [key, state] : keys_) {
      if (state.awaiting != stage || !state.sent_at || !state.due_at || *state.due_at <= now) continue;
      const Time aim = std::max(now, *state.sent_at + *takes + kAimPast);
      if (aim >= *state.due_at) continue;
      state.due_at = aim;
      sooner.emplace_back(key, std::chrono::duration_cast<std::chrono::nanoseconds>(aim - now));
    }
  }
  if (!sooner.empty()) {
    runtime::log_info("looks brought forward to the learnt stage duration",
                      {field("stage", stage == ReleaseStage::Terminate ? "Terminate" : "Destroy"),
                       field("expectedMs", static_cast<long long>(takes->count())),
                       field("ports", static_cast<long long>(sooner.size()))});
  }
  for (const auto& [key, after] : sooner)
    deps_.requeue(key, after);
}

void Reconciler::remember_poll(const std::string& key, const nlohmann::json& object,
                               const PortResource& resource, const std::string& port_id) {
  const auto version = kube::detail::resource_version_of(object);
  std::lock_guard lock(mutex_);
  KeyState& state = keys_[key];
  if (!version) {
    state.poll.reset();
    return;
  }
  state.poll = PollRequest{*version, port_id, resource.namespace_, resource.spec.credentials_secret_ref};
}

runtime::ReconcileResult Reconciler::reconcile(const std::string& key, const std::stop_token& stop) {
  bool decide_again = false;
  auto result = pass(key, stop, decide_again);
  // The next step follows from the same look (DestroyPort after the Recycled write): take it now, from the
  // object the write left in the cache, rather than through the queue behind every other key (at 10,000
  // ports that wait, and the read and parse of a second reconcile, stretched the DestroyPort wave). Once:
  // what the second pass plans goes through the queue.
  if (decide_again && !stop.stop_requested()) result = pass(key, stop, decide_again);
  return result;
}

runtime::ReconcileResult Reconciler::pass(const std::string& key, const std::stop_token& stop,
                                          bool& decide_again) {
  decide_again = false;
  if (repeat_due_poll(key, deps_.clock())) return {};
  const auto read = deps_.store.get(key);
  if (!read) {
    deps_.observer.forget(key);
    std::lock_guard lock(mutex_);
    keys_.erase(key);
    return {};
  }
  nlohmann::json object = std::move(*read);
  PortResource resource = parse_port_resource(object);
  // What the server holds: a status is written whenever the decision differs from it.
  PortResourceStatus stored = resource.status;
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
  if (observation) learn_stage_end(key, *observation);
  Plan plan = decide(resource, observation, input);

  if (plan.finalizer == FinalizerChange::Add) {
    deps_.store.add_finalizer(object);
    runtime::log_info("finalizer added", {field("resource", key), field("portId", resource.port_id())});
    return runtime::ReconcileResult{std::chrono::nanoseconds(0)};
  }

  // The account that answered this reconcile's lookup: a CreatePort goes out only with it.
  std::optional<CloudAccess> looked_up_with;
  bool looked_up = false;
  if (plan.action == CloudAction::LookupPorts) {
    const auto lookup =
        look_up(resource, plan.lookup.value_or(zenlayer::PortFilter{}), now, looked_up_with, stop);
    if (!lookup) return {};  // cancelled: shutting down; the next process looks again
    looked_up = true;
    plan = decide(resource, observation, input, lookup);
    // A port found by name is observed already: the next decision need not describe it again.
    if (resource.port_id().empty() && !plan.status.port_id.empty()) {
      for (const auto& port : lookup->ports) {
        if (port.port_id != plan.status.port_id) continue;
        deps_.observer.record(key, port.port_id, Observation::found(port, now));
        runtime::log_info("port found by name", {field("resource", key), field("portId", port.port_id),
                                                 field("portStatus", port.port_status)});
      }
    }
  }
  // The port this plan is about: the resource's, or the one a lookup just found for it.
  const std::string port_id = resource.port_id().empty() ? plan.status.port_id : resource.port_id();

  if (plan.action == CloudAction::ObservePort) {
    // Stale only because of our own mutation, with the next poll already planned: wait for it rather than
    // spend a DescribePorts call on a cloud that has had no time to move (our own status write coming back
    // through the watch lands here). Not when the look is stale for another reason (a deletion that began
    // since), nor with a decided status still to write.
    const auto latest = observation ? std::nullopt : deps_.observer.latest(key, port_id);
    if (latest && plan.status == stored) {
      std::lock_guard lock(mutex_);
      const auto it = keys_.find(key);
      if (it != keys_.end() && it->second.mutated_at && latest->observed_at <= *it->second.mutated_at &&
          it->second.due_at && *it->second.due_at > now) {
        return runtime::ReconcileResult{
            std::chrono::duration_cast<std::chrono::nanoseconds>(*it->second.due_at - now)};
      }
    }
    try {
      deps_.observer.request(key, port_id, looked_up_with ? *looked_up_with : deps_.access.resolve(resource));
      if (!looked_up && plan.status == stored && plan.events.empty())
        remember_poll(key, object, resource, port_id);
    } catch (const CredentialsUnavailable& unavailable) {
      // Nothing to ask the cloud with: that is the observation, and it is answered on the status now.
      observation = Observation::credentials_error(unavailable.problem(), now);
      deps_.observer.record(key, port_id, *observation);
      plan = decide(resource, observation, input);
    }
  }

  const bool mutation = plan.action == CloudAction::CreatePort || plan.action == CloudAction::ModifyPort ||
                        plan.action == CloudAction::RenewPort || plan.action == CloudAction::TerminatePort ||
                        plan.action == CloudAction::DestroyPort;
  if (plan.action == CloudAction::CreatePort) {
    if (!looked_up_with) throw std::logic_error("CreatePort decided without a lookup in the same reconcile");
    // The record first, guarded by the resourceVersion this decision was made from: if the write fails (a
    // 409 when the resource moved under us), nothing is sent.
    object = deps_.store.write_status(object, plan.status, /*unless_changed=*/true);
    stored = plan.status;
    {
      std::lock_guard lock(mutex_);
      if (auto it = keys_.find(key); it != keys_.end()) it->second.unwritten.reset();
    }
    runtime::log_info("create in flight recorded",
                      {field("resource", key), field("dcId", resource.spec.dc_id),
                       field("portName", resource.spec.port_name.value_or(""))});
  }
  if (mutation) mutate(plan, resource, object, looked_up_with, stop);

  if (plan.status != stored) {
    try {
      object = deps_.store.write_status(object, plan.status);
      std::lock_guard lock(mutex_);
      if (auto it = keys_.find(key); it != keys_.end()) it->second.unwritten.reset();
    } catch (...) {
      if (mutation) {
        std::lock_guard lock(mutex_);
        keys_[key].unwritten = plan.status;
      }
      throw;
    }
    if (phase_name(plan.status) != phase_name(resource.status)) {
      // A create's new id is only in the decided status.
      const std::string& subject = plan.status.port_id.empty() ? port_id : plan.status.port_id;
      runtime::log_info(
          "phase changed",
          {field("resource", key), field("portId", subject), field("phase", phase_name(plan.status)),
           field("from", phase_name(resource.status)), field("portStatus", plan.status.port_status)});
    }
  }

  for (const auto& event : plan.events)
    deps_.store.record_event(object, event.kind, event.reason, event.message);

  if (plan.finalizer == FinalizerChange::Remove) {
    deps_.store.remove_finalizer(object);
    runtime::log_info("finalizer removed", {field("resource", key), field("portId", port_id),
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
  const bool observation_used = observation.has_value() || looked_up;
  decide_again = observation_used && plan.requeue_after == std::chrono::milliseconds(0);
  // Only a look that saw the port says whether the stage is done; a failed one is retried on its own terms.
  const bool port_seen = observation && (observation->kind == Observation::Kind::Found ||
                                         observation->kind == Observation::Kind::Absent);
  return schedule(key, plan, now, observation_used,
                  port_seen ? std::optional<Time>(observation->observed_at) : std::nullopt);
}

std::optional<PortLookup> Reconciler::look_up(const PortResource& resource,
                                              const zenlayer::PortFilter& target, Time now,
                                              std::optional<CloudAccess>& access,
                                              const std::stop_token& stop) {
  const std::string key = resource.key();
  const std::string dc_id = target.dc_id.value_or("");
  const std::string port_name = target.port_name.value_or("");
  PortLookup lookup;
  try {
    CloudAccess resolved = deps_.access.resolve(resource);
    const zenlayer::PortList list = resolved.ports->find(dc_id, port_name, stop);
    lookup.ports = list.ports;
    access = std::move(resolved);
    std::string request_ids;
    for (const auto& id : list.request_ids)
      request_ids += (request_ids.empty() ? "" : ",") + id;
    runtime::log_info(
        "ports looked up",
        {field("resource", key), field("dcId", dc_id), field("portName", port_name),
         field("listed", static_cast<long long>(list.ports.size())), field("requestId", request_ids)});
  } catch (const CredentialsUnavailable& unavailable) {
    lookup.failure = Observation::credentials_error(unavailable.problem(), now);
  } catch (const zenlayer::ApiError& error) {
    if (error.cancelled()) return std::nullopt;
    runtime::log_warn("port lookup failed",
                      {field("resource", key), field("dcId", dc_id), field("portName", port_name),
                       field("class", std::string(zenlayer::to_string(error.error_class()))),
                       field("code", error.code()), field("requestId", error.request_id())});
    // The message is the cloud's text only: the request id stays in the log.
    lookup.failure =
        Observation::cloud_error(CloudFailure{error.error_class(), error.code(), error.message()}, now);
  }
  return lookup;
}

namespace {

// "portName, portRemarks": the attributes a ModifyPortAttribute changes, for its Event.
std::string attribute_names(const std::optional<zenlayer::PortAttributes>& attributes) {
  if (!attributes) return {};
  std::string names;
  auto add = [&](const std::optional<std::string>& value, const char* name) {
    if (value) names += (names.empty() ? "" : ", ") + std::string(name);
  };
  add(attributes->port_name, "portName");
  add(attributes->port_remarks, "portRemarks");
  add(attributes->business_entity_name, "businessEntityName");
  return names;
}

// The Event reason and message of an accepted mutation.
std::pair<std::string, std::string> accepted_event(const Plan& plan, const std::string& port_id,
                                                   const std::string& request_id) {
  const std::string request = "(requestId " + request_id + ")";
  switch (plan.action) {
    case CloudAction::CreatePort:
      return {"PortCreated", "CreatePort accepted: port " + port_id + " " + request};
    case CloudAction::ModifyPort:
      return {"PortModified", "ModifyPortAttribute accepted for port " + port_id + ": " +
                                  attribute_names(plan.modify) + " " + request};
    case CloudAction::RenewPort:
      return {"RestoreRequested", "RenewPort accepted for port " + port_id + " " + request};
    case CloudAction::TerminatePort:
      return {"TerminateRequested", "TerminatePort accepted for port " + port_id + " " + request};
    default:
      return {"DestroyRequested", "DestroyPort accepted for port " + port_id + " " + request};
  }
}

}  // namespace

void Reconciler::mutate(Plan& plan, const PortResource& resource, const nlohmann::json& object,
                        const std::optional<CloudAccess>& access, const std::stop_token& stop) {
  const std::string key = resource.key();
  const CloudAction sent = plan.action;
  const std::string action(to_string(sent));
  std::string port_id = resource.port_id().empty() ? plan.status.port_id : resource.port_id();
  MutationOutcome outcome;
  const Time sent_at = deps_.clock();
  try {
    const CloudAccess resolved = access ? *access : deps_.access.resolve(resource);
    CloudPorts& ports = *resolved.ports;
    switch (plan.action) {
      case CloudAction::CreatePort: {
        const auto reply = ports.create(plan.create.value(), stop);
        outcome.request_id = reply.request_id;
        outcome.port_id = port_id = reply.value;
        break;
      }
      case CloudAction::ModifyPort:
        outcome.request_id = ports.modify(plan.modify.value(), stop);
        break;
      case CloudAction::RenewPort:
        outcome.request_id = ports.renew(port_id, stop);
        break;
      case CloudAction::TerminatePort:
        outcome.request_id = ports.terminate(port_id, stop);
        break;
      case CloudAction::DestroyPort:
        outcome.request_id = ports.destroy(port_id, stop);
        break;
      default:
        throw std::logic_error("not a cloud mutation: " + action);
    }
    outcome.accepted = true;
  } catch (const zenlayer::ApiError& error) {
    outcome.request_id = error.request_id();
    outcome.code = error.code();
    outcome.message = error.message();
    outcome.error_class = error.error_class();
    // A cancelled call may have left: treat it as a call without a reply.
    outcome.may_have_taken_effect = error.may_have_taken_effect() || error.cancelled();
    runtime::log_warn("mutation failed",
                      {field("resource", key), field("portId", port_id), field("action", action),
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
    // (A CreatePort always comes with the account of its lookup, so it never gets here.)
    deps_.observer.record(key, port_id, Observation::credentials_error(unavailable.problem(), deps_.clock()));
    plan = decide(resource, deps_.observer.latest(key, port_id), DecideInput{deps_.clock(), settings_});
    return;
  }
  record_mutation_outcome(plan, resource, outcome);
  {
    std::lock_guard lock(mutex_);
    KeyState& state = keys_[key];
    state.mutated_at = deps_.clock();
    state.sent_at = sent_at;
    state.awaiting.reset();
    if (outcome.accepted && sent == CloudAction::TerminatePort) state.awaiting = ReleaseStage::Terminate;
    if (outcome.accepted && sent == CloudAction::DestroyPort) state.awaiting = ReleaseStage::Destroy;
  }
  if (outcome.accepted) {
    runtime::log_info("mutation accepted",
                      {field("resource", key), field("portId", port_id), field("action", action),
                       field("requestId", outcome.request_id), field("phase", phase_name(plan.status))});
    const auto [reason, message] = accepted_event(plan, port_id, outcome.request_id);
    deps_.store.record_event(object, EventKind::Normal, reason, message);
  }
}

std::chrono::nanoseconds Reconciler::look_delay(const KeyState& state, std::chrono::milliseconds wait,
                                                std::chrono::nanoseconds grid, Time now,
                                                std::optional<Time> looked_at) const {
  // The longest a jittered wait can be (ReconcilerDeps::jitter): aiming later than that would stretch the
  // poll grid, so the look is aimed only when the moment falls within it.
  constexpr double kLongestJitter = 1.2;
  if (!state.awaiting || !state.sent_at) return grid;
  const auto takes = stage_durations_.expected(*state.awaiting);
  if (!takes) return grid;
  const Time aim = *state.sent_at + *takes + kAimPast;
  if (aim <= now) {
    // The stage should be done by now. A look asked before that moment could not show it (its answer came
    // late, or it was a grid look from before the duration was learnt): look again at once rather than a
    // whole poll interval later. A look asked after it shows a stage slower than learnt: the grid goes on.
    if (looked_at && *looked_at < aim) return std::chrono::nanoseconds(0);
    return grid;
  }
  const auto until = std::chrono::duration_cast<std::chrono::nanoseconds>(aim - now);
  if (until <= std::chrono::duration_cast<std::chrono::nanoseconds>(wait * kLongestJitter)) return until;
  // The grid applies, but not before half the learnt duration: no recent port was done that soon (the
  // estimate is their 5th percentile), and a look there would only cost a reconcile and a DescribePorts
  // share. Looks from half on still see a cloud that got faster, so the estimate can learn it.
  const Time useful_from = *state.sent_at + *takes / 2;
  return std::max(grid, std::chrono::duration_cast<std::chrono::nanoseconds>(useful_from - now));
}

runtime::ReconcileResult Reconciler::schedule(const std::string& key, const Plan& plan, Time now,
                                              bool observation_used, std::optional<Time> looked_at) {
  if (!plan.requeue_after) return {};
  if (*plan.requeue_after == std::chrono::milliseconds(0) && observation_used) {
    // Decide again at once from the same look (e.g. Recycled written, DestroyPort next): not a new poll.
    return runtime::ReconcileResult{std::chrono::nanoseconds(0)};
  }
  auto delay = std::chrono::duration_cast<std::chrono::nanoseconds>(*plan.requeue_after * deps_.jitter());
  std::lock_guard lock(mutex_);
  KeyState& state = keys_[key];
  delay = look_delay(state, *plan.requeue_after, delay, now, looked_at);
  const Time due = now + std::chrono::duration_cast<Time::duration>(delay);
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
