#pragma once
// The controller's work queue, with client-go's semantics: a key is queued at most once however often it is
// added; a key being processed is never handed to a second worker (an add while it is processed re-queues it
// when done()); add_after() delays an add; add_rate_limited() delays by the key's own exponential backoff
// until forget(). Thread-safe.

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "runtime/metrics.hpp"

namespace zpo::runtime {

struct WorkQueueOptions {
  std::chrono::milliseconds base_delay{5};      // per-item backoff: base * 2^failures ...
  std::chrono::milliseconds max_delay{300000};  // ... capped here (5 min)
  std::string name = "zenlayerport";            // the "name" label of the workqueue_* metrics
  // workqueue_depth, workqueue_adds_total, workqueue_retries_total, workqueue_queue_duration_seconds,
  // workqueue_work_duration_seconds, workqueue_unfinished_work_seconds,
  // workqueue_longest_running_processor_seconds
  MetricsRegistry* metrics = nullptr;
};

class WorkQueue {
 public:
  explicit WorkQueue(WorkQueueOptions options = {});
  ~WorkQueue();

  void add(const std::string& key);
  void add_after(const std::string& key, std::chrono::nanoseconds delay);  // a sooner pending delay wins
  void add_rate_limited(const std::string& key);
  void forget(const std::string& key);  // clears the key's backoff
  int failures(const std::string& key) const;

  // Blocks until a key is ready or the queue shuts down (then nullopt, once nothing is left to hand out).
  std::optional<std::string> get();
  void done(const std::string& key);

  // For a draining stop: get() returns nullopt at once from now on (queued and delayed keys are dropped; the
  // next leader or the restarted process lists them again); keys being processed still end with done().
  void shut_down();
  std::size_t depth() const;  // keys ready now (not delayed, not in processing)

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zpo::runtime
