#pragma once
// ResourceTypes built directly for the store tests (no schema/ dependency): a namespaced custom resource with
// a status subresource shaped like ZenlayerPort, a cluster-scoped custom resource, core namespaces, and a
// built-in namespaced kind without status (like Leases).

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "status_error.hpp"
#include "store.hpp"

namespace kubeemu::testing {

// A small stand-in for schema admission: spec and status accept only known fields (others are pruned and
// reported), spec.deletionPolicy is an enum, status.phase must be a string.
inline Admission admit_port(json& object) {
  Admission out;
  const auto prune = [&](const char* section, const std::set<std::string>& known) {
    if (!object.contains(section) || !object[section].is_object()) return;
    json& node = object[section];
    for (auto it = node.begin(); it != node.end();) {
      if (known.count(it.key())) {
        ++it;
      } else {
        out.unknown_fields.push_back(std::string(section) + "." + it.key());
        it = node.erase(it);
      }
    }
  };
  prune("spec", {"portId", "deletionPolicy", "bandwidthMbps", "tags"});
  prune("status", {"phase", "portStatus", "observedGeneration", "conditions"});
  if (object.contains("spec") && object["spec"].contains("deletionPolicy")) {
    const json& p = object["spec"]["deletionPolicy"];
    if (p != "Delete" && p != "RecycleBin" && p != "Orphan") {
      out.causes.push_back(
          {"FieldValueNotSupported",
           "Unsupported value: " + p.dump() + ": supported values: \"Delete\", \"RecycleBin\", \"Orphan\"",
           "spec.deletionPolicy"});
    }
  }
  if (object.contains("status") && object["status"].contains("phase") &&
      !object["status"]["phase"].is_string()) {
    out.causes.push_back(
        {"FieldValueTypeInvalid",
         "Invalid value: \"integer\": status.phase in body must be of type string: \"integer\"",
         "status.phase"});
  }
  return out;
}

inline ResourceType port_type() {
  ResourceType t;
  t.group = "sdn.zenlayer.com";
  t.version = "v1alpha1";
  t.kind = "ZenlayerPort";
  t.list_kind = "ZenlayerPortList";
  t.plural = "zenlayerports";
  t.singular = "zenlayerport";
  t.namespaced = true;
  t.has_status = true;
  t.is_crd = true;
  t.admit = admit_port;
  return t;
}

inline ResourceType cluster_type() {
  ResourceType t;
  t.group = "example.com";
  t.version = "v1";
  t.kind = "Region";
  t.list_kind = "RegionList";
  t.plural = "regions";
  t.singular = "region";
  t.namespaced = false;
  t.is_crd = true;
  return t;
}

inline ResourceType namespace_type() {
  ResourceType t;
  t.version = "v1";
  t.kind = "Namespace";
  t.list_kind = "NamespaceList";
  t.plural = "namespaces";
  t.singular = "namespace";
  t.namespaced = false;
  t.has_status = true;
  return t;
}

inline ResourceType lease_type() {
  ResourceType t;
  t.group = "coordination.k8s.io";
  t.version = "v1";
  t.kind = "Lease";
  t.list_kind = "LeaseList";
  t.plural = "leases";
  t.singular = "lease";
  t.namespaced = true;
  return t;
}

// ListOptions for a test, e.g. Opts().rv("0").labels("app=web").
struct Opts {
  Opts& rv(std::string v) { return o.resource_version = std::move(v), *this; }
  Opts& labels(std::string v) { return o.label_selector = std::move(v), *this; }
  Opts& fields(std::string v) { return o.field_selector = std::move(v), *this; }
  Opts& limit(int64_t v) { return o.limit = v, *this; }
  Opts& cont(std::string v) { return o.continue_token = std::move(v), *this; }
  Opts& bookmarks() { return o.allow_bookmarks = true, *this; }
  operator ListOptions() const { return o; }
  ListOptions o;
};

inline json port(const std::string& name, json spec = {{"portId", "p-1"}}) {
  return {{"apiVersion", "sdn.zenlayer.com/v1alpha1"},
          {"kind", "ZenlayerPort"},
          {"metadata", {{"name", name}}},
          {"spec", std::move(spec)}};
}

// Runs `f`, expecting a StatusError with this code; returns it for further checks.
template <typename F>
StatusError expect_status(int code, F&& f) {
  try {
    f();
  } catch (const StatusError& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    return e;
  }
  ADD_FAILURE() << "expected a StatusError " << code;
  return StatusError(0, "", "");
}

// A store serving the test types, with the core namespaces registered (so default and kube-system exist).
class StoreTest : public ::testing::Test {
 protected:
  StoreTest() {
    store.register_type(namespace_type());
    store.register_type(port_type());
    store.register_type(cluster_type());
    store.register_type(lease_type());
    ports = *store.find_type("sdn.zenlayer.com", "v1alpha1", "zenlayerports");
    regions = *store.find_type("example.com", "v1", "regions");
    namespaces = *store.find_type("", "v1", "namespaces");
    leases = *store.find_type("coordination.k8s.io", "v1", "leases");
  }

  json create_port(const std::string& name, json spec = {{"portId", "p-1"}},
                   const std::string& ns = "default") {
    return store.create(ports, ns, port(name, std::move(spec)), {}).object;
  }
  std::string rv_of(const json& object) { return object["metadata"]["resourceVersion"].get<std::string>(); }

  Store store;
  ResourceType ports, regions, namespaces, leases;
};

}  // namespace kubeemu::testing
