// client-go's leaderelection.go decisions, without I/O.

#include "runtime/lease_record.hpp"

#include <array>
#include <cstdio>
#include <ctime>

namespace zpo::runtime {

namespace {
template <typename T>
T value_or(const nlohmann::json& object, const char* key, T fallback) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return fallback;
  return it->get<T>();
}
}  // namespace

LeaseRecord lease_record_from(const nlohmann::json& lease) {
  LeaseRecord r;
  auto spec_it = lease.find("spec");
  if (spec_it == lease.end() || !spec_it->is_object()) return r;
  const auto& spec = *spec_it;
  r.holder_identity = value_or<std::string>(spec, "holderIdentity", "");
  r.lease_duration_seconds = value_or<int>(spec, "leaseDurationSeconds", 0);
  r.acquire_time = value_or<std::string>(spec, "acquireTime", "");
  r.renew_time = value_or<std::string>(spec, "renewTime", "");
  r.lease_transitions = value_or<int>(spec, "leaseTransitions", 0);
  return r;
}

nlohmann::json lease_spec_json(const LeaseRecord& r) {
  nlohmann::json spec = {{"holderIdentity", r.holder_identity},
                         {"leaseDurationSeconds", r.lease_duration_seconds},
                         {"leaseTransitions", r.lease_transitions}};
  if (!r.acquire_time.empty()) spec["acquireTime"] = r.acquire_time;
  if (!r.renew_time.empty()) spec["renewTime"] = r.renew_time;
  return spec;
}

std::string micro_time(std::chrono::system_clock::time_point t) {
  auto since_epoch = t.time_since_epoch();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(since_epoch - seconds).count();
  std::time_t tt = static_cast<std::time_t>(seconds.count());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  std::array<char, 64> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(micros));
  return buf.data();
}

LeaseAction decide_lease_action(const std::optional<LeaseRecord>& current, const std::string& identity,
                                std::chrono::steady_clock::time_point observed_at,
                                std::chrono::steady_clock::time_point now) {
  if (!current) return LeaseAction::Create;
  if (current->holder_identity == identity) return LeaseAction::Renew;
  if (current->holder_identity.empty()) return LeaseAction::Acquire;
  auto expires = observed_at + std::chrono::seconds(current->lease_duration_seconds);
  return now >= expires ? LeaseAction::Acquire : LeaseAction::Wait;
}

LeaseRecord next_lease_record(const std::optional<LeaseRecord>& current, const std::string& identity,
                              int lease_duration_seconds, const std::string& now_micro) {
  LeaseRecord next;
  next.holder_identity = identity;
  next.lease_duration_seconds = lease_duration_seconds;
  next.renew_time = now_micro;
  if (current && current->holder_identity == identity) {
    next.acquire_time = current->acquire_time;
    next.lease_transitions = current->lease_transitions;
  } else {
    next.acquire_time = now_micro;
    next.lease_transitions = current ? current->lease_transitions + 1 : 0;
  }
  return next;
}

LeaseRecord released_lease_record(const LeaseRecord& current, const std::string& now_micro) {
  LeaseRecord released;
  released.lease_duration_seconds = 1;
  released.acquire_time = now_micro;
  released.renew_time = now_micro;
  released.lease_transitions = current.lease_transitions;
  return released;
}

}  // namespace zpo::runtime
