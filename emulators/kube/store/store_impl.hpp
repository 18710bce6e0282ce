#pragma once
// Internal to the store: its state and the primitive writes every operation goes through. Everything here
// runs with `mu` held; a write bumps the one global resourceVersion, records exactly one history event and
// offers it to the resource's open watches, so the history's resourceVersions are contiguous.

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <tuple>
#include <utility>
#include <vector>

#include "store.hpp"
#include "watch_impl.hpp"

namespace kubeemu {

using ObjectKey = std::pair<std::string, std::string>;  // namespace ("" when cluster-scoped), name

// The objects of one resource (group + plural: every version of a type shares them) and its open watches.
struct Collection {
  const ResourceType* type = nullptr;  // the first version registered: scope, status subresource, CRD or not
  std::map<ObjectKey, ObjectPtr> objects;  // ordered as lists are: namespace, then name
  std::vector<std::weak_ptr<Watch::Impl>> watchers;
};

struct HistoryEvent {
  uint64_t rv;
  Collection* collection;
  EventType type;
  ObjectPtr object;  // the new state (DELETED: the last state, with this event's resourceVersion)
  ObjectPtr
      previous;  // MODIFIED: the state before, to tell watchers whose selector it stopped or started matching
  mutable ObjectPtr previous_at_rv;  // `previous` with this event's resourceVersion, made when first needed
};

struct Store::Impl {
  Impl(std::size_t history_limit, std::size_t watch_queue_limit)
      : history_limit(history_limit), watch_queue_limit(watch_queue_limit) {}

  // The collection of a registered type; 404 for a type never registered.
  Collection& collection(const ResourceType& t);
  const Collection& collection(const ResourceType& t) const;
  bool is_namespace_type(const ResourceType& t) const { return t.group.empty() && t.plural == "namespaces"; }

  // Primitive writes.
  uint64_t next_rv();
  // Stores `object` (which already carries its new resourceVersion) and records ADDED or MODIFIED.
  ObjectPtr put(Collection& c, json object, EventType type);
  // Removes the object, recording DELETED with `final_state` (which carries the new resourceVersion), then
  // removes its namespace if that was the last object of a terminating namespace.
  void erase(Collection& c, const ObjectKey& key, json final_state);
  void record(Collection& c, EventType type, ObjectPtr object, ObjectPtr previous);
  // Offers one event to one watch, turning it into what that watch's filter sees. False: the watch has ended.
  static bool deliver(Watch::Impl& w, const HistoryEvent& event);

  // Operations (public Store functions without the lock).
  WriteResult create(const ResourceType& t, const std::string& ns, json object, const WriteOptions& opts);
  enum class Verb { Update, Patch };
  WriteResult update(const ResourceType& t, const std::string& ns, const std::string& name, json object,
                     const std::string& subresource, const WriteOptions& opts, Verb verb);
  WriteResult remove(const ResourceType& t, const std::string& ns, const std::string& name,
                     const json& delete_options, bool dry_run);
  // Deleting a Namespace: Terminating, then everything in it deleted (each honouring its finalizers).
  WriteResult terminate_namespace(Collection& namespaces, const ObjectKey& key, bool dry_run);
  void finish_namespace_if_empty(const std::string& ns);
  // 404 when the namespace does not exist, 403 when it is terminating (only once namespaces are served).
  void check_namespace_accepts(const ResourceType& t, const std::string& ns, const std::string& name);
  void create_initial_namespaces(const ResourceType& namespaces);

  mutable std::mutex mu;
  std::condition_variable rv_advanced;  // watches from a future resourceVersion wait on it
  std::map<std::tuple<std::string, std::string, std::string>, ResourceType> types;  // group, version, plural
  std::map<std::string, Collection> collections;                                    // group/plural
  const ResourceType* namespace_type = nullptr;
  std::map<std::string, std::size_t>
      namespace_population;  // objects of namespaced resources in each namespace
  std::deque<HistoryEvent> history;
  const std::size_t history_limit;
  uint64_t history_start = 0;  // the history holds every event with rv > history_start
  const std::size_t watch_queue_limit;
  uint64_t rv = 0;
};

// Small helpers on object metadata shared by the operation files.
std::string meta_string(const json& object, const char* field);
bool has_finalizers(const json& object);
bool is_deleting(const json& object);
// Refuses (400) metadata whose fields have the wrong JSON types, as decoding into ObjectMeta would.
void check_metadata_shape(const json& metadata);
// Sets apiVersion and kind to the type's, refusing a body that names another (400).
void check_type_identity(const ResourceType& t, json& object);
// A copy of `object` as the type's version presents it.
json present(const ResourceType& t, const json& object);
// Runs the type's admission (prune, default, validate) on `object`. Unknown fields: 400 under Strict,
// warnings under Warn. `causes` (what the caller found, e.g. a bad name) plus the schema's: 422 Invalid.
std::vector<std::string> admit(const ResourceType& t, const std::string& name, json& object,
                               const WriteOptions& opts, std::vector<FieldCause> causes);

}  // namespace kubeemu
