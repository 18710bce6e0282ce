#pragma once
// Request counters for GET /admin/stats. The operator's benchmarks read "Kubernetes writes per port" from the
// write counts by verb x resource x subresource. Thread-safe.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "resource_type.hpp"

namespace kubeemu {

class RequestStats {
 public:
  // verb: the Kubernetes verb (get, list, watch, create, update, patch, delete, deletecollection) or, for
  // non-resource requests, the lower-case HTTP method; resource: the qualified resource or the path kind
  // ("discovery", "openapi", "version"); subresource: "" or "status".
  void record(const std::string& verb, const std::string& resource, const std::string& subresource);

  // {"requestsTotal":N,"byVerb":{"get":N},"byResource":{"zenlayerports.sdn.zenlayer.com":{"get":N}},
  //  "writesTotal":N,"writes":{"zenlayerports.sdn.zenlayer.com/status":{"patch":N}}}
  json to_json() const;

  static bool is_write(const std::string& verb);

 private:
  mutable std::mutex mutex_;
  uint64_t total_ = 0;
  std::map<std::tuple<std::string, std::string, std::string>, uint64_t>
      counts_;  // (resource, subresource, verb)
};

}  // namespace kubeemu
