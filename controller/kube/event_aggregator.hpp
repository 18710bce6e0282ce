#pragma once
// Which Events the recorder has already created, so a repeat within ten minutes patches that Event's count
// instead of creating another (client-go's EventCorrelator does the same). The map is bounded: entries older
// than the window are swept at most once a minute, and beyond `capacity` the least recently seen goes. Not
// thread-safe (the recorder locks around it). Private to zpo_kube; header-only because the library's source
// list is fixed.

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <tuple>

namespace zpo::kube::detail {

struct EventIdentity {
  std::string object;  // uid, or apiVersion/kind/namespace/name when the object has no uid
  std::string type;
  std::string reason;
  std::string message;
  auto operator<=>(const EventIdentity&) const = default;
};

struct RecordedEvent {
  std::string namespace_name;  // where the Event object lives
  std::string name;            // the Event object's metadata.name
  long long count = 1;
  std::chrono::system_clock::time_point last_seen{};
};

class EventAggregator {
 public:
  using Clock = std::chrono::system_clock;
  static constexpr auto kWindow = std::chrono::minutes(10);
  static constexpr auto kSweepEvery = std::chrono::minutes(1);

  explicit EventAggregator(std::size_t capacity = 4096) : capacity_(capacity) {}

  // The Event to patch for a repeat at `now`, or nullopt when it must be created (never seen, or last seen at
  // least ten minutes ago).
  std::optional<RecordedEvent> find(const EventIdentity& identity, Clock::time_point now) const {
    const auto it = events_.find(identity);
    if (it == events_.end() || now - it->second.last_seen >= kWindow) return std::nullopt;
    return it->second;
  }

  void remember(const EventIdentity& identity, RecordedEvent event, Clock::time_point now) {
    if (now >= next_sweep_ || (!events_.contains(identity) && events_.size() >= capacity_)) sweep(now);
    events_.insert_or_assign(identity, std::move(event));
  }

  void forget(const EventIdentity& identity) { events_.erase(identity); }

  std::size_t size() const { return events_.size(); }

 private:
  void sweep(Clock::time_point now) {
    next_sweep_ = now + kSweepEvery;
    std::erase_if(events_, [now](const auto& entry) { return now - entry.second.last_seen >= kWindow; });
    // Still full (a burst of distinct events): drop the least recently seen to make room for one more.
    while (!events_.empty() && events_.size() >= capacity_) {
      const auto oldest = std::min_element(events_.begin(), events_.end(), [](const auto& a, const auto& b) {
        return a.second.last_seen < b.second.last_seen;
      });
      events_.erase(oldest);
    }
  }

  std::size_t capacity_;
  std::map<EventIdentity, RecordedEvent> events_;
  Clock::time_point next_sweep_{};
};

}  // namespace zpo::kube::detail
