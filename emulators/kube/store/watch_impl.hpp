#pragma once
// Internal to the store: what one open watch sees (its filter) and what it has not sent yet (its queue). The
// store's writers fill the queue under the store lock; the watch's HTTP thread drains it through Watch::next.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>

#include "field_selector.hpp"
#include "label_selector.hpp"
#include "store.hpp"

namespace kubeemu {

enum class EventType { Added, Modified, Deleted, Error };
const char* to_string(EventType type);

// Objects are immutable once stored, so the store, its history and every watch queue share them.
using ObjectPtr = std::shared_ptr<const json>;

struct QueuedEvent {
  EventType type;
  ObjectPtr object;
};

// Which objects of the watched resource a watch sees: namespace ("" for all), labels, fields.
struct WatchFilter {
  std::string ns;
  LabelSelector labels;
  FieldSelector fields;

  bool matches(const json& object) const;
};

struct Watch::Impl {
  Impl(WatchFilter filter, std::string api_version, std::string kind, bool bookmarks, std::size_t queue_limit)
      : filter(std::move(filter)),
        api_version(std::move(api_version)),
        kind(std::move(kind)),
        bookmarks(bookmarks),
        queue_limit(queue_limit) {}

  // Queues an event without waiting for the reader. Past queue_limit the backlog is replaced by one 410 ERROR
  // event and nothing more is accepted: a watcher that cannot keep up must relist.
  void push(EventType type, ObjectPtr object);
  // Everything up to `rv` has been offered to this watch (what a BOOKMARK reports).
  void advance(uint64_t rv);
  void stop();

  const WatchFilter filter;
  const std::string api_version;  // objects are sent with this apiVersion (the version the client watches)
  const std::string kind;
  const bool bookmarks;
  const std::size_t queue_limit;

  mutable std::mutex mu;
  std::condition_variable ready;
  std::deque<QueuedEvent> queue;
  uint64_t seen_rv = 0;
  bool stopped = false;
  bool overflowed = false;
};

}  // namespace kubeemu
