#include "request_stats.hpp"

namespace kubeemu {

bool RequestStats::is_write(const std::string& verb) {
  return verb == "create" || verb == "update" || verb == "patch" || verb == "delete" ||
         verb == "deletecollection";
}

void RequestStats::record(const std::string& verb, const std::string& resource,
                          const std::string& subresource) {
  std::lock_guard lock(mutex_);
  ++total_;
  ++counts_[{resource, subresource, verb}];
}

json RequestStats::to_json() const {
  std::lock_guard lock(mutex_);
  json by_verb = json::object();
  json by_resource = json::object();
  json writes = json::object();
  uint64_t writes_total = 0;
  for (const auto& [key, count] : counts_) {
    const auto& [resource, subresource, verb] = key;
    by_verb[verb] = by_verb.value(verb, uint64_t{0}) + count;
    const std::string full = subresource.empty() ? resource : resource + "/" + subresource;
    by_resource[full][verb] = count;
    if (is_write(verb)) {
      writes[full][verb] = count;
      writes_total += count;
    }
  }
  return {{"requestsTotal", total_},
          {"byVerb", by_verb},
          {"byResource", by_resource},
          {"writesTotal", writes_total},
          {"writes", writes}};
}

}  // namespace kubeemu
