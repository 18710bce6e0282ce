#pragma once
// The batched observation of ports. A reconcile that needs a fresh look at its port asks for one and returns;
// the observer gathers what is asked for during a short window, makes one DescribePorts call per account and
// per 100 ports, keeps the result per key, and hands every asking key back to the work queue. 1,000 ports
// waiting on the cloud thus cost 10 calls per poll round, not 1,000.
//
// Calls go out full. While requests keep arriving (thousands of ports polled on their own jittered
// schedules), a partial last batch waits for company, at most `max_hold`; once arrivals pause it goes at
// once, so a lone port is not held back.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <unordered_map>
#include <vector>

#include "port/cloud_access.hpp"
#include "port/observation.hpp"

namespace zpo::port {

struct ObserverHooks {
  std::function<void(const std::string& key)> notify{};  // the key's observation is ready: queue it
  WallClock clock{};
  std::function<void(std::size_t ids)> on_describe{};  // one DescribePorts call of `ids` ids (metrics)
};

class PortObserver {
 public:
  PortObserver(ObserverHooks hooks, std::chrono::milliseconds batch_window,
               std::chrono::milliseconds max_hold = std::chrono::seconds(1));

  // Asks for a fresh observation of `port_id` for `key`. Asking again before it is made is the same request.
  void request(const std::string& key, const std::string& port_id, const CloudAccess& access);
  // The latest observation made for `key` (of `port_id`: one of another port, after a spec change, is not
  // returned).
  std::optional<Observation> latest(const std::string& key, const std::string& port_id) const;
  // When latest() was made, without copying it.
  std::optional<Time> observed_at(const std::string& key, const std::string& port_id) const;
  // Stores an observation made elsewhere (a credentials problem found while resolving the account).
  void record(const std::string& key, const std::string& port_id, Observation observation);
  // The key is gone: its request and observation are dropped.
  void forget(const std::string& key);

  // Waits up to `max_wait` for a request, lets the batch window fill, then observes every full batch, and
  // the rest when arrivals paused during the window or its oldest request has waited `max_hold`. Returns the
  // number of DescribePorts calls made.
  std::size_t observe_round(const std::stop_token& stop, std::chrono::milliseconds max_wait);
  // Observes everything asked for so far, now.
  std::size_t observe_pending(const std::stop_token& stop);

  std::size_t pending() const;
  std::size_t stored() const;

 private:
  struct Request {
    std::string port_id{};
    CloudAccess access{};
    Time asked_at{};  // the first ask since the key was last described
  };
  using Batch = std::map<std::string, std::vector<std::pair<std::string, Request>>>;  // by account
  // Takes the pending requests to describe now: full batches, and partial ones once held `max_hold`
  // (see observe_round); `everything` takes every one.
  Batch take_ready(bool everything);
  std::size_t describe(const Batch& batch, const std::stop_token& stop);
  struct Stored {
    std::string port_id{};
    Observation observation{};
  };
  // Describes one account's ports (≤ 100 per call) and stores what it learns; returns the calls made.
  std::size_t describe_group(const std::vector<std::pair<std::string, Request>>& group,
                             const std::stop_token& stop);
  std::size_t describe_chunk(CloudPorts& ports, const std::vector<std::string>& ids,
                             const std::map<std::string, std::vector<std::string>>& keys_by_port,
                             const std::stop_token& stop);
  void store(const std::vector<std::string>& keys, const std::string& port_id,
             const Observation& observation);

  const ObserverHooks hooks_;
  const std::chrono::milliseconds window_;
  const std::chrono::milliseconds max_hold_;
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  std::map<std::string, Request> pending_{};                // by key
  std::uint64_t arrivals_ = 0;                              // requests ever made
  std::unordered_map<std::string, Stored> observations_{};  // by key
};

}  // namespace zpo::port
