#include "port/resource_store.hpp"

#include "kube/event_recorder.hpp"
#include "kube/finalizer_patch.hpp"
#include "kube/informer.hpp"
#include "kube/rest_client.hpp"

namespace zpo::port {

nlohmann::json status_merge_patch(const nlohmann::json& before, const nlohmann::json& after) {
  if (!before.is_object() || !after.is_object()) return after;
  nlohmann::json patch = nlohmann::json::object();
  for (const auto& [key, value] : before.items()) {
    if (!after.contains(key)) patch[key] = nullptr;
  }
  for (const auto& [key, value] : after.items()) {
    const auto old = before.find(key);
    if (old == before.end()) {
      patch[key] = value;
    } else if (*old != value) {
      patch[key] = old->is_object() && value.is_object() ? status_merge_patch(*old, value) : value;
    }
  }
  return patch;
}

std::string object_path(const nlohmann::json& object) {
  const auto& metadata = object.at("metadata");
  return "/apis/sdn.zenlayer.com/v1alpha1/namespaces/" + metadata.value("namespace", std::string()) +
         "/zenlayerports/" + metadata.value("name", std::string());
}

std::optional<nlohmann::json> KubeResourceStore::get(const std::string& key) {
  return informer_.get(key);
}

std::optional<std::uint64_t> KubeResourceStore::resource_version(const std::string& key) {
  return informer_.resource_version(key);
}

std::vector<std::string> KubeResourceStore::keys() {
  return informer_.keys();
}

nlohmann::json KubeResourceStore::write_status(const nlohmann::json& object, const PortResourceStatus& status,
                                               bool unless_changed) {
  const nlohmann::json before = object.value("status", nlohmann::json::object());
  // Usually no resourceVersion precondition: the status is ours alone, and the last writer holds the newest
  // decision. A resourceVersion in a merge patch makes the API server refuse it with 409 when the object
  // moved since `object` was read.
  nlohmann::json patch{{"status", status_merge_patch(before, to_json(status))}};
  if (unless_changed) {
    // at(): an object without a resourceVersion would make the write unconditional; refuse it instead.
    patch["metadata"] = {{"resourceVersion", object.at("metadata").at("resourceVersion")}};
  }
  nlohmann::json reply = client_.patch(object_path(object) + "/status", kube::PatchType::Merge, patch);
  informer_.observe_write(reply);
  return reply;
}

nlohmann::json KubeResourceStore::add_finalizer(const nlohmann::json& object) {
  const auto patch = kube::add_finalizer_patch(object, kFinalizer);
  if (!patch) return object;
  nlohmann::json reply = client_.patch(object_path(object), kube::PatchType::Json, *patch);
  informer_.observe_write(reply);
  return reply;
}

void KubeResourceStore::remove_finalizer(const nlohmann::json& object) {
  const auto patch = kube::remove_finalizer_patch(object, kFinalizer);
  if (!patch) return;
  try {
    informer_.observe_write(client_.patch(object_path(object), kube::PatchType::Json, *patch));
  } catch (const kube::StatusError& error) {
    if (!error.not_found()) throw;
    informer_.observe_deleted(kube::object_key(object));
  }
}

void KubeResourceStore::record_event(const nlohmann::json& object, EventKind kind, const std::string& reason,
                                     const std::string& message) {
  try {
    events_.record(object, kind == EventKind::Warning ? kube::EventType::Warning : kube::EventType::Normal,
                   reason, message);
  } catch (const std::exception&) {
    // The recorder logs and swallows its own failures; an Event is never worth failing a reconcile for.
  }
}

}  // namespace zpo::port
