#pragma once
// A cache of one resource kind kept current by list+watch, as client-go's reflector and informer do: list, then
// watch from the list's resourceVersion with bookmarks; a dropped watch resumes from the last resourceVersion
// seen; 410 Expired (as a status or an ERROR event) re-lists; other failures back off (capped, jittered) and
// retry. Every add, update and delete calls the change handler with the object's key ("namespace/name").

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "kube/rest_client.hpp"

namespace zpo::kube {

struct InformerOptions {
  // The collection: "/apis/sdn.zenlayer.com/v1alpha1/zenlayerports" (all namespaces) or
  // "/apis/sdn.zenlayer.com/v1alpha1/namespaces/NS/zenlayerports".
  std::string collection_path{};
  std::size_t list_page_size = 500;  // limit/continue paging of the initial list
  std::chrono::seconds watch_timeout{300};  // timeoutSeconds sent with each watch (jittered by the server)
};

class Informer {
 public:
  using ChangeHandler = std::function<void(const std::string& key)>;

  Informer(RestClient& client, InformerOptions options);

  // Set before run(); called from run()'s thread.
  void on_change(ChangeHandler handler);

  // Blocks until `stop`: list, watch, resume, re-list. Never throws for server or network failures (it logs them
  // and retries with backoff).
  void run(const std::stop_token& stop);

  // True once the first list has completed.
  bool has_synced() const;

  std::optional<nlohmann::json> get(const std::string& key) const;
  std::vector<std::string> keys() const;

  // Write-through: our own write's reply (or a 404 after a delete) updates the cache at once, so the next
  // reconcile never acts on an object older than what we wrote. Ignored when the cache already holds the same or
  // a newer resourceVersion (compared as integers).
  void observe_write(const nlohmann::json& object);
  void observe_deleted(const std::string& key);

  std::size_t relists() const;  // how many times the cache was re-listed after the first list
};

// "namespace/name" (or "name" for cluster-scoped objects) from an object's metadata.
std::string object_key(const nlohmann::json& object);

}  // namespace zpo::kube
