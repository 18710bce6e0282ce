#pragma once
// The Kubernetes side as the reconciler uses it: read a ZenlayerPort from the informer's cache, write its
// status, add or remove our finalizer, record Events. Two implementations: the real one over kube:: (below)
// and a fake in the tests. Every write's reply goes back into the informer's cache at once, so the next
// reconcile never acts on an object older than what we wrote (this is what stops a second TerminatePort while
// the watch lags behind our own status write).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "port/decide.hpp"

namespace zpo::kube {
class RestClient;
class Informer;
class EventRecorder;
}  // namespace zpo::kube

namespace zpo::port {

class ResourceStore {
 public:
  virtual ~ResourceStore() = default;
  virtual std::optional<nlohmann::json> get(const std::string& key) = 0;
  virtual std::vector<std::string> keys() = 0;
  // The resourceVersion get() would return, without reading the object (nullopt: absent, or not a number).
  virtual std::optional<std::uint64_t> resource_version(const std::string& key) = 0;
  // Each write returns the object as the server now has it. They throw kube::StatusError /
  // kube::TransportError; a 409/422 on a finalizer patch means the finalizers changed under us: the caller
  // re-reads and tries later.
  // With `unless_changed`, the write carries the object's resourceVersion and fails with 409 if the object
  // changed since it was read: the create-in-flight record uses it, so an operator acting on an old read (a
  // deposed leader, a stale cache) never sends a CreatePort another one already sent.
  virtual nlohmann::json write_status(const nlohmann::json& object, const PortResourceStatus& status,
                                      bool unless_changed = false) = 0;
  virtual nlohmann::json add_finalizer(const nlohmann::json& object) = 0;
  // The object being gone already (404) counts as done.
  virtual void remove_finalizer(const nlohmann::json& object) = 0;
  // Best effort: never throws.
  virtual void record_event(const nlohmann::json& object, EventKind kind, const std::string& reason,
                            const std::string& message) = 0;
};

// The merge patch that turns status `before` into `after`: changed fields, and null for every field `after`
// no longer has (a merge patch otherwise keeps them). Arrays are replaced whole.
nlohmann::json status_merge_patch(const nlohmann::json& before, const nlohmann::json& after);

class KubeResourceStore final : public ResourceStore {
 public:
  KubeResourceStore(kube::RestClient& client, kube::Informer& informer, kube::EventRecorder& events)
      : client_(client), informer_(informer), events_(events) {}

  std::optional<nlohmann::json> get(const std::string& key) override;
  std::vector<std::string> keys() override;
  std::optional<std::uint64_t> resource_version(const std::string& key) override;
  nlohmann::json write_status(const nlohmann::json& object, const PortResourceStatus& status,
                              bool unless_changed = false) override;
  nlohmann::json add_finalizer(const nlohmann::json& object) override;
  void remove_finalizer(const nlohmann::json& object) override;
  void record_event(const nlohmann::json& object, EventKind kind, const std::string& reason,
                    const std::string& message) override;

 private:
  kube::RestClient& client_;
  kube::Informer& informer_;
  kube::EventRecorder& events_;
};

// "/apis/sdn.zenlayer.com/v1alpha1/namespaces/<ns>/zenlayerports/<name>".
std::string object_path(const nlohmann::json& object);

}  // namespace zpo::port
