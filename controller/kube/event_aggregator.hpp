#pragma once
// Which Events the recorder has already created, so a repeat within ten minutes patches that Event's count
// instead of creating another (client-go's EventCorrelator does the same). The map is bounded: entries older
// than the window are swept at most once a minute, and beyond `capacity` the least recently seen goes. Both
// take the oldest entries from an index ordered by last_seen, so a full map costs O(log n) per Event, not a
// scan of every entry (at 10,000 ports the scans took half the operator's CPU). Not thread-safe (the recorder
// locks around it). Private to zpo_kube; header-only because the library's source list is fixed.

#include <chrono>
#include <map>
#include <optional>
#include <set>
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
    if (now >= next_sweep_) sweep(now);
    auto it = events_.find(identity);
    if (it != events_.end()) {
      by_last_seen_.erase({it->second.last_seen, &it->first});
      it->second = std::move(event);
    } else {
      // Full (a burst of distinct events): the least recently seen make room for one more.
      while (!by_last_seen_.empty() && events_.size() >= capacity_)
        erase(by_last_seen_.begin());
      it = events_.emplace(identity, std::move(event)).first;
    }
    by_last_seen_.insert({it->second.last_seen, &it->first});
  }

  void forget(const EventIdentity& identity) {
    const auto it = events_.find(identity);
    if (it == events_.end()) return;
    by_last_seen_.erase({it->second.last_seen, &it->first});
    events_.erase(it);
  }

  std::size_t size() const { return events_.size(); }

 private:
  // (last_seen, the entry's key in events_): std::map keys never move, so the pointer stays valid.
  using Index = std::set<std::pair<Clock::time_point, const EventIdentity*>>;

  void erase(Index::iterator entry) {
    events_.erase(*entry->second);
    by_last_seen_.erase(entry);
  }

  void sweep(Clock::time_point now) {
    next_sweep_ = now + kSweepEvery;
    while (!by_last_seen_.empty() && now - by_last_seen_.begin()->first >= kWindow)
      erase(by_last_seen_.begin());
  }

  std::size_t capacity_;
  std::map<EventIdentity, RecordedEvent> events_;
  Index by_last_seen_;
  Clock::time_point next_sweep_{};
};

}  // namespace zpo::kube::detail
