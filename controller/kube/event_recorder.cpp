#include "kube/event_recorder.hpp"

#include <array>
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

std::string events_path(const std::string& namespace_name) {
  return "/api/v1/namespaces/" + namespace_name + "/events";
}

}  // namespace

EventRecorder::EventRecorder(RestClient& client, std::string component, std::string instance, LogSink log,
                             EventRecorderOptions options)
    : client_(client),
      component_(std::move(component)),
      instance_(std::move(instance)),
      log_(std::move(log)),
      options_(options),
      random_(std::random_device{}()),
      sender_([this] { send_queued(); }) {}

EventRecorder::~EventRecorder() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
    drain_deadline_ = std::chrono::steady_clock::now() + options_.drain_on_stop;
  }
  queued_.notify_all();
  taken_.notify_all();
  sender_.join();
}

void EventRecorder::record(const json& involved, EventType type, const std::string& reason,
                           const std::string& message) {
  Pending event{.involved = {.api_version = text_at(involved, "/apiVersion"),
                             .kind = text_at(involved, "/kind"),
                             .namespace_name = text_at(involved, "/metadata/namespace"),
                             .name = text_at(involved, "/metadata/name"),
                             .uid = text_at(involved, "/metadata/uid"),
                             .resource_version = text_at(involved, "/metadata/resourceVersion")},
                .type = type == EventType::Warning ? "Warning" : "Normal",
                .reason = reason,
                .message = truncate_message(message),
                .at = Clock::now()};
  {
    std::unique_lock lock(mutex_);
    const bool room = taken_.wait_for(lock, options_.wait_for_room,
                                      [&] { return stopping_ || queue_.size() < options_.queue_capacity; });
    if (room && !stopping_) {
      queue_.push_back(pack(event));
      lock.unlock();
      queued_.notify_one();
      return;
    }
  }
  if (log_) {
    log_("warn", "event dropped: the recorder's queue is full or stopping",
         {{"reason", event.reason}, {"object", event.involved.namespace_name + "/" + event.involved.name}});
  }
}

void EventRecorder::flush() {
  std::unique_lock lock(mutex_);
  taken_.wait(lock, [&] { return queue_.empty() && !sending_; });
}

void EventRecorder::send_queued() {
  std::unique_lock lock(mutex_);
  for (;;) {
    queued_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    if (stopping_ && std::chrono::steady_clock::now() >= drain_deadline_) {
      const std::size_t dropped = queue_.size();
      queue_.clear();
      taken_.notify_all();
      if (log_) log_("warn", "events dropped at shutdown", {{"count", std::to_string(dropped)}});
      return;
    }
    if (hold(lock)) {
      // Checked again at this pace: the burst's end is noticed within a tenth of a second.
      queued_.wait_for(lock, std::chrono::milliseconds(100), [&] { return stopping_; });
      continue;
    }
    const Pending event = unpack(queue_.front());
    queue_.pop_front();
    sending_ = true;
    lock.unlock();
    taken_.notify_all();  // room for a producer
    try {
      send(event);
    } catch (const std::exception& e) {  // send() logs the API's refusals; this is anything else
      if (log_) log_("warn", "event failed", {{"reason", event.reason}, {"error", e.what()}});
    }
    lock.lock();
    sending_ = false;
    taken_.notify_all();  // flush() may be waiting for this one
  }
}

namespace {

// Pending's strings, in the order Queued::fields holds them (const or not, for packing and unpacking).
template <class P>
auto strings_of(P& event) {
  auto& o = event.involved;
  return std::array{&o.api_version,      &o.kind,     &o.namespace_name, &o.name,       &o.uid,
                    &o.resource_version, &event.type, &event.reason,     &event.message};
}

}  // namespace

EventRecorder::Queued EventRecorder::pack(const Pending& event) {
  Queued queued{{}, event.at};
  for (const std::string* field : strings_of(event)) {
    queued.fields.append(*field);
    queued.fields.push_back('\0');
  }
  return queued;
}

EventRecorder::Pending EventRecorder::unpack(const Queued& queued) {
  Pending event;
  std::size_t at = 0;
  for (std::string* field : strings_of(event)) {
    const std::size_t end = queued.fields.find('\0', at);
    field->assign(queued.fields, at, end - at);
    at = end + 1;
  }
  event.at = queued.at;
  return event;
}

bool EventRecorder::hold(std::unique_lock<std::mutex>& lock) {
  if (!options_.busy || stopping_ || queue_.empty()) return false;
  if (queue_.size() >= options_.queue_capacity / 4 * 3) return false;
  if (Clock::now() - queue_.front().at >= options_.max_hold) return false;
  lock.unlock();
  const bool busy = options_.busy();
  lock.lock();
  return busy && !stopping_;
}

void EventRecorder::send(const Pending& event) {
  const Involved& involved = event.involved;
  const std::string timestamp = rfc3339(event.at);
  // Cluster-scoped objects' Events go to "default", as client-go does.
  const std::string namespace_name = involved.namespace_name.empty() ? "default" : involved.namespace_name;
  // The object by uid, or by its coordinates when it has none.
  const detail::EventIdentity identity{
      !involved.uid.empty()
          ? involved.uid
          : involved.api_version + "/" + involved.kind + "/" + involved.namespace_name + "/" + involved.name,
      event.type, event.reason, event.message};

  if (std::optional<detail::RecordedEvent> seen = aggregator_.find(identity, event.at)) {
    try {
      const json reply = client_.patch(events_path(seen->namespace_name) + "/" + seen->name, PatchType::Merge,
                                       {{"count", seen->count + 1}, {"lastTimestamp", timestamp}});
      seen->count = reply.value("count", seen->count + 1);
      seen->last_seen = event.at;
      aggregator_.remember(identity, std::move(*seen), event.at);
      return;
    } catch (const std::exception& e) {  // StatusError or TransportError
      // A 404: someone deleted the Event (or it expired from the server), so this occurrence is created anew.
      const auto* status = dynamic_cast<const StatusError*>(&e);
      if (status == nullptr || !status->not_found()) {
        if (log_)
          log_("warn", "event patch failed",
               {{"reason", event.reason}, {"event", seen->name}, {"error", e.what()}});
        return;
      }
    }
  }
  if (const auto name = create(event, namespace_name, timestamp)) {
    aggregator_.remember(identity, {namespace_name, *name, 1, event.at}, event.at);
  } else {
    aggregator_.forget(identity);
  }
}

std::optional<std::string> EventRecorder::create(const Pending& event, const std::string& namespace_name,
                                                 const std::string& timestamp) {
  const Involved& involved = event.involved;
  const std::string name = involved.name + "." + random_suffix();
  json involved_object = {{"apiVersion", involved.api_version},
                          {"kind", involved.kind},
                          {"name", involved.name},
                          {"uid", involved.uid},
                          {"resourceVersion", involved.resource_version}};
  if (!involved.namespace_name.empty()) involved_object["namespace"] = involved.namespace_name;
  const json body = {{"apiVersion", "v1"},
                     {"kind", "Event"},
                     {"metadata", {{"name", name}, {"namespace", namespace_name}}},
                     {"involvedObject", std::move(involved_object)},
                     {"reason", event.reason},
                     {"message", event.message},
                     {"type", event.type},
                     {"source", {{"component", component_}, {"host", instance_}}},
                     {"reportingComponent", component_},
                     {"reportingInstance", instance_},
                     {"firstTimestamp", timestamp},
                     {"lastTimestamp", timestamp},
                     {"count", 1}};
  try {
    client_.create(events_path(namespace_name), body);
    return name;
  } catch (const std::exception& e) {  // StatusError or TransportError: an Event is never worth failing for
    if (log_) {
      log_("warn", "event create failed",
           {{"reason", event.reason},
            {"object", involved.namespace_name + "/" + involved.name},
            {"error", e.what()}});
    }
    return std::nullopt;
  }
}

std::string EventRecorder::random_suffix() {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(random_()));
  return text;
}

}  // namespace zpo::kube
