// PUT and PATCH: both end in one update pipeline, so the status subresource, generation, finalizer and no-op
// rules are the same whichever way the new object was built.
#include <algorithm>

#include "object_meta.hpp"
#include "patching.hpp"
#include "store_impl.hpp"
#include "strategic_merge.hpp"

namespace kubeemu {
namespace {

const char* const kServerSetFields[] = {
    "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "namespace"};

void restore_field(json& next_meta, const json& old_meta, const char* field) {
  auto it = old_meta.find(field);
  if (it == old_meta.end()) {
    next_meta.erase(field);
  } else {
    next_meta[field] = *it;
  }
}

// Keeps `old`'s top-level field in `next` (or its absence).
void keep_top_level(json& next, const json& old, const char* field) {
  auto it = old.find(field);
  if (it == old.end()) {
    next.erase(field);
  } else {
    next[field] = *it;
  }
}

std::vector<std::string> finalizers_of(const json& object) {
  std::vector<std::string> out;
  const json& meta = object["metadata"];
  auto it = meta.find("finalizers");
  if (it == meta.end() || !it->is_array()) return out;
  for (const auto& f : *it)
    out.push_back(f.get<std::string>());
  return out;
}

// Whether anything but metadata (and, with a status subresource, status) differs: what bumps generation.
// Compared field by field, so the large objects are never copied.
bool spec_changed(const json& next, const json& old, bool ignore_status) {
  const auto has_field_not_in = [&](const json& a, const json& b) {
    for (auto it = a.begin(); it != a.end(); ++it) {
      // apiVersion differs when another served version writes the object; that is not a change either.
      if (it.key() == "metadata" || it.key() == "apiVersion" || (ignore_status && it.key() == "status"))
        continue;
      auto other = b.find(it.key());
      if (other == b.end() || *other != *it) return true;
    }
    return false;
  };
  return has_field_not_in(next, old) || has_field_not_in(old, next);
}

}  // namespace

WriteResult Store::Impl::update(const ResourceType& t, const std::string& ns, const std::string& name,
                                json object, const std::string& subresource, const WriteOptions& opts,
                                Verb verb) {
  const bool status_only = subresource == "status";
  if (!subresource.empty() && !(status_only && (t.has_status || is_namespace_type(t)))) {
    throw StatusError(404, "NotFound", "the server could not find the requested resource");
  }
  if (!object.is_object()) throw StatusError::bad_request("the body of the request must be a JSON object");
  check_type_identity(t, object);
  if (object["metadata"].is_null()) object["metadata"] = json::object();
  check_metadata_shape(object["metadata"]);
  const std::string body_name = meta_string(object, "name");
  if (body_name != name) {
    throw StatusError::bad_request("the name of the object (" + body_name +
                                   ") does not match the name on the URL (" + name + ")");
  }
  const std::string body_ns = meta_string(object, "namespace");
  if (t.namespaced && !body_ns.empty() && body_ns != ns) {
    throw StatusError::bad_request("the namespace of the object (" + body_ns +
                                   ") does not match the namespace on the URL (" + ns + ")");
  }

  Collection& c = collection(t);
  const ObjectKey key{t.namespaced ? ns : "", name};
  auto it = c.objects.find(key);
  if (it == c.objects.end()) throw StatusError::not_found(t, name);
  const ObjectPtr old_ptr = it->second;
  const json& old = *old_ptr;
  const std::string old_rv = meta_string(old, "resourceVersion");
  const std::string body_rv = meta_string(object, "resourceVersion");
  // Custom resources refuse unconditional updates (AllowUnconditionalUpdate=false); a PATCH is conditional
  // only when it sets a resourceVersion.
  if (verb == Verb::Update && body_rv.empty()) {
    throw StatusError::invalid(t, name,
                               {{"FieldValueInvalid", "Invalid value: 0x0: must be specified for an update",
                                 "metadata.resourceVersion"}});
  }
  if (!body_rv.empty() && body_rv != old_rv) throw StatusError::modified_conflict(t, name);

  std::vector<FieldCause> causes;
  json next;
  if (status_only) {
    // The status subresource takes only status from the request; everything else stays as stored.
    next = old;
    keep_top_level(next, object, "status");
  } else {
    next = std::move(object);
    json& meta = next["metadata"];
    const std::string uid = meta_string(next, "uid");
    if (!uid.empty() && uid != meta_string(old, "uid")) {
      causes.push_back(
          {"FieldValueInvalid", "Invalid value: \"" + uid + "\": field is immutable", "metadata.uid"});
    }
    for (const char* field : kServerSetFields)
      restore_field(meta, old["metadata"], field);
    if (t.has_status || is_namespace_type(t)) keep_top_level(next, old, "status");
  }
  next["metadata"]["resourceVersion"] = old_rv;

  if (is_deleting(old)) {
    const std::vector<std::string> before = finalizers_of(old);
    std::vector<std::string> added;
    for (const auto& f : finalizers_of(next)) {
      if (std::find(before.begin(), before.end(), f) == before.end()) added.push_back(f);
    }
    if (!added.empty()) {
      causes.push_back({"FieldValueForbidden",
                        "Forbidden: no new finalizers can be added if the object is being deleted, found new "
                        "finalizers " +
                            go_string_slice(added),
                        "metadata.finalizers"});
    }
  }

  if (t.admit_update && !status_only) t.admit_update(next, old, causes);
  std::vector<std::string> warnings = admit(t, name, next, opts, std::move(causes));
  if ((t.is_crd || t.has_generation) && !status_only && spec_changed(next, old, t.has_status)) {
    next["metadata"]["generation"] = old["metadata"].value("generation", int64_t{0}) + 1;
  }
  // A write that changes nothing stores nothing: same resourceVersion, no watch event.
  if (next == old) return {present(t, old), 200, std::move(warnings)};
  if (opts.dry_run) return {present(t, next), 200, std::move(warnings)};

  next["metadata"]["resourceVersion"] = std::to_string(next_rv());
  // The last finalizer gone from an object being deleted: it is deleted now (a namespace only once empty).
  const bool finalized = is_deleting(next) && !has_finalizers(next) &&
                         (!is_namespace_type(t) || namespace_population.count(name) == 0);
  if (finalized) {
    json final_state = next;
    erase(c, key, std::move(next));
    return {present(t, final_state), 200, std::move(warnings)};
  }
  ObjectPtr stored = put(c, std::move(next), EventType::Modified);
  return {present(t, *stored), 200, std::move(warnings)};
}

WriteResult Store::update(const ResourceType& t, const std::string& ns, const std::string& name, json object,
                          const std::string& subresource, const WriteOptions& opts) {
  std::lock_guard lock(impl_->mu);
  return impl_->update(t, ns, name, std::move(object), subresource, opts, Impl::Verb::Update);
}

WriteResult Store::patch(const ResourceType& t, const std::string& ns, const std::string& name,
                         PatchType type, const std::string& body, const std::string& subresource,
                         const WriteOptions& opts) {
  if (type == PatchType::Strategic && t.is_crd) {
    // negotiation.NewUnsupportedMediaTypeError; kubectl itself prefixes "<type> is not supported by <GVK>: ".
    throw StatusError::unsupported_media_type(
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
  }
  if (type == PatchType::Apply && opts.field_manager.empty()) {
    // As ValidatePatchOptions reports it.
    throw StatusError(
        422, "Invalid",
        "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for "
        "apply patch",
        json{{"group", "meta.k8s.io"},
             {"kind", "PatchOptions"},
             {"causes", json::array({{{"reason", "FieldValueRequired"},
                                      {"message", "Required value: is required for apply patch"},
                                      {"field", "fieldManager"}}})}});
  }

  std::lock_guard lock(impl_->mu);
  Collection& c = impl_->collection(t);
  auto it = c.objects.find({t.namespaced ? ns : "", name});
  if (it == c.objects.end()) {
    if (type != PatchType::Apply || !subresource.empty()) throw StatusError::not_found(t, name);
    // Server-side apply upserts: the applied configuration becomes a new object.
    json applied = parse_apply_body(body);
    if (applied["metadata"].is_null()) applied["metadata"] = json::object();
    check_metadata_shape(applied["metadata"]);
    const std::string applied_name = meta_string(applied, "name");
    if (!applied_name.empty() && applied_name != name) {
      throw StatusError::bad_request("the name of the object (" + applied_name +
                                     ") does not match the name on the URL (" + name + ")");
    }
    applied["metadata"]["name"] = name;
    return impl_->create(t, ns, std::move(applied), opts);
  }

  const json& old = *it->second;
  json patched;
  switch (type) {
    case PatchType::Merge:
      patched = apply_merge_patch(old, body);
      break;
    case PatchType::Strategic:  // built-in kinds only (refused above for custom resources)
      patched = apply_strategic_merge_patch(old, body, t.merge_keys);
      break;
    case PatchType::Json:
      patched = apply_json_patch(old, body);
      break;
    case PatchType::Apply:
      // Without field ownership, applying merges the applied fields into the live object and never conflicts.
      patched = old;
      patched.merge_patch(parse_apply_body(body));
      break;
  }
  return impl_->update(t, ns, name, std::move(patched), subresource, opts, Impl::Verb::Patch);
}

}  // namespace kubeemu
