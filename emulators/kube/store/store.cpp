// The store's state, its primitive writes, and the operations that only add or read: register, create, get,
// list.
#include <algorithm>

#include "continue_token.hpp"
#include "object_meta.hpp"
#include "store_impl.hpp"

namespace kubeemu {

std::string meta_string(const json& object, const char* field) {
  const auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return "";
  const auto it = meta->find(field);
  return it != meta->end() && it->is_string() ? it->get<std::string>() : "";
}

bool has_finalizers(const json& object) {
  const auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return false;
  const auto it = meta->find("finalizers");
  return it != meta->end() && it->is_array() && !it->empty();
}

bool is_deleting(const json& object) {
  return !meta_string(object, "deletionTimestamp").empty();
}

void check_metadata_shape(const json& meta) {
  const auto fail = [](const std::string& field, const char* want) {
    throw StatusError::bad_request("metadata." + field + ": must be " + want);
  };
  if (!meta.is_object()) fail("", "an object");
  for (const char* field : {"name", "generateName", "namespace", "resourceVersion", "uid",
                            "creationTimestamp", "deletionTimestamp"}) {
    auto it = meta.find(field);
    if (it != meta.end() && !it->is_null() && !it->is_string()) fail(field, "a string");
  }
  for (const char* field : {"labels", "annotations"}) {
    auto it = meta.find(field);
    if (it == meta.end() || it->is_null()) continue;
    if (!it->is_object()) fail(field, "a map of strings");
    for (const auto& value : *it) {
      if (!value.is_string()) fail(field, "a map of strings");
    }
  }
  auto it = meta.find("finalizers");
  if (it != meta.end() && !it->is_null()) {
    if (!it->is_array()) fail("finalizers", "a list of strings");
    for (const auto& value : *it) {
      if (!value.is_string()) fail("finalizers", "a list of strings");
    }
  }
}

void check_type_identity(const ResourceType& t, json& object) {
  const auto check = [&](const char* field, const std::string& expected, const char* what) {
    auto it = object.find(field);
    if (it == object.end() || it->is_null() || (it->is_string() && it->get<std::string>().empty())) {
      object[field] = expected;
    } else if (!it->is_string() || it->get<std::string>() != expected) {
      throw StatusError::bad_request(std::string("the ") + what + " in the data (" +
                                     (it->is_string() ? it->get<std::string>() : it->dump()) +
                                     ") does not match the expected " + what + " (" + expected + ")");
    }
  };
  check("apiVersion", t.group_version(), "API version");
  check("kind", t.kind, "kind");
}

json present(const ResourceType& t, const json& object) {
  json out = object;
  if (out.value("apiVersion", "") != t.group_version()) out["apiVersion"] = t.group_version();
  return out;
}

std::vector<std::string> admit(const ResourceType& t, const std::string& name, json& object,
                               const WriteOptions& opts, std::vector<FieldCause> causes) {
  std::vector<std::string> warnings;
  if (t.admit) {
    Admission admission = t.admit(object);
    if (!admission.unknown_fields.empty() && opts.field_validation == FieldValidation::Strict) {
      std::string message = "strict decoding error: ";
      for (std::size_t i = 0; i < admission.unknown_fields.size(); ++i) {
        message += (i > 0 ? ", unknown field \"" : "unknown field \"") + admission.unknown_fields[i] + "\"";
      }
      throw StatusError::bad_request(message);
    }
    if (opts.field_validation == FieldValidation::Warn) {
      for (const auto& field : admission.unknown_fields)
        warnings.push_back("unknown field \"" + field + "\"");
    }
    causes.insert(causes.end(), admission.causes.begin(), admission.causes.end());
  }
  if (!causes.empty()) throw StatusError::invalid(t, name, causes);
  return warnings;
}

// ---- state and primitive writes ----

Collection& Store::Impl::collection(const ResourceType& t) {
  auto it = collections.find(t.group + "/" + t.plural);
  if (it == collections.end()) {
    throw StatusError(404, "NotFound", "the server could not find the requested resource");
  }
  return it->second;
}

const Collection& Store::Impl::collection(const ResourceType& t) const {
  return const_cast<Store::Impl*>(this)->collection(t);
}

uint64_t Store::Impl::next_rv() {
  return ++rv;
}

ObjectPtr Store::Impl::put(Collection& c, json object, EventType type) {
  ObjectKey key{meta_string(object, "namespace"), meta_string(object, "name")};
  auto stored = std::make_shared<const json>(std::move(object));
  auto [it, inserted] = c.objects.try_emplace(key, stored);
  ObjectPtr previous;
  if (inserted) {
    if (c.type->namespaced) ++namespace_population[key.first];
  } else {
    previous = std::exchange(it->second, stored);
  }
  record(c, type, stored, std::move(previous));
  return stored;
}

void Store::Impl::erase(Collection& c, const ObjectKey& key, json final_state) {
  c.objects.erase(key);
  record(c, EventType::Deleted, std::make_shared<const json>(std::move(final_state)), nullptr);
  if (c.type->namespaced) {
    auto it = namespace_population.find(key.first);
    if (it != namespace_population.end() && --it->second == 0) {
      namespace_population.erase(it);
      finish_namespace_if_empty(key.first);
    }
  }
}

void Store::Impl::check_namespace_accepts(const ResourceType& t, const std::string& ns,
                                          const std::string& name) {
  if (namespace_type == nullptr || !t.namespaced) return;
  const Collection& namespaces = collection(*namespace_type);
  auto it = namespaces.objects.find({"", ns});
  if (it == namespaces.objects.end()) {
    throw StatusError(404, "NotFound", "namespaces \"" + ns + "\" not found",
                      json{{"name", ns}, {"kind", "namespaces"}});
  }
  if (is_deleting(*it->second)) {
    const std::string why =
        "unable to create new content in namespace " + ns + " because it is being terminated";
    throw StatusError(403, "Forbidden", t.qualified_resource() + " \"" + name + "\" is forbidden: " + why,
                      json{{"name", name},
                           {"group", t.group},
                           {"kind", t.plural},
                           {"causes", json::array({{{"reason", "NamespaceTerminating"},
                                                    {"message", "namespace " + ns + " is being terminated"},
                                                    {"field", "metadata.namespace"}}})}});
  }
}

void Store::Impl::create_initial_namespaces(const ResourceType& namespaces) {
  for (const char* name : {"default", "kube-node-lease", "kube-public", "kube-system"}) {
    create(namespaces, "", json{{"metadata", {{"name", name}}}}, WriteOptions{});
  }
}

// ---- operations ----

WriteResult Store::Impl::create(const ResourceType& t, const std::string& url_ns, json object,
                                const WriteOptions& opts) {
  if (!object.is_object()) throw StatusError::bad_request("the body of the request must be a JSON object");
  check_type_identity(t, object);
  json& meta = object["metadata"];
  if (meta.is_null()) meta = json::object();
  check_metadata_shape(meta);

  // The namespace comes from the URL; a different one in the body is refused, a cluster-scoped object has
  // none.
  std::string ns;
  if (t.namespaced) {
    const std::string body_ns = meta_string(object, "namespace");
    if (!url_ns.empty() && !body_ns.empty() && body_ns != url_ns) {
      throw StatusError::bad_request(
          "the namespace of the provided object does not match the namespace sent on the request");
    }
    ns = url_ns.empty() ? body_ns : url_ns;
    if (ns.empty()) throw StatusError::bad_request("a namespace is required to create a namespaced resource");
    meta["namespace"] = ns;
  } else {
    meta.erase("namespace");
  }

  std::string name = meta_string(object, "name");
  const std::string generate_name = meta_string(object, "generateName");
  if (name.empty() && !generate_name.empty()) name = generated_name(generate_name);
  std::vector<FieldCause> causes;
  if (name.empty()) {
    causes.push_back(
        {"FieldValueRequired", "Required value: name or generateName is required", "metadata.name"});
  } else {
    meta["name"] = name;
    causes = name_causes(name, is_namespace_type(t));
  }

  // Server-set fields (rest.BeforeCreate and the CR strategy's PrepareForCreate).
  const bool client_set_rv = !meta_string(object, "resourceVersion").empty();
  meta.erase("resourceVersion");
  meta["uid"] = new_uid();
  meta["creationTimestamp"] = rfc3339_now();
  meta.erase("deletionTimestamp");
  meta.erase("deletionGracePeriodSeconds");
  if (t.is_crd || t.has_generation) meta["generation"] = 1;
  if (is_namespace_type(t)) {
    // What the namespace strategy and admission put on every namespace.
    meta["labels"]["kubernetes.io/metadata.name"] = name;
    if (!object.contains("spec") || !object["spec"].is_object()) object["spec"] = json::object();
    object["spec"]["finalizers"] = json::array({"kubernetes"});
    object["status"] = {{"phase", "Active"}};
  } else if (t.has_status) {
    object.erase("status");
  }

  std::vector<std::string> warnings = admit(t, name, object, opts, {});
  check_namespace_accepts(t, ns, name);
  if (!causes.empty()) throw StatusError::invalid(t, name, causes);
  if (client_set_rv)
    throw StatusError::internal("resourceVersion should not be set on objects to be created");
  Collection& c = collection(t);
  if (c.objects.count({ns, name})) throw StatusError::already_exists(t, name);
  if (opts.dry_run) return {std::move(object), 201, std::move(warnings)};

  object["metadata"]["resourceVersion"] = std::to_string(next_rv());
  ObjectPtr stored = put(c, std::move(object), EventType::Added);
  return {present(t, *stored), 201, std::move(warnings)};
}

Store::Store(std::size_t history_limit, std::size_t watch_queue_limit)
    : impl_(std::make_unique<Impl>(std::max<std::size_t>(history_limit, 1),
                                   std::max<std::size_t>(watch_queue_limit, 1))) {}

Store::~Store() {
  stop_all_watches();
}

void Store::register_type(const ResourceType& type) {
  std::lock_guard lock(impl_->mu);
  auto [it, inserted] = impl_->types.insert_or_assign({type.group, type.version, type.plural}, type);
  Collection& c = impl_->collections[type.group + "/" + type.plural];
  if (c.type == nullptr) c.type = &it->second;
  if (impl_->is_namespace_type(type) && impl_->namespace_type == nullptr) {
    impl_->namespace_type = &it->second;
    impl_->create_initial_namespaces(it->second);
  }
}

const ResourceType* Store::find_type(const std::string& group, const std::string& version,
                                     const std::string& plural) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->types.find({group, version, plural});
  return it == impl_->types.end() ? nullptr : &it->second;
}

std::vector<ResourceType> Store::types() const {
  std::lock_guard lock(impl_->mu);
  std::vector<ResourceType> out;
  for (const auto& [key, type] : impl_->types)
    out.push_back(type);
  return out;
}

WriteResult Store::create(const ResourceType& t, const std::string& ns, json object,
                          const WriteOptions& opts) {
  std::lock_guard lock(impl_->mu);
  return impl_->create(t, ns, std::move(object), opts);
}

json Store::get(const ResourceType& t, const std::string& ns, const std::string& name) const {
  std::lock_guard lock(impl_->mu);
  const Collection& c = impl_->collection(t);
  auto it = c.objects.find({t.namespaced ? ns : "", name});
  if (it == c.objects.end()) throw StatusError::not_found(t, name);
  return present(t, *it->second);
}

json Store::list(const ResourceType& t, const std::string& ns, const ListOptions& opts) const {
  const WatchFilter filter{t.namespaced ? ns : "", LabelSelector::parse(opts.label_selector),
                           FieldSelector::parse(opts.field_selector)};
  std::optional<ContinueToken> from;
  if (!opts.continue_token.empty()) from = decode_continue(opts.continue_token);
  const std::size_t limit = opts.limit > 0 ? static_cast<std::size_t>(opts.limit) : 0;

  std::lock_guard lock(impl_->mu);
  const Collection& c = impl_->collection(t);
  uint64_t list_rv = impl_->rv;
  if (from) {
    if (from->resource_version < impl_->history_start) {
      throw StatusError::gone_expired(
          "The provided continue parameter is too old to display a consistent list result. You can start a "
          "new "
          "list without the continue parameter.");
    }
    list_rv = from->resource_version;  // every page reports the first page's resourceVersion
  }
  auto it = from                ? c.objects.upper_bound({from->ns, from->name})
            : filter.ns.empty() ? c.objects.begin()
                                : c.objects.lower_bound({filter.ns, ""});
  json items = json::array();
  ObjectKey last;
  int64_t remaining = 0;
  for (; it != c.objects.end(); ++it) {
    if (!filter.ns.empty() && it->first.first != filter.ns) {
      if (it->first.first < filter.ns) continue;
      break;
    }
    if (!filter.matches(*it->second)) continue;
    if (limit > 0 && items.size() == limit) {
      ++remaining;
      continue;
    }
    items.push_back(present(t, *it->second));
    last = it->first;
  }
  json meta = {{"resourceVersion", std::to_string(list_rv)}};
  if (remaining > 0) {
    meta["continue"] = encode_continue({list_rv, last.first, last.second});
    meta["remainingItemCount"] = remaining;
  }
  return {{"kind", t.list_kind}, {"apiVersion", t.group_version()}, {"metadata", meta}, {"items", items}};
}

uint64_t Store::resource_version() const {
  std::lock_guard lock(impl_->mu);
  return impl_->rv;
}

std::size_t Store::object_count() const {
  std::lock_guard lock(impl_->mu);
  std::size_t n = 0;
  for (const auto& [key, c] : impl_->collections)
    n += c.objects.size();
  return n;
}

}  // namespace kubeemu
