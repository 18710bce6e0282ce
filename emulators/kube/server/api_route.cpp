#include "api_route.hpp"

#include <vector>

namespace kubeemu {

namespace {

std::vector<std::string> split_segments(const std::string& path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string::npos ? path.size() : slash;
    if (end > start) segments.push_back(path.substr(start, end - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return segments;
}

// The segments after the group-version prefix: PLURAL[/NAME[/SUB]] or namespaces/NS/PLURAL[/NAME[/SUB]].
// `namespaces/NS/status` and `namespaces/NS/finalize` are the Namespace object's own subresources.
bool parse_resource_segments(std::vector<std::string> s, ResourcePath& out) {
  if (!s.empty() && s[0] == "watch") {
    out.legacy_watch_path = true;
    s.erase(s.begin());
  }
  if (s.empty()) return false;
  const bool namespace_subresource = s.size() == 3 && (s[2] == "status" || s[2] == "finalize");
  if (s[0] == "namespaces" && s.size() >= 3 && !namespace_subresource) {
    out.ns = s[1];
    s.erase(s.begin(), s.begin() + 2);
  }
  if (s.size() > 3) return false;
  out.plural = s[0];
  if (s.size() > 1) out.name = s[1];
  if (s.size() > 2) out.subresource = s[2];
  return true;
}

}  // namespace

Route route_path(const std::string& path) {
  Route route;
  const auto s = split_segments(path);
  if (s.empty()) return route;
  using Kind = Route::Kind;
  if (s[0] == "api") {
    if (s.size() == 1) {
      route.kind = Kind::CoreVersions;
    } else if (s.size() == 2) {
      route.kind = Kind::ResourceList;
      route.version = s[1];
    } else {
      route.resource.version = s[1];
      if (parse_resource_segments({s.begin() + 2, s.end()}, route.resource)) route.kind = Kind::Resource;
    }
  } else if (s[0] == "apis") {
    if (s.size() == 1) {
      route.kind = Kind::GroupList;
    } else if (s.size() == 2) {
      route.kind = Kind::Group;
      route.group = s[1];
    } else if (s.size() == 3) {
      route.kind = Kind::ResourceList;
      route.group = s[1];
      route.version = s[2];
    } else {
      route.resource.group = s[1];
      route.resource.version = s[2];
      if (parse_resource_segments({s.begin() + 3, s.end()}, route.resource)) route.kind = Kind::Resource;
    }
  } else if (s[0] == "version" && s.size() == 1) {
    route.kind = Kind::Version;
  } else if (s[0] == "openapi" && s.size() >= 2 && s[1] == "v3") {
    if (s.size() == 2) {
      route.kind = Kind::OpenApiV3Root;
    } else {
      route.kind = Kind::OpenApiV3Document;
      for (std::size_t i = 2; i < s.size(); ++i)
        route.rest += (i > 2 ? "/" : "") + s[i];
    }
  } else if ((s[0] == "healthz" || s[0] == "readyz" || s[0] == "livez") && s.size() == 1) {
    route.kind = Kind::Health;
  } else if (s[0] == "admin") {
    route.kind = Kind::Admin;
    for (std::size_t i = 1; i < s.size(); ++i)
      route.rest += (i > 1 ? "/" : "") + s[i];
  }
  return route;
}

}  // namespace kubeemu
