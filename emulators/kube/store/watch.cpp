#include "status_error.hpp"
#include "watch_impl.hpp"

namespace kubeemu {

const char* to_string(EventType type) {
  switch (type) {
    case EventType::Added:
      return "ADDED";
    case EventType::Modified:
      return "MODIFIED";
    case EventType::Deleted:
      return "DELETED";
    case EventType::Error:
      return "ERROR";
  }
  return "ERROR";
}

bool WatchFilter::matches(const json& object) const {
  // Stored objects always carry metadata; find() keeps this safe for anything else (it yields end() on null).
  static const json none;
  const auto meta_it = object.find("metadata");
  const json& meta = meta_it != object.end() ? *meta_it : none;
  if (!ns.empty()) {
    const auto it = meta.find("namespace");
    if (it == meta.end() || *it != ns) return false;
  }
  if (!labels.empty()) {
    const auto it = meta.find("labels");
    if (!labels.matches(it != meta.end() ? *it : none)) return false;
  }
  return fields.empty() || fields.matches(object);
}

void Watch::Impl::push(EventType type, ObjectPtr object) {
  std::lock_guard lock(mu);
  if (stopped || overflowed) return;
  if (queue.size() >= queue_limit) {
    queue.clear();
    overflowed = true;
    const StatusError gone = StatusError::gone_expired(
        "watch closed: the watcher fell more than " + std::to_string(queue_limit) + " events behind; relist");
    queue.push_back({EventType::Error, std::make_shared<const json>(gone.to_status())});
  } else {
    queue.push_back({type, std::move(object)});
  }
  ready.notify_one();
}

void Watch::Impl::advance(uint64_t rv) {
  std::lock_guard lock(mu);
  seen_rv = rv;
}

void Watch::Impl::stop() {
  std::lock_guard lock(mu);
  stopped = true;
  queue.clear();
  ready.notify_all();
}

std::optional<WatchEvent> Watch::next(std::chrono::milliseconds wait) {
  auto event = take(wait);
  if (!event) return std::nullopt;
  return WatchEvent{std::move(event->type), *event->object};
}

std::optional<SharedWatchEvent> Watch::take(std::chrono::milliseconds wait) {
  std::unique_lock lock(impl_->mu);
  impl_->ready.wait_for(lock, wait, [&] { return impl_->stopped || !impl_->queue.empty(); });
  if (impl_->stopped) return std::nullopt;
  if (!impl_->queue.empty()) {
    QueuedEvent event = std::move(impl_->queue.front());
    impl_->queue.pop_front();
    if (event.type == EventType::Error) {
      impl_->stopped = true;
      return SharedWatchEvent{to_string(event.type), std::move(event.object)};
    }
    // Objects are stored under the version that wrote them; a watch of another version sees its own.
    if (event.object->value("apiVersion", "") != impl_->api_version) {
      auto converted = std::make_shared<json>(*event.object);
      (*converted)["apiVersion"] = impl_->api_version;
      event.object = std::move(converted);
    }
    return SharedWatchEvent{to_string(event.type), std::move(event.object)};
  }
  if (impl_->bookmarks && wait.count() > 0) {
    return SharedWatchEvent{"BOOKMARK",
                            std::make_shared<const json>(
                                json{{"kind", impl_->kind},
                                     {"apiVersion", impl_->api_version},
                                     {"metadata", {{"resourceVersion", std::to_string(impl_->seen_rv)}}}})};
  }
  return std::nullopt;
}

void Watch::stop() {
  impl_->stop();
}

bool Watch::stopped() const {
  std::lock_guard lock(impl_->mu);
  return impl_->stopped;
}

}  // namespace kubeemu
