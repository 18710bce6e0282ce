#pragma once
// The pure part of leader election: a Lease's spec as a value, and client-go's tryAcquireOrRenew decision
// taken from it, our identity and our own monotonic clock (never the holder's wall clock).

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace zpo::runtime {

struct LeaseRecord {
  std::string holder_identity{};
  int lease_duration_seconds = 0;
  std::string acquire_time{};  // MicroTime, "2026-11-23T13:00:00.000000Z"
  std::string renew_time{};
  int lease_transitions = 0;

  bool operator==(const LeaseRecord&) const = default;
};

// From a Lease object's spec (absent fields read as empty or zero).
LeaseRecord lease_record_from(const nlohmann::json& lease);
// The spec object written back (an empty holder is written as such: a released lease).
nlohmann::json lease_spec_json(const LeaseRecord& record);

// Kubernetes' MicroTime in UTC.
std::string micro_time(std::chrono::system_clock::time_point t);

enum class LeaseAction {
  Create,   // no Lease exists: create it holding it ourselves
  Acquire,  // free, released or expired: take it over (a new transition)
  Renew,    // ours: refresh renewTime
  Wait,     // another holder whose lease has not expired on our clock
};

// `observed_at` is when we last saw the record change (client-go's observedTime); a record held by another
// identity expires leaseDurationSeconds after that.
LeaseAction decide_lease_action(const std::optional<LeaseRecord>& current, const std::string& identity,
                                std::chrono::steady_clock::time_point observed_at,
                                std::chrono::steady_clock::time_point now);

// The record to write for Create/Acquire/Renew: acquireTime and the transition count are kept on a renewal
// and advanced on a takeover.
LeaseRecord next_lease_record(const std::optional<LeaseRecord>& current, const std::string& identity,
                              int lease_duration_seconds, const std::string& now_micro);

// The record a leader writes on a clean stop: no holder, 1 s duration, so the next candidate takes it at
// once.
LeaseRecord released_lease_record(const LeaseRecord& current, const std::string& now_micro);

}  // namespace zpo::runtime
