#pragma once
// One reconcile of one ZenlayerPort: read it, decide from it and the latest usable observation, then carry
// the plan out in a fixed order — a lookup by name when the decision asks for one (and a second decision
// with its answer), the create-in-flight record before a CreatePort, the cloud mutation, the status write
// (only when the status changed), the Events, and the finalizer removal last, after the final status write.
// All I/O goes through ResourceStore, CloudAccessResolver and PortObserver, so tests drive it with fakes and
// an injected clock.
//
// A CreatePort is sent only after its record (lastOperation CreatePort, no portId) is written with the
// resourceVersion it was decided from: a crash or a lost reply leaves the record, and the next decision looks
// the port up by name instead of creating a second one; an operator acting on an old read gets a 409 and
// sends nothing.
//
// When is an observation usable? When it was taken after this key's last mutation (the cloud must have had
// the chance to show its effect) and, once the key's next poll is due, after that moment. Both instants are
// kept per key in memory; after a restart there are none and the first reconcile of each key simply observes.
//
// A poll that falls due on an object unchanged since the reconcile that last asked to observe its port (same
// resourceVersion, read from the cache without parsing the object) asks again without reading or deciding:
// decide() would ask the same, and a large deletion polls thousands of waiting ports every poll interval.
//
// After an accepted TerminatePort or DestroyPort, the next look is aimed just past the stage's learnt
// duration (StageDurations) when that moment is within reach of the wait decide() asked for, instead of
// landing anywhere on the poll grid: the port is seen done about when the cloud finishes, at no extra look.
// Grid looks before half the learnt duration are skipped: no recent port was done that soon.
//
// Until a stage's duration is learnt every waiting port looks on the grid, and the first ports done are what
// teaches it. The moment the estimate appears (or drops by more than the aim's margin), the looks already
// scheduled past the new aim are brought forward to it through ReconcilerDeps::requeue: a mass deletion's
// ports were all sent before any was done, and without this each would wait up to a poll interval more.

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <unordered_map>

#include "port/cloud_access.hpp"
#include "port/decide.hpp"
#include "port/port_metrics.hpp"
#include "port/port_observer.hpp"
#include "port/resource_store.hpp"
#include "port/stage_durations.hpp"
#include "runtime/controller.hpp"

namespace zpo::port {

struct ReconcilerDeps {
  ResourceStore& store;
  CloudAccessResolver& access;
  PortObserver& observer;
  WallClock clock;
  std::function<double()> jitter;  // a factor for requeue delays, e.g. uniform in [0.8, 1.2]
  PortMetrics* metrics = nullptr;  // optional
  // Brings a key's next reconcile forward to `after` from now (the work queue's add_after; a later pending
  // one is superseded). Optional: without it looks are aimed only as they are scheduled.
  std::function<void(const std::string& key, std::chrono::nanoseconds after)> requeue{};
};

class Reconciler {
 public:
  Reconciler(ReconcilerDeps deps, DecideSettings settings);

  // Throws on a failed Kubernetes write (the caller backs the key off and retries).
  runtime::ReconcileResult reconcile(const std::string& key, const std::stop_token& stop);

  // Counts of resources by status.phase in the store (unobserved ones count as Pending).
  std::map<std::string, int> phases() const;
  std::size_t tracked_keys() const;

 private:
  // What the last observation request of a key was made from (see the header comment).
  struct PollRequest {
    std::uint64_t resource_version = 0;
    std::string port_id{};
    // What resolving the account reads (a whole PortResource per waiting key would cost megabytes).
    std::string namespace_{};
    std::optional<CredentialsSecretRef> credentials_secret_ref{};
  };
  struct KeyState {
    std::optional<Time> mutated_at{};
    std::optional<Time> due_at{};
    std::optional<PollRequest> poll{};
    // The release stage our last accepted mutation (at mutated_at) began, until a look shows it done.
    std::optional<ReleaseStage> awaiting{};
    // When that mutation was sent. The cloud began the stage between this and its reply (mutated_at), and a
    // reply can lag by a second under load: durations and aims count from here, so a slow reply does not
    // make the learnt duration short and the aimed looks early.
    std::optional<Time> sent_at{};
    // A status decided after a mutation whose write failed: decisions use it until a write succeeds, so a
    // failed write cannot make the operator forget a TerminatePort it sent or the id of a port it created.
    std::optional<PortResourceStatus> unwritten{};
  };
  // One read, decision and its effects. `decide_again` is set when the plan asks to be decided again at once
  // from the same look (Recycled written, DestroyPort next).
  runtime::ReconcileResult pass(const std::string& key, const std::stop_token& stop, bool& decide_again);
  // Asks for the observation of a poll that fell due on an unchanged object; false when a full reconcile is
  // needed.
  bool repeat_due_poll(const std::string& key, Time now);
  // The wait until the next look of a key whose stage is awaited (`grid`: the jittered poll wait): aimed just
  // past the stage's learnt duration when that moment is within reach of `wait`; otherwise the grid's, but
  // not before half the learnt duration. Past that moment, none when the look just used (`looked_at`) was
  // asked before it.
  std::chrono::nanoseconds look_delay(const KeyState& state, std::chrono::milliseconds wait,
                                      std::chrono::nanoseconds grid, Time now,
                                      std::optional<Time> looked_at) const;
  // A look that shows the awaited stage done is a sample of how long the stage takes.
  void learn_stage_end(const std::string& key, const Observation& observation);
  // Brings forward the scheduled looks of ports awaiting `stage` that now fall past their aim.
  void reaim_looks(ReleaseStage stage, Time now);
  void remember_poll(const std::string& key, const nlohmann::json& object, const PortResource& resource,
                     const std::string& port_id);
  std::optional<Observation> usable_observation(const std::string& key, const PortResource& resource,
                                                Time now);
  // Lists the ports named `target`'s portName in its dcId (Plan::lookup). `access` is set when the cloud
  // answered (a CreatePort uses the same account); nullopt when `stop` cancelled the call.
  std::optional<PortLookup> look_up(const PortResource& resource, const zenlayer::PortFilter& target,
                                    Time now, std::optional<CloudAccess>& access,
                                    const std::stop_token& stop);
  // Sends the plan's mutation with `access` (resolved here when not given) and completes the plan with the
  // outcome.
  void mutate(Plan& plan, const PortResource& resource, const nlohmann::json& object,
              const std::optional<CloudAccess>& access, const std::stop_token& stop);
  // `looked_at`: when the look this plan used was asked (nullopt when none saw the port).
  runtime::ReconcileResult schedule(const std::string& key, const Plan& plan, Time now, bool observation_used,
                                    std::optional<Time> looked_at);

  ReconcilerDeps deps_;
  const DecideSettings settings_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, KeyState> keys_{};
  StageDurations stage_durations_{};
  // Per stage, the estimate the scheduled looks were last aimed with (reaim_looks).
  std::array<std::optional<std::chrono::milliseconds>, 2> aimed_with_{};
};

}  // namespace zpo::port
