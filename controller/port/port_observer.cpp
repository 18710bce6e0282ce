#include "port/port_observer.hpp"

#include <algorithm>
#include <set>
#include <thread>

#include "runtime/log.hpp"
#include "zenlayer/sdn_ports.hpp"

namespace zpo::port {

PortObserver::PortObserver(ObserverHooks hooks, std::chrono::milliseconds batch_window,
                           std::chrono::milliseconds max_hold)
    : hooks_(std::move(hooks)), window_(batch_window), max_hold_(max_hold) {}

void PortObserver::request(const std::string& key, const std::string& port_id, const CloudAccess& access) {
  const Time now = hooks_.clock();
  bool first = false;
  {
    std::lock_guard lock(mutex_);
    ++arrivals_;
    first = pending_.empty();
    const auto [it, asked] = pending_.try_emplace(key, Request{port_id, access, now});
    if (!asked) {
      // Asked again before being described: the same request, still as old as the first ask.
      it->second.port_id = port_id;
      it->second.access = access;
    }
  }
  // Only the first request wakes the observer: later ones find it filling its batch window, which it sleeps
  // through whatever arrives (at 10,000 ports a wake per request was a context switch per poll).
  if (first) wake_.notify_all();
}

std::optional<Time> PortObserver::observed_at(const std::string& key, const std::string& port_id) const {
  std::lock_guard lock(mutex_);
  const auto it = observations_.find(key);
  if (it == observations_.end() || it->second.port_id != port_id) return std::nullopt;
  return it->second.observation.observed_at;
}

std::optional<Observation> PortObserver::latest(const std::string& key, const std::string& port_id) const {
  std::lock_guard lock(mutex_);
  const auto it = observations_.find(key);
  if (it == observations_.end() || it->second.port_id != port_id) return std::nullopt;
  return it->second.observation;
}

void PortObserver::record(const std::string& key, const std::string& port_id, Observation observation) {
  std::lock_guard lock(mutex_);
  observations_[key] = Stored{port_id, std::move(observation)};
}

void PortObserver::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  pending_.erase(key);
  observations_.erase(key);
}

std::size_t PortObserver::pending() const {
  std::lock_guard lock(mutex_);
  return pending_.size();
}

std::size_t PortObserver::stored() const {
  std::lock_guard lock(mutex_);
  return observations_.size();
}

std::size_t PortObserver::observe_round(const std::stop_token& stop, std::chrono::milliseconds max_wait) {
  bool arrivals_paused = false;
  {
    std::unique_lock lock(mutex_);
    if (!wake_.wait_for(lock, stop, max_wait, [&] { return !pending_.empty(); })) return 0;
    // Let the batch fill: the reconciles that asked together (a resync, a mass deletion) share the calls.
    const std::uint64_t before = arrivals_;
    wake_.wait_for(lock, stop, window_, [] { return false; });
    // Without a window there is nothing to wait for company with.
    arrivals_paused = arrivals_ == before || window_.count() == 0;
  }
  if (stop.stop_requested()) return 0;
  return describe(take_ready(arrivals_paused), stop);
}

std::size_t PortObserver::observe_pending(const std::stop_token& stop) {
  return describe(take_ready(true), stop);
}

PortObserver::Batch PortObserver::take_ready(bool everything) {
  const Time now = hooks_.clock();
  Batch by_account;
  std::lock_guard lock(mutex_);
  for (auto& [key, request] : pending_)
    by_account[request.access.identity].emplace_back(key, request);
  for (auto& [identity, group] : by_account) {
    const std::size_t full = group.size() - group.size() % zenlayer::kMaxPortIdsPerDescribe;
    if (everything || full == group.size()) continue;
    // Oldest first: the youngest requests are the ones that wait for the next round.
    std::stable_sort(group.begin(), group.end(),
                     [](const auto& a, const auto& b) { return a.second.asked_at < b.second.asked_at; });
    if (now - group[full].second.asked_at < max_hold_) group.resize(full);
  }
  for (const auto& [identity, group] : by_account) {
    for (const auto& [key, request] : group)
      pending_.erase(key);
  }
  return by_account;
}

std::size_t PortObserver::describe(const Batch& batch, const std::stop_token& stop) {
  std::size_t calls = 0;
  for (const auto& [identity, group] : batch) {
    if (!group.empty()) calls += describe_group(group, stop);
  }
  return calls;
}

std::size_t PortObserver::describe_group(const std::vector<std::pair<std::string, Request>>& group,
                                         const std::stop_token& stop) {
  std::map<std::string, std::vector<std::string>> keys_by_port;
  for (const auto& [key, request] : group)
    keys_by_port[request.port_id].push_back(key);
  std::vector<std::string> ids;
  for (const auto& [port_id, keys] : keys_by_port)
    ids.push_back(port_id);
  CloudPorts& ports = *group.front().second.access.ports;
  std::size_t calls = 0;
  for (std::size_t begin = 0; begin < ids.size(); begin += zenlayer::kMaxPortIdsPerDescribe) {
    const std::size_t end = std::min(ids.size(), begin + zenlayer::kMaxPortIdsPerDescribe);
    calls += describe_chunk(ports, {ids.begin() + begin, ids.begin() + end}, keys_by_port, stop);
  }
  return calls;
}

std::size_t PortObserver::describe_chunk(CloudPorts& ports, const std::vector<std::string>& ids,
                                         const std::map<std::string, std::vector<std::string>>& keys_by_port,
                                         const std::stop_token& stop) {
  // Taken before the call: what comes back is at least this new, so it is never mistaken for a look taken
  // after a mutation that was sent while the call was under way.
  const Time at = hooks_.clock();
  if (hooks_.on_describe) hooks_.on_describe(ids.size());
  try {
    const zenlayer::PortList list = ports.describe(ids, stop);
    const Time answered = hooks_.clock();
    const auto answered_at = [answered](Observation observation) {
      observation.answered_at = answered;
      return observation;
    };
    std::set<std::string> seen;
    for (const auto& port : list.ports) {
      const auto it = keys_by_port.find(port.port_id);
      if (it == keys_by_port.end() || !seen.insert(port.port_id).second) continue;
      store(it->second, port.port_id, answered_at(Observation::found(port, at)));
    }
    for (const auto& id : ids) {
      if (!seen.count(id)) store(keys_by_port.at(id), id, answered_at(Observation::absent(at)));
    }
    runtime::log_debug("ports described",
                       {runtime::field("ports", static_cast<long long>(ids.size())),
                        runtime::field("found", static_cast<long long>(seen.size())),
                        runtime::field("requestIds", static_cast<long long>(list.request_ids.size()))});
    return 1;
  } catch (const zenlayer::ApiError& error) {
    if (error.cancelled()) {
      // Shutting down: hand nothing back; the next leader or process observes again.
      return 1;
    }
    runtime::log_warn(
        "DescribePorts failed",
        {runtime::field("ports", static_cast<long long>(ids.size())),
         runtime::field("class", std::string(zenlayer::to_string(error.error_class()))),
         runtime::field("code", error.code()), runtime::field("requestId", error.request_id())});
    if (error.error_class() == zenlayer::ErrorClass::InvalidRequest && ids.size() > 1) {
      // One malformed id must not fail its 99 neighbours: look at each alone.
      std::size_t calls = 1;
      for (const auto& id : ids)
        calls += describe_chunk(ports, {id}, keys_by_port, stop);
      return calls;
    }
    const CloudFailure failure{error.error_class(), error.code(), error.message()};
    for (const auto& id : ids)
      store(keys_by_port.at(id), id, Observation::cloud_error(failure, at));
    return 1;
  }
}

void PortObserver::store(const std::vector<std::string>& keys, const std::string& port_id,
                         const Observation& observation) {
  {
    std::lock_guard lock(mutex_);
    for (const auto& key : keys)
      observations_[key] = Stored{port_id, observation};
  }
  for (const auto& key : keys)
    hooks_.notify(key);
}

}  // namespace zpo::port
