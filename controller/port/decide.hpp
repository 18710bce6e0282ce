#pragma once
// The decision: from the resource as read (spec, finalizers, deletion timestamp and our own status, which
// records the last mutation sent) and what was last observed of the cloud port, the next step. A pure
// function — no I/O, no clock reads, no randomness (the caller applies jitter) — so every combination is
// tested as a table.
//
// Invariants (checked by tests/controller_port/decide_test.cpp):
// - DestroyPort only for a port observed RECYCLED; TerminatePort only for a port observed RUNNING and not
// PREPAID.
// - No mutation without a fresh observation (one taken after the last mutation recorded in the status), on an
//   unknown portStatus, or while a TerminatePort/DestroyPort accepted less than terminate_grace ago may still
//   be on its way (the cloud lags).
// - Orphan never touches the cloud. The finalizer comes off only with phase Destroyed, Orphaned, or Recycled
// under
//   RecycleBin.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "port/observation.hpp"
#include "port/zenlayer_port.hpp"

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

enum class CloudAction { None, ObservePort, TerminatePort, DestroyPort };
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
  // The whole status to have after this step. For TerminatePort/DestroyPort it is the status once the cloud
  // accepted the call (see record_mutation_outcome for the other outcomes).
  PortResourceStatus status{};
  FinalizerChange finalizer = FinalizerChange::Keep;
  std::vector<PlannedEvent> events{};  // emitted when a condition takes a reason worth telling people about
  // Observe again after this delay (before jitter). nullopt: nothing to wait for (an ObservePort reply, a
  // spec change or the deletion itself brings the key back).
  std::optional<std::chrono::milliseconds> requeue_after{};
};

Plan decide(const PortResource& resource, const std::optional<Observation>& observation,
            const DecideInput& input);

// What came of the TerminatePort/DestroyPort a plan asked for.
struct MutationOutcome {
  bool accepted = false;
  std::string request_id{};
  std::string code{};  // the error code when refused; empty when accepted or when no reply came back
  bool may_have_taken_effect = false;
};

// Completes `plan` (a TerminatePort/DestroyPort plan made from `resource`) with the outcome: the request id
// on acceptance; on failure the last operation records the code (kNoReplyCode when none came back), the stage
// timestamp is kept only if the call may have taken effect, and the key is observed again at once, so the
// next decision is made from what the cloud now says rather than from a guess.
void record_mutation_outcome(Plan& plan, const PortResource& resource, const MutationOutcome& outcome);

// The wait before the next poll of a stage that began at `stage_start`: poll_interval doubling with every
// poll since (polls at 1, 3, 7, … intervals after the start), capped at max_poll_interval.
std::chrono::milliseconds poll_backoff(Time stage_start, Time now, const DecideSettings& settings);

}  // namespace zpo::port
