#pragma once
// An in-memory stand-in for the API server and the informer cache, with the semantics the reconciler relies
// on: a status merge patch, guarded finalizer changes, an object with a deletionTimestamp going away when its
// last finalizer does, resourceVersion bumps, and a record of every write and Event. Writes can be made to
// fail.

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "port/resource_store.hpp"

namespace zpo::port::testing {

class FakeStore final : public ResourceStore {
 public:
  struct Event {
    std::string key;
    EventKind kind;
    std::string reason;
    std::string message;
  };

  void put(const nlohmann::json& object) {
    std::lock_guard lock(mutex_);
    objects_[key_of(object)] = object;
  }
  void mutate(const std::string& key, const std::function<void(nlohmann::json&)>& change) {
    std::lock_guard lock(mutex_);
    change(objects_.at(key));
    bump(objects_.at(key));
  }
  void fail_next_status_writes(int n) {
    std::lock_guard lock(mutex_);
    failing_status_writes_ = n;
  }
  int status_writes() {
    std::lock_guard lock(mutex_);
    return status_writes_;
  }
  std::vector<std::string> phases_written(const std::string& key) {
    std::lock_guard lock(mutex_);
    return phases_[key];
  }
  std::vector<Event> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::vector<std::string> event_reasons() {
    std::vector<std::string> reasons;
    for (const auto& event : events())
      reasons.push_back(event.reason);
    return reasons;
  }

  std::optional<nlohmann::json> get(const std::string& key) override {
    std::lock_guard lock(mutex_);
    const auto it = objects_.find(key);
    return it == objects_.end() ? std::nullopt : std::optional<nlohmann::json>(it->second);
  }
  std::vector<std::string> keys() override {
    std::lock_guard lock(mutex_);
    std::vector<std::string> keys;
    for (const auto& [key, object] : objects_)
      keys.push_back(key);
    return keys;
  }
  nlohmann::json write_status(const nlohmann::json& object, const PortResourceStatus& status) override {
    std::lock_guard lock(mutex_);
    if (failing_status_writes_ > 0) {
      --failing_status_writes_;
      throw std::runtime_error("status write failed (injected)");
    }
    auto& stored = objects_.at(key_of(object));
    nlohmann::json current = stored.value("status", nlohmann::json::object());
    current.merge_patch(status_merge_patch(current, to_json(status)));
    stored["status"] = current;
    bump(stored);
    ++status_writes_;
    if (status.phase) {
      auto& phases = phases_[key_of(object)];
      const std::string phase(to_string(*status.phase));
      if (phases.empty() || phases.back() != phase) phases.push_back(phase);
    }
    return stored;
  }
  nlohmann::json add_finalizer(const nlohmann::json& object) override {
    std::lock_guard lock(mutex_);
    auto& stored = objects_.at(key_of(object));
    stored["metadata"]["finalizers"].push_back(kFinalizer);
    bump(stored);
    return stored;
  }
  void remove_finalizer(const nlohmann::json& object) override {
    std::lock_guard lock(mutex_);
    const auto it = objects_.find(key_of(object));
    if (it == objects_.end()) return;
    auto& finalizers = it->second["metadata"]["finalizers"];
    nlohmann::json kept = nlohmann::json::array();
    for (const auto& f : finalizers) {
      if (f != kFinalizer) kept.push_back(f);
    }
    finalizers = kept;
    if (kept.empty() && it->second["metadata"].contains("deletionTimestamp")) {
      objects_.erase(it);
    } else {
      bump(it->second);
    }
  }
  void record_event(const nlohmann::json& object, EventKind kind, const std::string& reason,
                    const std::string& message) override {
    std::lock_guard lock(mutex_);
    events_.push_back(Event{key_of(object), kind, reason, message});
  }

 private:
  static std::string key_of(const nlohmann::json& object) {
    return object["metadata"].value("namespace", "") + "/" + object["metadata"].value("name", "");
  }
  void bump(nlohmann::json& object) { object["metadata"]["resourceVersion"] = std::to_string(++version_); }

  std::mutex mutex_;
  std::map<std::string, nlohmann::json> objects_;
  std::map<std::string, std::vector<std::string>> phases_;
  std::vector<Event> events_;
  int status_writes_ = 0;
  int failing_status_writes_ = 0;
  long version_ = 100;
};

inline nlohmann::json port_object(const std::string& name, const std::string& port_id,
                                  const std::string& policy = "Delete") {
  return nlohmann::json{{"apiVersion", kApiVersion},
                        {"kind", kKind},
                        {"metadata",
                         {{"namespace", "team-a"},
                          {"name", name},
                          {"uid", "uid-" + name},
                          {"generation", 1},
                          {"resourceVersion", "1"},
                          {"finalizers", nlohmann::json::array()}}},
                        {"spec", {{"portId", port_id}, {"deletionPolicy", policy}}}};
}

}  // namespace zpo::port::testing
