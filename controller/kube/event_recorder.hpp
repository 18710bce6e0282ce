#pragma once
// Records core/v1 Events about an object, as client-go's recorder does: the first occurrence is created; the
// same (object, type, reason, message) again within ten minutes patches the existing Event's count and
// lastTimestamp instead of creating another, so a retry loop cannot flood the API server. Failures are logged
// and swallowed: an Event is never worth failing a reconcile for.

#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>

#include "kube/event_aggregator.hpp"
#include "kube/log_sink.hpp"
#include "kube/rest_client.hpp"

namespace zpo::kube {

enum class EventType { Normal, Warning };

class EventRecorder {
 public:
  // `component` is the reporting controller ("zenlayer-port-operator"), `instance` the pod or host name.
  // Failures go to `log`.
  EventRecorder(RestClient& client, std::string component, std::string instance,
                LogSink log = stderr_log_sink());

  // `involved` is the object as read from the API (apiVersion, kind,
  // metadata.namespace/name/uid/resourceVersion are used). `message` is for people and must not contain
  // secrets.
  void record(const nlohmann::json& involved, EventType type, const std::string& reason,
              const std::string& message);

 private:
  // Creates the Event; returns its name, or nullopt when the API refused it (already logged).
  std::optional<std::string> create(const nlohmann::json& involved, const std::string& namespace_name,
                                    const std::string& type, const std::string& reason,
                                    const std::string& message, const std::string& now);
  std::string random_suffix();

  RestClient& client_;
  const std::string component_;
  const std::string instance_;
  const LogSink log_;
  std::mutex mutex_;  // guards aggregator_ and random_
  detail::EventAggregator aggregator_;
  std::mt19937_64 random_;
};

}  // namespace zpo::kube
