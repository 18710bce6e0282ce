#pragma once
// The reconciler's test bench: one operator process (observer, credentials resolver, reconciler) over a
// simulated cloud and API server with a manual clock, and a loop that runs it like the controller would —
// queued keys reconciled, asked observations made, the clock jumping to the next delayed key.

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "fake_cloud.hpp"
#include "fake_store.hpp"
#include "kube/rest_client.hpp"
#include "port/reconciler.hpp"
#include "port_fixtures.hpp"

namespace zpo::port::testing {

using nlohmann::json;

// One operator process: its observer, resolver and reconciler, sharing the store and cloud of the test.
struct Process {
  Process(FakeStore& store, std::shared_ptr<FakeCloud> cloud, const Time& now, DecideSettings settings,
          std::function<json(const std::string&)> secrets, std::function<double()> jitter)
      : access(
            std::move(secrets), [cloud](const zenlayer::Credentials&) { return cloud; },
            zenlayer::Credentials{"AKID", zenlayer::SecretString("operator-password")},
            [&now] { return now; }),
        observer(
            ObserverHooks{[this](const std::string& key) { queued.insert(key); }, [&now] { return now; }, {}},
            std::chrono::milliseconds(0)),
        reconciler(ReconcilerDeps{store, access, observer, [&now] { return now; }, std::move(jitter), nullptr,
                                  [this, &now](const std::string& key, std::chrono::nanoseconds after) {
                                    const Time at = now + std::chrono::duration_cast<Time::duration>(after);
                                    auto [it, inserted] = delayed.emplace(key, at);
                                    if (!inserted) it->second = std::min(it->second, at);
                                  }},
                   settings) {}

  CloudAccessResolver access;
  std::set<std::string> queued;
  PortObserver observer;
  Reconciler reconciler;
  std::map<std::string, Time> delayed;
  int errors = 0;
};

struct ReconcilerTest : ::testing::Test {
  Time now = t0();
  DecideSettings settings{};
  FakeStore store;
  std::shared_ptr<FakeCloud> cloud = std::make_shared<FakeCloud>([this] { return now; });
  std::map<std::string, json> secrets;
  double jitter = 1.0;  // the factor every requeue delay gets (the operator draws it from [0.8, 1.2])
  std::map<std::string, double>
      key_jitter{};                    // a key's own factor, instead of `jitter`, while it is reconciled
  std::string reconciling{};           // the key run() is reconciling
  std::function<bool()> pause_when{};  // when set and true, run() returns before its next step
  std::unique_ptr<Process> process = fresh_process();

  std::unique_ptr<Process> fresh_process() {
    return std::make_unique<Process>(
        store, cloud, now, settings,
        [this](const std::string& path) -> json {
          const auto it = secrets.find(path);
          if (it == secrets.end()) throw kube::StatusError(404, "NotFound", "secrets not found");
          return it->second;
        },
        [this] {
          const auto own = key_jitter.find(reconciling);
          return own == key_jitter.end() ? jitter : own->second;
        });
  }

  void enqueue(const std::string& key) { process->queued.insert(key); }

  // Runs the process like the controller would until nothing is left to do or `until` passes: queued keys are
  // reconciled, asked observations are made, and the clock jumps to the next delayed key.
  void run(std::chrono::milliseconds until = std::chrono::hours(2), int max_steps = 10000) {
    const Time end = now + until;
    for (int step = 0; step < max_steps; ++step) {
      if (pause_when && pause_when()) return;
      if (!process->queued.empty()) {
        const std::string key = *process->queued.begin();
        process->queued.erase(process->queued.begin());
        try {
          reconciling = key;
          const auto result = process->reconciler.reconcile(key, {});
          if (result.requeue_after) {
            const Time at = now + std::chrono::duration_cast<Time::duration>(*result.requeue_after);
            auto [it, inserted] = process->delayed.emplace(key, at);
            if (!inserted) it->second = std::min(it->second, at);
          }
        } catch (const std::exception&) {
          ++process->errors;
          process->delayed[key] = now + std::chrono::seconds(1);
        }
        continue;
      }
      if (process->observer.pending() > 0) {
        now += std::chrono::milliseconds(100);  // the batch window
        process->observer.observe_pending({});
        continue;
      }
      if (process->delayed.empty()) return;
      auto next = std::min_element(process->delayed.begin(), process->delayed.end(),
                                   [](const auto& a, const auto& b) { return a.second < b.second; });
      if (next->second > end) return;
      now = std::max(now, next->second);
      process->queued.insert(next->first);
      process->delayed.erase(next);
    }
    std::string keys;
    for (const auto& [key, at] : process->delayed)
      keys += key + " ";
    FAIL() << "did not settle: " << keys << (process->queued.empty() ? "" : *process->queued.begin());
  }

  void create(const std::string& name, const std::string& port_id, const std::string& policy = "Delete") {
    store.put(port_object(name, port_id, policy));
    enqueue("team-a/" + name);
  }
  // A resource that creates its port, named `port_name`, in `dc_id`.
  void apply_new(const std::string& name, const std::string& port_name, const std::string& dc_id = "SIN1",
                 const std::string& policy = "Delete") {
    store.put(new_port_object(name, port_name, dc_id, policy));
    enqueue("team-a/" + name);
  }
  // A crash and a restart: no memory survives, only the store and the cloud.
  void restart() {
    process = fresh_process();
    for (const auto& key : store.keys())
      enqueue(key);
  }
  int events(const std::string& reason) {
    const auto reasons = store.event_reasons();
    return static_cast<int>(std::count(reasons.begin(), reasons.end(), reason));
  }
  void delete_resource(const std::string& name) {
    now += std::chrono::seconds(5);
    store.mutate("team-a/" + name,
                 [this](json& o) { o["metadata"]["deletionTimestamp"] = format_time(now); });
    enqueue("team-a/" + name);
  }
  std::optional<PortResource> resource(const std::string& name) {
    const auto object = store.get("team-a/" + name);
    return object ? std::optional<PortResource>(parse_port_resource(*object)) : std::nullopt;
  }
};

}  // namespace zpo::port::testing
