#pragma once
// An in-memory stand-in for the API server and the informer cache, with the semantics the reconciler relies
// on: a status merge patch, guarded finalizer changes, an object with a deletionTimestamp going away when its
// last finalizer does, resourceVersion bumps, a status write guarded by the resourceVersion (409 when the
// object moved since it was read), and a record of every write (what it was, and the status fields it
// changed) and Event. Writes can be made to fail, and the cache can be made to lag behind the server.

#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "kube/informer_cache.hpp"
#include "kube/rest_client.hpp"
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
  // One write to the server, as the API server would count it (Events aside).
  struct Write {
    std::string what;                   // "finalizer added" | "status" | "finalizer removed"
    std::string phase{};                // status: the phase after the write
    std::vector<std::string> fields{};  // status: the top-level status fields the write changed
    friend bool operator==(const Write&, const Write&) = default;
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
  // From now on get() answers the object as it is now (a cache whose watch lags), whatever changes on the
  // server, until catch_up() or one of our own writes to it succeeds.
  void freeze_cache(const std::string& key) {
    std::lock_guard lock(mutex_);
    cached_[key] = objects_.at(key);
  }
  void catch_up(const std::string& key) {
    std::lock_guard lock(mutex_);
    cached_.erase(key);
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
  // Every write to `key`, in order.
  std::vector<Write> writes(const std::string& key) {
    std::lock_guard lock(mutex_);
    return writes_[key];
  }
  int conflicts() {
    std::lock_guard lock(mutex_);
    return conflicts_;
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

  std::optional<std::uint64_t> resource_version(const std::string& key) override {
    const auto object = read(key);
    return object ? kube::detail::resource_version_of(*object) : std::nullopt;
  }
  // How many times the reconciler read an object (get()).
  int reads() {
    std::lock_guard lock(mutex_);
    return reads_;
  }
  std::optional<nlohmann::json> get(const std::string& key) override {
    {
      std::lock_guard lock(mutex_);
      ++reads_;
    }
    return read(key);
  }
  std::optional<nlohmann::json> read(const std::string& key) {
    std::lock_guard lock(mutex_);
    if (const auto cached = cached_.find(key); cached != cached_.end()) return cached->second;
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
  nlohmann::json write_status(const nlohmann::json& object, const PortResourceStatus& status,
                              bool unless_changed = false) override {
    std::lock_guard lock(mutex_);
    if (failing_status_writes_ > 0) {
      --failing_status_writes_;
      throw std::runtime_error("status write failed (injected)");
    }
    auto& stored = objects_.at(key_of(object));
    if (unless_changed &&
        object["metadata"].value("resourceVersion", "") != stored["metadata"].value("resourceVersion", "")) {
      ++conflicts_;
      throw kube::StatusError(
          409, "Conflict",
          "Operation cannot be fulfilled: the object has been modified; please apply your "
          "changes to the latest version and try again");
    }
    cached_.erase(key_of(object));
    nlohmann::json current = stored.value("status", nlohmann::json::object());
    const nlohmann::json patch = status_merge_patch(current, to_json(status));
    Write write{"status", status.phase ? std::string(to_string(*status.phase)) : std::string(), {}};
    for (const auto& [field, value] : patch.items())
      write.fields.push_back(field);
    writes_[key_of(object)].push_back(std::move(write));
    current.merge_patch(patch);
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
    cached_.erase(key_of(object));
    auto& stored = objects_.at(key_of(object));
    stored["metadata"]["finalizers"].push_back(kFinalizer);
    bump(stored);
    writes_[key_of(object)].push_back(Write{"finalizer added"});
    return stored;
  }
  void remove_finalizer(const nlohmann::json& object) override {
    std::lock_guard lock(mutex_);
    cached_.erase(key_of(object));
    const auto it = objects_.find(key_of(object));
    if (it == objects_.end()) return;
    auto& finalizers = it->second["metadata"]["finalizers"];
    nlohmann::json kept = nlohmann::json::array();
    for (const auto& f : finalizers) {
      if (f != kFinalizer) kept.push_back(f);
    }
    finalizers = kept;
    writes_[key_of(object)].push_back(Write{"finalizer removed"});
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
  int reads_ = 0;
  std::map<std::string, nlohmann::json> objects_;
  std::map<std::string, nlohmann::json> cached_;  // lagging cache entries (freeze_cache)
  std::map<std::string, std::vector<std::string>> phases_;
  std::map<std::string, std::vector<Write>> writes_;
  std::vector<Event> events_;
  int status_writes_ = 0;
  int failing_status_writes_ = 0;
  int conflicts_ = 0;
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

// A resource that creates its port: no spec.portId, the creation fields instead.
inline nlohmann::json new_port_object(const std::string& name, const std::string& port_name,
                                      const std::string& dc_id = "SIN1",
                                      const std::string& policy = "Delete") {
  nlohmann::json object = port_object(name, "", policy);
  object["spec"] = {{"dcId", dc_id},
                    {"portName", port_name},
                    {"portType", "10G"},
                    {"businessEntityName", "Example Ltd"},
                    {"deletionPolicy", policy}};
  return object;
}

}  // namespace zpo::port::testing
