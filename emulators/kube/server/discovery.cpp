#include "discovery.hpp"

#include <algorithm>

namespace kubeemu {

namespace {

// Versions of a group in registration order (the first is the preferred one).
std::vector<std::string> group_versions(const std::vector<ResourceType>& types, const std::string& group) {
  std::vector<std::string> versions;
  for (const auto& t : types) {
    if (t.group == group && std::find(versions.begin(), versions.end(), t.version) == versions.end()) {
      versions.push_back(t.version);
    }
  }
  return versions;
}

json group_entry(const std::vector<ResourceType>& types, const std::string& group) {
  json versions = json::array();
  for (const auto& v : group_versions(types, group)) {
    versions.push_back({{"groupVersion", group + "/" + v}, {"version", v}});
  }
  return {{"name", group}, {"versions", versions}, {"preferredVersion", versions.at(0)}};
}

}  // namespace

json core_api_versions(const std::string& server_address) {
  return {{"kind", "APIVersions"},
          {"versions", {"v1"}},
          {"serverAddressByClientCIDRs", {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", server_address}}}}};
}

json api_group_list(const std::vector<ResourceType>& types) {
  json groups = json::array();
  std::vector<std::string> seen;
  for (const auto& t : types) {
    if (t.group.empty() || std::find(seen.begin(), seen.end(), t.group) != seen.end()) continue;
    seen.push_back(t.group);
    groups.push_back(group_entry(types, t.group));
  }
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
}

std::optional<json> api_group(const std::vector<ResourceType>& types, const std::string& group) {
  if (group.empty() || group_versions(types, group).empty()) return std::nullopt;
  json g = group_entry(types, group);
  g["kind"] = "APIGroup";
  g["apiVersion"] = "v1";
  return g;
}

std::optional<json> api_resource_list(const std::vector<ResourceType>& types, const std::string& group,
                                      const std::string& version) {
  json resources = json::array();
  bool found = false;
  for (const auto& t : types) {
    if (t.group != group || t.version != version) continue;
    found = true;
    json r = {{"name", t.plural},
              {"singularName", t.singular},
              {"namespaced", t.namespaced},
              {"kind", t.kind},
              {"verbs", t.verbs}};
    if (!t.short_names.empty()) r["shortNames"] = t.short_names;
    if (!t.categories.empty()) r["categories"] = t.categories;
    resources.push_back(std::move(r));
    if (t.has_status) {
      resources.push_back({{"name", t.plural + "/status"},
                           {"singularName", ""},
                           {"namespaced", t.namespaced},
                           {"kind", t.kind},
                           {"verbs", {"get", "patch", "update"}}});
    }
  }
  if (!found) return std::nullopt;
  return json{{"kind", "APIResourceList"},
              {"apiVersion", "v1"},
              {"groupVersion", group.empty() ? version : group + "/" + version},
              {"resources", resources}};
}

json version_info() {
  return {{"major", "1"},
          {"minor", "33"},
          {"gitVersion", "v1.33.0"},
          {"gitCommit", "kube-emulator"},
          {"gitTreeState", "clean"},
          {"buildDate", "2025-04-23T00:00:00Z"},
          {"goVersion", "go1.24.2"},
          {"compiler", "gc"},
          {"platform", "linux/amd64"}};
}

}  // namespace kubeemu
