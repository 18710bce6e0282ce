#include "kube/event_recorder.hpp"

#include <cstdio>
#include <ctime>
#include <utility>

namespace zpo::kube {

namespace {

using nlohmann::json;
using Clock = detail::EventAggregator::Clock;

// The API server rejects longer Event messages; cut on a UTF-8 character boundary so the body stays valid.
constexpr std::size_t kMaxMessageBytes = 1024;

std::string truncate_message(const std::string& message) {
  if (message.size() <= kMaxMessageBytes) return message;
  std::size_t end = kMaxMessageBytes;
  while (end > 0 && (static_cast<unsigned char>(message[end]) & 0xC0) == 0x80)
    --end;
  return message.substr(0, end);
}

// metav1.Time: RFC 3339, UTC, whole seconds.
std::string rfc3339(Clock::time_point when) {
  const std::time_t seconds = Clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string text_at(const json& object, const char* pointer) {
  const json::json_pointer ptr(pointer);
  if (!object.contains(ptr)) return {};
  const json& value = object.at(ptr);
  return value.is_string() ? value.get<std::string>() : std::string();
}

detail::EventIdentity identity_of(const json& involved, const std::string& type, const std::string& reason,
                                  const std::string& message) {
  std::string object = text_at(involved, "/metadata/uid");
  if (object.empty()) {
    object = text_at(involved, "/apiVersion") + "/" + text_at(involved, "/kind") + "/" +
             text_at(involved, "/metadata/namespace") + "/" + text_at(involved, "/metadata/name");
  }
  return {std::move(object), type, reason, message};
}

std::string events_path(const std::string& namespace_name) {
  return "/api/v1/namespaces/" + namespace_name + "/events";
}

}  // namespace

EventRecorder::EventRecorder(RestClient& client, std::string component, std::string instance, LogSink log)
    : client_(client),
      component_(std::move(component)),
      instance_(std::move(instance)),
      log_(std::move(log)),
      random_(std::random_device{}()) {}

void EventRecorder::record(const json& involved, EventType event_type, const std::string& reason,
                           const std::string& message) {
  const std::string type = event_type == EventType::Warning ? "Warning" : "Normal";
  const std::string text = truncate_message(message);
  const auto now = Clock::now();
  const std::string timestamp = rfc3339(now);
  std::string namespace_name = text_at(involved, "/metadata/namespace");
  if (namespace_name.empty()) namespace_name = "default";  // cluster-scoped objects: as client-go does
  const detail::EventIdentity identity = identity_of(involved, type, reason, text);

  std::optional<detail::RecordedEvent> seen;
  {
    const std::lock_guard lock(mutex_);
    seen = aggregator_.find(identity, now);
  }
  if (seen) {
    try {
      const json reply = client_.patch(events_path(seen->namespace_name) + "/" + seen->name, PatchType::Merge,
                                       {{"count", seen->count + 1}, {"lastTimestamp", timestamp}});
      seen->count = reply.value("count", seen->count + 1);
      seen->last_seen = now;
      const std::lock_guard lock(mutex_);
      aggregator_.remember(identity, std::move(*seen), now);
      return;
    } catch (const StatusError& e) {
      // Someone deleted the Event (or it expired from the server): record this occurrence as a new one.
      if (!e.not_found()) {
        if (log_)
          log_("warn", "event patch failed",
               {{"reason", reason}, {"event", seen->name}, {"error", e.what()}});
        return;
      }
    } catch (const std::exception& e) {
      if (log_)
        log_("warn", "event patch failed", {{"reason", reason}, {"event", seen->name}, {"error", e.what()}});
      return;
    }
  }
  const auto name = create(involved, namespace_name, type, reason, text, timestamp);
  const std::lock_guard lock(mutex_);
  if (name) {
    aggregator_.remember(identity, {namespace_name, *name, 1, now}, now);
  } else {
    aggregator_.forget(identity);
  }
}

std::optional<std::string> EventRecorder::create(const json& involved, const std::string& namespace_name,
                                                 const std::string& type, const std::string& reason,
                                                 const std::string& message, const std::string& now) {
  const std::string object_name = text_at(involved, "/metadata/name");
  const std::string name = object_name + "." + random_suffix();
  json involved_object = {{"apiVersion", text_at(involved, "/apiVersion")},
                          {"kind", text_at(involved, "/kind")},
                          {"name", object_name},
                          {"uid", text_at(involved, "/metadata/uid")},
                          {"resourceVersion", text_at(involved, "/metadata/resourceVersion")}};
  const std::string involved_namespace = text_at(involved, "/metadata/namespace");
  if (!involved_namespace.empty()) involved_object["namespace"] = involved_namespace;
  const json event = {{"apiVersion", "v1"},
                      {"kind", "Event"},
                      {"metadata", {{"name", name}, {"namespace", namespace_name}}},
                      {"involvedObject", std::move(involved_object)},
                      {"reason", reason},
                      {"message", message},
                      {"type", type},
                      {"source", {{"component", component_}, {"host", instance_}}},
                      {"reportingComponent", component_},
                      {"reportingInstance", instance_},
                      {"firstTimestamp", now},
                      {"lastTimestamp", now},
                      {"count", 1}};
  try {
    client_.create(events_path(namespace_name), event);
    return name;
  } catch (const std::exception& e) {  // StatusError or TransportError: an Event is never worth failing for
    if (log_) {
      log_("warn", "event create failed",
           {{"reason", reason}, {"object", involved_namespace + "/" + object_name}, {"error", e.what()}});
    }
    return std::nullopt;
  }
}

std::string EventRecorder::random_suffix() {
  std::uint64_t bits = 0;
  {
    const std::lock_guard lock(mutex_);
    bits = random_();
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(bits));
  return text;
}

}  // namespace zpo::kube
