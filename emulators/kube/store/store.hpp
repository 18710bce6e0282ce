#pragma once
// The emulator's object store: every resource type, one global resourceVersion, the object lifecycle rules of
// a real apiserver (kube-api-emulation.md section 3), and watches over a bounded event history. Thread-safe:
// HTTP handler threads call it concurrently. Knows nothing of HTTP.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "resource_type.hpp"
#include "status_error.hpp"

namespace kubeemu {

enum class PatchType { Merge, Json, Apply, Strategic };
enum class FieldValidation { Ignore, Warn, Strict };

struct WriteOptions {
  bool dry_run = false;
  std::string field_manager;
  FieldValidation field_validation = FieldValidation::Ignore;
  bool force = false;  // server-side apply
};

struct WriteResult {
  json object;                        // the stored object (or, for a DELETE that removed it, a Status)
  int http_code = 200;                // 200, or 201 for a create (also a server-side apply that created)
  std::vector<std::string> warnings;  // e.g. unknown fields under fieldValidation=Warn
};

struct ListOptions {
  std::string label_selector;    // equality- and set-based, as kubectl sends it
  std::string field_selector;    // metadata.name, metadata.namespace, and other dotted paths; =, ==, !=
  int64_t limit = 0;             // 0: no limit
  std::string continue_token;    // from a previous page's metadata.continue
  std::string resource_version;  // list: accepted and ignored (always the latest); watch: start point
  bool allow_bookmarks = false;  // watch only
};

struct WatchEvent {
  std::string type;  // ADDED, MODIFIED, DELETED, BOOKMARK, ERROR
  json object;
};

// A watch event whose object is the stored one, shared rather than copied: the HTTP thread only encodes it,
// so a copy per event and watcher would be work for nothing (2-3% of the server's CPU at 10,000 ports).
struct SharedWatchEvent {
  std::string type;
  std::shared_ptr<const json> object;
};

class Store;

// One open watch. Events are queued from the store's writers; the HTTP thread drains them.
class Watch {
 public:
  struct Impl;  // the queue and filter the store's writers fill (watch_impl.hpp)
  explicit Watch(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

  // The next event, waiting up to `wait`. A BOOKMARK (carrying only kind, apiVersion and
  // metadata.resourceVersion) is returned when bookmarks were asked for, `wait` is not zero and nothing
  // happened within it. nullopt: nothing to send yet, or the watch was stopped. After an ERROR event (a
  // watcher that fell too far behind) the watch is stopped.
  std::optional<WatchEvent> next(std::chrono::milliseconds wait);
  // next(), without copying the object.
  std::optional<SharedWatchEvent> take(std::chrono::milliseconds wait);
  // Ends the watch; next() returns nullopt from then on.
  void stop();
  bool stopped() const;

 private:
  std::shared_ptr<Impl> impl_;
};

class Store {
 public:
  // history_limit: how many events the store keeps for watches that resume from an older resourceVersion.
  // watch_queue_limit: how many undelivered events one watch may hold before it is ended with a 410 ERROR
  // event (the real server drops watchers that fall behind rather than slowing its writers down).
  explicit Store(std::size_t history_limit = 10000, std::size_t watch_queue_limit = 100000);
  ~Store();

  // Registers a type before serving it. Namespaces default, kube-system, kube-public and kube-node-lease
  // exist from the start when the core `namespaces` type is registered.
  void register_type(const ResourceType& type);
  const ResourceType* find_type(const std::string& group, const std::string& version,
                                const std::string& plural) const;
  std::vector<ResourceType> types() const;

  // ns is "" for cluster-scoped types (and for a namespaced list or watch across all namespaces).
  WriteResult create(const ResourceType& t, const std::string& ns, json object, const WriteOptions& opts);
  json get(const ResourceType& t, const std::string& ns, const std::string& name) const;
  json list(const ResourceType& t, const std::string& ns, const ListOptions& opts) const;
  // subresource "" or "status". A PUT must carry metadata.resourceVersion; a PATCH may (a precondition).
  WriteResult update(const ResourceType& t, const std::string& ns, const std::string& name, json object,
                     const std::string& subresource, const WriteOptions& opts);
  WriteResult patch(const ResourceType& t, const std::string& ns, const std::string& name, PatchType type,
                    const std::string& body, const std::string& subresource, const WriteOptions& opts);
  // delete_options: a DeleteOptions object (may be empty): preconditions, propagationPolicy, dryRun.
  // Deleting a Namespace marks it Terminating, deletes everything in it, and removes it once it is empty.
  WriteResult remove(const ResourceType& t, const std::string& ns, const std::string& name,
                     const json& delete_options, const WriteOptions& opts);
  WriteResult remove_collection(const ResourceType& t, const std::string& ns, const ListOptions& opts,
                                const WriteOptions& wopts);

  // Opens a watch. resource_version "" or "0": synthetic ADDED events for the current objects first, then
  // changes; a known RV: every change after it; an RV older than the history: throws 410 Expired
  // ("too old resource version: N (M)"); an RV newer than the store's: throws 504 Timeout after ~3 s.
  Watch watch(const ResourceType& t, const std::string& ns, const ListOptions& opts);

  uint64_t resource_version() const;
  std::size_t object_count() const;
  // Stops every open watch (fault injection "close watches", shutdown).
  void stop_all_watches();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kubeemu
