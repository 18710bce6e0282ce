#include "watch_registry.hpp"

namespace kubeemu {

std::shared_ptr<OpenWatch> WatchRegistry::add(Watch watch) {
  auto open_watch = std::make_shared<OpenWatch>(std::move(watch));
  std::lock_guard lock(mutex_);
  open_.insert(open_watch);
  return open_watch;
}

void WatchRegistry::remove(const std::shared_ptr<OpenWatch>& open_watch) {
  std::lock_guard lock(mutex_);
  open_.erase(open_watch);
}

std::size_t WatchRegistry::end_all(WatchEnding ending) {
  std::lock_guard lock(mutex_);
  for (const auto& w : open_) {
    w->ending = ending;
    w->watch.stop();  // wakes the stream's thread out of Watch::next
  }
  return open_.size();
}

std::size_t WatchRegistry::size() const {
  std::lock_guard lock(mutex_);
  return open_.size();
}

}  // namespace kubeemu
