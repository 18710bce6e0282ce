#pragma once
// A cache of one resource kind kept current by list+watch, as client-go's reflector and informer do: list,
// then watch from the list's resourceVersion with bookmarks; a dropped watch resumes from the last
// resourceVersion seen; 410 Expired (as a status or an ERROR event) re-lists; other failures back off
// (capped, jittered) and retry. Every add, update and delete calls the change handler with the object's key
// ("namespace/name"). With a label selector only the matching objects are listed and watched (the server
// filters: an object relabelled out of the selector arrives as DELETED), so several operators can split a
// collection between them.

#include <atomic>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "kube/informer_cache.hpp"
#include "kube/label_selector.hpp"
#include "kube/log_sink.hpp"
#include "kube/rest_client.hpp"

namespace zpo::kube {

struct InformerOptions {
  // The collection: "/apis/sdn.zenlayer.com/v1alpha1/zenlayerports" (all namespaces) or
  // "/apis/sdn.zenlayer.com/v1alpha1/namespaces/NS/zenlayerports".
  std::string collection_path{};
  LabelSelector label_selector{};           // sent as labelSelector on every list and watch; default: all
  std::size_t list_page_size = 500;         // limit/continue paging of the initial list
  std::chrono::seconds watch_timeout{300};  // timeoutSeconds sent with each watch (jittered by the server)
  LogSink log = stderr_log_sink();          // list and watch failures, re-lists
};

class Informer {
 public:
  using ChangeHandler = std::function<void(const std::string& key)>;

  Informer(RestClient& client, InformerOptions options);

  // Set before run(); called from run()'s thread.
  void on_change(ChangeHandler handler);

  // Blocks until `stop`: list, watch, resume, re-list. Never throws for server or network failures (it logs
  // them and retries with backoff).
  void run(const std::stop_token& stop);

  // True once the first list has completed.
  bool has_synced() const;

  std::optional<nlohmann::json> get(const std::string& key) const;
  // The cached object's resourceVersion, without parsing the object (nullopt: not cached).
  std::optional<std::uint64_t> resource_version(const std::string& key) const;
  std::vector<std::string> keys() const;

  // Write-through: our own write's reply (or a 404 after a delete) updates the cache at once, so the next
  // reconcile never acts on an object older than what we wrote. Ignored when the cache already holds the same
  // or a newer resourceVersion (compared as integers). An object our write shows outside the label selector
  // (relabelled meanwhile) is no longer ours: it leaves the cache as the watch's DELETED would take it out.
  // Returns whether the write was news to the cache: false when the watch brought this version (or a newer
  // one) first, and then the watch's event, not the write, was what told the handler.
  bool observe_write(const nlohmann::json& object);
  void observe_deleted(const std::string& key);

  std::size_t relists() const;  // how many times the cache was re-listed after the first list

 private:
  enum class WatchEnd { Resume, Relist, Failed, Stopped };
  // Lists every page; returns the list's resourceVersion, or nullopt when `stop` came first.
  std::optional<std::string> list_and_replace(const std::stop_token& stop);
  // One watch request from `resource_version_` until the stream ends; `healthy` tells whether it was worth
  // resetting the backoff (events arrived or it lasted a while).
  WatchEnd watch_once(const std::stop_token& stop, bool& healthy);
  void handle_event(const WatchEvent& event, bool& relist, bool& failed);
  // `path` with the labelSelector query parameter, when there is a selector.
  std::string with_selector(const std::string& path) const;
  void notify(const std::string& key) const;
  void log(std::string_view level, std::string_view message, LogFields fields) const;

  RestClient& client_;
  InformerOptions options_;
  ChangeHandler handler_;
  detail::InformerCache cache_;
  std::string resource_version_;  // run()'s thread only: where the next watch resumes
  std::atomic<bool> synced_{false};
  std::atomic<std::size_t> relists_{0};
};

// "namespace/name" (or "name" for cluster-scoped objects) from an object's metadata.
std::string object_key(const nlohmann::json& object);

}  // namespace zpo::kube
