#pragma once
// Which of the apiserver's endpoints a request path names. Pure: resolving the resource against the served
// types happens in the API handler.

#include <string>

namespace kubeemu {

// A path under /api/v1 or /apis/G/V that names a resource collection, an object or an object's subresource.
struct ResourcePath {
  std::string group;  // "" for the core group
  std::string version;
  std::string
      ns;  // "" for cluster-scoped paths (a cluster-scoped type, or a namespaced type across namespaces)
  std::string plural;
  std::string name;                // "" for a collection
  std::string subresource;         // "" or e.g. "status"
  bool legacy_watch_path = false;  // /apis/G/V/watch/...: the deprecated form of ?watch=true
};

struct Route {
  enum class Kind {
    NotFound,
    CoreVersions,       // /api
    GroupList,          // /apis
    Group,              // /apis/G
    ResourceList,       // /api/v1, /apis/G/V
    Resource,           // anything below those
    Version,            // /version
    OpenApiV3Root,      // /openapi/v3
    OpenApiV3Document,  // /openapi/v3/apis/G/V, /openapi/v3/api/v1
    Health,             // /healthz, /readyz, /livez
    Admin,              // /admin/... (fault injection and statistics)
  };
  Kind kind = Kind::NotFound;
  std::string group;    // Group, ResourceList
  std::string version;  // ResourceList
  std::string rest;     // OpenApiV3Document: "apis/G/V"; Admin: the part after /admin/
  ResourcePath resource;
};

Route route_path(const std::string& path);

}  // namespace kubeemu
