// Watches: the bounded event history, fan-out of each write to the open watches, and opening a watch (from
// now, from a resourceVersion in the history, or with synthetic ADDED events for what exists).
#include <algorithm>
#include <charconv>

#include "store_impl.hpp"

namespace kubeemu {
namespace {

// How long a watch from a future resourceVersion waits for the store to catch up before 504 (as the
// apiserver).
constexpr std::chrono::seconds kFutureResourceVersionWait{3};

uint64_t parse_resource_version(const std::string& text) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw StatusError::bad_request("invalid resource version: " + text);
  }
  return value;
}

}  // namespace

void Store::Impl::record(Collection& c, EventType type, ObjectPtr object, ObjectPtr previous) {
  history.push_back({rv, &c, type, std::move(object), std::move(previous), nullptr});
  if (history.size() > history_limit) {
    history_start = history.front().rv;
    history.pop_front();
  }
  const HistoryEvent& event = history.back();
  auto& watchers = c.watchers;
  for (std::size_t i = 0; i < watchers.size();) {
    auto w = watchers[i].lock();
    if (w && deliver(*w, event)) {
      ++i;
    } else {
      watchers[i] = std::move(watchers.back());
      watchers.pop_back();
    }
  }
  rv_advanced.notify_all();
}

bool Store::Impl::deliver(Watch::Impl& w, const HistoryEvent& event) {
  const bool matches_now = w.filter.matches(*event.object);
  switch (event.type) {
    case EventType::Added:
    case EventType::Deleted:
      if (matches_now) w.push(event.type, event.object);
      break;
    case EventType::Modified: {
      // As the watch cache does: an object entering the selector is ADDED, one leaving it is DELETED (its
      // previous state, at the new resourceVersion).
      const bool matched_before = event.previous && w.filter.matches(*event.previous);
      if (matches_now) {
        w.push(matched_before ? EventType::Modified : EventType::Added, event.object);
      } else if (matched_before) {
        if (!event.previous_at_rv) {
          json previous = *event.previous;
          previous["metadata"]["resourceVersion"] = std::to_string(event.rv);
          event.previous_at_rv = std::make_shared<const json>(std::move(previous));
        }
        w.push(EventType::Deleted, event.previous_at_rv);
      }
      break;
    }
    case EventType::Error:
      break;
  }
  w.advance(event.rv);
  std::lock_guard lock(w.mu);
  return !w.stopped && !w.overflowed;
}

Watch Store::watch(const ResourceType& t, const std::string& ns, const ListOptions& opts) {
  WatchFilter filter{t.namespaced ? ns : "", LabelSelector::parse(opts.label_selector),
                     FieldSelector::parse(opts.field_selector)};
  const bool from_now = opts.resource_version.empty() || opts.resource_version == "0";
  const uint64_t from = from_now ? 0 : parse_resource_version(opts.resource_version);

  std::unique_lock lock(impl_->mu);
  Collection& c = impl_->collection(t);
  if (!from_now && from > impl_->rv) {
    if (!impl_->rv_advanced.wait_for(lock, kFutureResourceVersionWait, [&] { return impl_->rv >= from; })) {
      throw StatusError(
          504, "Timeout",
          "Too large resource version: " + std::to_string(from) + ", current: " + std::to_string(impl_->rv),
          json{{"causes", json::array({{{"reason", "ResourceVersionTooLarge"},
                                        {"message", "Too large resource version"}}})},
               {"retryAfterSeconds", 1}});
    }
  }
  if (!from_now && from < impl_->history_start) {
    throw StatusError::gone_expired("too old resource version: " + std::to_string(from) + " (" +
                                    std::to_string(impl_->history_start) + ")");
  }

  auto w = std::make_shared<Watch::Impl>(std::move(filter), t.group_version(), t.kind, opts.allow_bookmarks,
                                         impl_->watch_queue_limit);
  if (from_now) {
    // The current state as synthetic ADDED events; they do not count against the queue limit.
    std::lock_guard wlock(w->mu);
    for (const auto& [key, object] : c.objects) {
      if (w->filter.matches(*object)) w->queue.push_back({EventType::Added, object});
    }
    w->seen_rv = impl_->rv;
  } else {
    w->seen_rv = from;
    // The history's resourceVersions are contiguous, so the first event after `from` is found by arithmetic.
    auto it = impl_->history.begin() + static_cast<std::ptrdiff_t>(from - impl_->history_start);
    for (; it != impl_->history.end(); ++it) {
      if (it->collection == &c) Impl::deliver(*w, *it);
    }
    w->advance(impl_->rv);
  }
  c.watchers.push_back(w);
  return Watch(std::move(w));
}

void Store::stop_all_watches() {
  std::lock_guard lock(impl_->mu);
  for (auto& [resource, c] : impl_->collections) {
    for (auto& weak : c.watchers) {
      if (auto w = weak.lock()) w->stop();
    }
    c.watchers.clear();
  }
}

}  // namespace kubeemu
