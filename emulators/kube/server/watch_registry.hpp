#pragma once
// The watch streams open right now, so that the admin API can end them all (close-watches, expire-watches)
// and /admin/stats can count them. Thread-safe.

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <set>

#include "store.hpp"

namespace kubeemu {

// How an open watch stream is told to end, besides its own timeout.
enum class WatchEnding { None, Close, Expire, Shutdown };

struct OpenWatch {
  explicit OpenWatch(Watch w) : watch(std::move(w)) {}
  Watch watch;
  std::atomic<WatchEnding> ending{WatchEnding::None};
};

class WatchRegistry {
 public:
  std::shared_ptr<OpenWatch> add(Watch watch);
  void remove(const std::shared_ptr<OpenWatch>& open_watch);
  // Marks every open watch with `ending` and wakes it; returns how many there were.
  std::size_t end_all(WatchEnding ending);
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::set<std::shared_ptr<OpenWatch>> open_;
};

}  // namespace kubeemu
