#pragma once
// Records core/v1 Events about an object, as client-go's recorder does: the first occurrence is created; the
// same (object, type, reason, message) again within ten minutes patches the existing Event's count and
// lastTimestamp instead of creating another, so a retry loop cannot flood the API server. Failures are logged
// and swallowed: an Event is never worth failing a reconcile for.

#include <nlohmann/json.hpp>
#include <string>

#include "kube/rest_client.hpp"

namespace zpo::kube {

enum class EventType { Normal, Warning };

class EventRecorder {
 public:
  // `component` is the reporting controller ("zenlayer-port-operator"), `instance` the pod or host name.
  EventRecorder(RestClient& client, std::string component, std::string instance);

  // `involved` is the object as read from the API (apiVersion, kind, metadata.namespace/name/uid/resourceVersion
  // are used). `message` is for people and must not contain secrets.
  void record(const nlohmann::json& involved, EventType type, const std::string& reason, const std::string& message);
};

}  // namespace zpo::kube
