#pragma once
// Records core/v1 Events about an object, as client-go's recorder does: the first occurrence is created; the
// same (object, type, reason, message) again within ten minutes patches the existing Event's count and
// lastTimestamp instead of creating another, so a retry loop cannot flood the API server. Failures are logged
// and swallowed: an Event is never worth failing a reconcile for.
//
// Sending is asynchronous, as in client-go: record() queues the Event and returns; one sender thread writes
// the queue in order. A reconcile therefore never waits for an Event's round trip (at 10,000 ports the four
// Events per deleted port cost about a fifth of the API server emulator's CPU). The queue is bounded:
// when it is full, record() waits briefly for room (back-pressure in a burst) and then drops the Event with a
// log line rather than stall reconciles while the API server is down.
//
// In a burst the sender can also step aside (EventRecorderOptions::busy): Events are a third of the API
// requests of a mass deletion, and sending them while reconciles queue up slowed the release waves they
// report on (bench/operator, 10,000 ports: a median of 51.3 s from the first DELETE to the last resource gone
// over nine runs with held Events, 54.2 s over four without).

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "kube/event_aggregator.hpp"
#include "kube/log_sink.hpp"
#include "kube/rest_client.hpp"

namespace zpo::kube {

enum class EventType { Normal, Warning };

struct EventRecorderOptions {
  // client-go keeps 1,000 and drops the rest; a deletion of 10,000 ports queues about that many Events before
  // the sender catches up in the quiet between release waves, twice that when they are held (about 250 bytes
  // each).
  std::size_t queue_capacity = 10000;
  std::chrono::milliseconds wait_for_room{1000};
  std::chrono::milliseconds drain_on_stop{2000};  // how long the destructor keeps sending what is queued
  // While this says the process is busy (its reconciles have a backlog), queued Events wait: they yield the
  // CPU and the API server to the work they report on, and go out in the quiet after the burst. An Event
  // waits at most `max_hold`, and none waits once the queue is three quarters full. Empty: never busy.
  std::function<bool()> busy{};
  std::chrono::milliseconds max_hold{15000};
};

class EventRecorder {
 public:
  // `component` is the reporting controller ("zenlayer-port-operator"), `instance` the pod or host name.
  // Failures go to `log`.
  EventRecorder(RestClient& client, std::string component, std::string instance,
                LogSink log = stderr_log_sink(), EventRecorderOptions options = {});
  // Sends what is queued for at most options.drain_on_stop (plus one request in flight), drops the rest.
  ~EventRecorder();
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // Queues an Event about `involved`, the object as read from the API (apiVersion, kind,
  // metadata.namespace/name/uid/resourceVersion are used). `message` is for people and must not contain
  // secrets. The Event's time is the time of this call.
  void record(const nlohmann::json& involved, EventType type, const std::string& reason,
              const std::string& message);

  // Returns once every Event queued before the call has been sent (or has failed and been logged).
  void flush();

 private:
  struct Involved {
    std::string api_version, kind, namespace_name, name, uid, resource_version;
  };
  struct Pending {
    Involved involved;
    std::string type, reason, message;
    detail::EventAggregator::Clock::time_point at;
  };

  // A queued Event: Pending's strings packed into one (a burst queues thousands, and nine strings each
  // cost twice the memory).
  struct Queued {
    std::string fields;  // Pending's strings, each followed by '\0'
    detail::EventAggregator::Clock::time_point at;
  };
  static Queued pack(const Pending& event);
  static Pending unpack(const Queued& queued);

  void send_queued();
  // True when the oldest queued Event should wait for the burst to pass (EventRecorderOptions::busy). Called
  // with `lock` held; releases it while asking.
  bool hold(std::unique_lock<std::mutex>& lock);
  void send(const Pending& event);
  // Creates the Event; returns its name, or nullopt when the API refused it (already logged).
  std::optional<std::string> create(const Pending& event, const std::string& namespace_name,
                                    const std::string& timestamp);
  std::string random_suffix();

  RestClient& client_;
  const std::string component_;
  const std::string instance_;
  const LogSink log_;
  const EventRecorderOptions options_;

  // The sender thread's own: no lock.
  detail::EventAggregator aggregator_;
  std::mt19937_64 random_;

  std::mutex mutex_;                // guards the queue and the flags below
  std::condition_variable queued_;  // the sender waits for work
  std::condition_variable taken_;   // producers wait for room, flush() for an empty queue
  std::deque<Queued> queue_;
  bool sending_ = false;  // the sender holds an Event taken from the queue
  bool stopping_ = false;
  std::chrono::steady_clock::time_point drain_deadline_{};

  std::thread sender_;  // last: starts once everything above is ready
};

}  // namespace zpo::kube
