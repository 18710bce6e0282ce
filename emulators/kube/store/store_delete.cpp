// DELETE: immediate removal, or marking for deletion while finalizers remain; namespaces take their content
// with them.
#include "object_meta.hpp"
#include "store_impl.hpp"

namespace kubeemu {
namespace {

bool dry_run_requested(const json& delete_options) {
  auto it = delete_options.find("dryRun");
  if (it == delete_options.end() || !it->is_array()) return false;
  for (const auto& v : *it) {
    if (v == "All") return true;
  }
  return false;
}

// DeleteOptions.preconditions: uid and resourceVersion must match the stored object (409 otherwise).
void check_preconditions(const ResourceType& t, const std::string& name, const json& delete_options,
                         const json& object) {
  auto pre = delete_options.find("preconditions");
  if (pre == delete_options.end() || !pre->is_object()) return;
  const auto check = [&](const char* field, const char* label) {
    auto it = pre->find(field);
    if (it == pre->end() || !it->is_string()) return;
    const std::string have = meta_string(object, field);
    if (it->get<std::string>() != have) {
      throw StatusError::conflict(t, name,
                                  std::string("Precondition failed: ") + label + " in precondition: " +
                                      it->get<std::string>() + ", " + label + " in object meta: " + have);
    }
  };
  check("uid", "UID");
  check("resourceVersion", "ResourceVersion");
}

// What a DELETE that removed the object answers (finalizeDelete of a store without ReturnDeletedObject).
json success_status(const ResourceType& t, const json& object) {
  json details = {{"name", meta_string(object, "name")}};
  if (!t.group.empty()) details["group"] = t.group;
  details["kind"] = t.plural;
  details["uid"] = meta_string(object, "uid");
  return {{"kind", "Status"},
          {"apiVersion", "v1"},
          {"metadata", json::object()},
          {"status", "Success"},
          {"details", details}};
}

// markAsDeleting: deletionTimestamp now, no grace period, and a new generation for objects that track one.
json marked_for_deletion(const json& object) {
  json next = object;
  json& meta = next["metadata"];
  meta["deletionTimestamp"] = rfc3339_now();
  meta["deletionGracePeriodSeconds"] = 0;
  if (meta.contains("generation") && meta["generation"].is_number_integer()) {
    meta["generation"] = meta["generation"].get<int64_t>() + 1;
  }
  return next;
}

}  // namespace

WriteResult Store::Impl::remove(const ResourceType& t, const std::string& ns, const std::string& name,
                                const json& delete_options, bool dry_run) {
  if (!delete_options.is_null() && !delete_options.is_object()) {
    throw StatusError::bad_request("the body of a DELETE must be a DeleteOptions object");
  }
  const json options = delete_options.is_object() ? delete_options : json::object();
  dry_run = dry_run || dry_run_requested(options);
  Collection& c = collection(t);
  const ObjectKey key{t.namespaced ? ns : "", name};
  auto it = c.objects.find(key);
  if (it == c.objects.end()) throw StatusError::not_found(t, name);
  const ObjectPtr old = it->second;
  check_preconditions(t, name, options, *old);

  if (is_namespace_type(t)) {
    // The NamespaceLifecycle admission plugin keeps the system namespaces.
    if (name == "default" || name == "kube-system" || name == "kube-public") {
      throw StatusError(403, "Forbidden",
                        "namespaces \"" + name + "\" is forbidden: this namespace may not be deleted",
                        json{{"name", name}, {"kind", "namespaces"}});
    }
    return terminate_namespace(c, key, dry_run);
  }
  if (has_finalizers(*old)) {
    // Deletion waits for the finalizers' owners; deleting again changes nothing.
    if (is_deleting(*old)) return {present(t, *old), 200, {}};
    json next = marked_for_deletion(*old);
    if (dry_run) return {present(t, next), 200, {}};
    next["metadata"]["resourceVersion"] = std::to_string(next_rv());
    ObjectPtr stored = put(c, std::move(next), EventType::Modified);
    return {present(t, *stored), 200, {}};
  }
  if (!dry_run) {
    json final_state = *old;
    final_state["metadata"]["resourceVersion"] = std::to_string(next_rv());
    erase(c, key, std::move(final_state));
  }
  return {success_status(t, *old), 200, {}};
}

WriteResult Store::Impl::terminate_namespace(Collection& namespaces, const ObjectKey& key, bool dry_run) {
  const ResourceType& t = *namespace_type;
  const ObjectPtr old = namespaces.objects.at(key);
  if (is_deleting(*old)) return {present(t, *old), 200, {}};
  json next = marked_for_deletion(*old);
  next["status"]["phase"] = "Terminating";
  if (dry_run) return {present(t, next), 200, {}};
  next["metadata"]["resourceVersion"] = std::to_string(next_rv());
  const json terminating = *put(namespaces, std::move(next), EventType::Modified);

  // The namespace controller's job, done at once: delete everything in the namespace. Objects with finalizers
  // stay (marked) until their owners remove the finalizers; the last one to go takes the namespace with it.
  const std::string& ns = key.second;
  for (auto& [resource, c] : collections) {
    if (!c.type->namespaced) continue;
    std::vector<ObjectKey> keys;
    for (auto it = c.objects.lower_bound({ns, ""}); it != c.objects.end() && it->first.first == ns; ++it) {
      keys.push_back(it->first);
    }
    for (const auto& k : keys)
      remove(*c.type, k.first, k.second, json::object(), false);
  }
  finish_namespace_if_empty(ns);
  return {present(t, terminating), 200, {}};
}

void Store::Impl::finish_namespace_if_empty(const std::string& ns) {
  if (namespace_type == nullptr || namespace_population.count(ns) != 0) return;
  Collection& namespaces = collection(*namespace_type);
  auto it = namespaces.objects.find({"", ns});
  if (it == namespaces.objects.end() || !is_deleting(*it->second) || has_finalizers(*it->second)) return;
  json final_state = *it->second;
  final_state["metadata"]["resourceVersion"] = std::to_string(next_rv());
  erase(namespaces, {"", ns}, std::move(final_state));
}

WriteResult Store::remove(const ResourceType& t, const std::string& ns, const std::string& name,
                          const json& delete_options, const WriteOptions& opts) {
  std::lock_guard lock(impl_->mu);
  return impl_->remove(t, ns, name, delete_options, opts.dry_run);
}

WriteResult Store::remove_collection(const ResourceType& t, const std::string& ns, const ListOptions& opts,
                                     const WriteOptions& wopts) {
  const WatchFilter filter{t.namespaced ? ns : "", LabelSelector::parse(opts.label_selector),
                           FieldSelector::parse(opts.field_selector)};
  std::lock_guard lock(impl_->mu);
  Collection& c = impl_->collection(t);
  std::vector<ObjectPtr> matching;
  for (const auto& [key, object] : c.objects) {
    if (filter.matches(*object)) matching.push_back(object);
  }
  // The list of what was deleted, each in the state the delete left it (marked, or its last state).
  json items = json::array();
  for (const auto& object : matching) {
    const std::string name = meta_string(*object, "name"), object_ns = meta_string(*object, "namespace");
    // Deleting one namespace never removes another, but stay safe if an earlier deletion took this one along.
    if (!c.objects.count({object_ns, name})) continue;
    WriteResult one = impl_->remove(t, object_ns, name, json::object(), wopts.dry_run);
    items.push_back(one.object.value("kind", "") == "Status" ? present(t, *object) : std::move(one.object));
  }
  json list = {{"kind", t.list_kind},
               {"apiVersion", t.group_version()},
               {"metadata", {{"resourceVersion", std::to_string(impl_->rv)}}},
               {"items", items}};
  return {std::move(list), 200, {}};
}

}  // namespace kubeemu
