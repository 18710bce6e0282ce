// client-go's workqueue (queue + dirty + processing sets), its delaying queue and its per-item exponential
// failure rate limiter, in one lock. Delayed keys sit in a min-heap, and no timer thread is needed: one idle
// getter at a time (the timekeeper) sleeps until the earliest deadline and promotes what fell due; the other
// idle getters sleep until a key is ready. Every reconcile ends in an add_after(), so waking every idle
// worker on each one (to re-check the deadline) cost a context switch per worker per reconcile: at 10,000
// ports that was a tenth of the operator's CPU. Now an add_after() wakes only the timekeeper, and only when
// it brings the earliest deadline forward; a ready key wakes one getter.

#include "runtime/work_queue.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <queue>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace zpo::runtime {

namespace {
using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}
}  // namespace

struct WorkQueue::Impl {
  explicit Impl(WorkQueueOptions o) : options(std::move(o)), labels{{"name", options.name}} {
    if (options.metrics == nullptr) return;
    auto& m = *options.metrics;
    depth_gauge = &m.gauge("workqueue_depth", "Current depth of workqueue");
    adds = &m.counter("workqueue_adds_total", "Total number of adds handled by workqueue");
    retries = &m.counter("workqueue_retries_total", "Total number of retries handled by workqueue");
    queue_duration = &m.histogram("workqueue_queue_duration_seconds",
                                  "How long in seconds an item stays in workqueue before being requested",
                                  default_duration_buckets());
    work_duration = &m.histogram("workqueue_work_duration_seconds",
                                 "How long in seconds processing an item from workqueue takes",
                                 default_duration_buckets());
    unfinished =
        &m.gauge("workqueue_unfinished_work_seconds",
                 "How many seconds of work has been done that is in progress and hasn't been observed by "
                 "work_duration. Large values indicate stuck threads. One can deduce the number of stuck "
                 "threads by observing the rate at which this increases.");
    longest = &m.gauge("workqueue_longest_running_processor_seconds",
                       "How many seconds has the longest running processor for workqueue been running.");
    depth_gauge->set(labels, 0);
    // The two "running for how long" gauges only mean something when sampled at scrape time.
    collector_id = m.add_collector([this] { refresh_running_gauges(); });
  }

  ~Impl() {
    if (options.metrics != nullptr) options.metrics->remove_collector(collector_id);
  }

  void refresh_running_gauges() {
    std::lock_guard lock(mutex);
    auto now = Clock::now();
    double total = 0;
    double oldest = 0;
    for (const auto& [key, started] : processing_since) {
      double s = seconds_between(started, now);
      total += s;
      oldest = std::max(oldest, s);
    }
    unfinished->set(labels, total);
    longest->set(labels, oldest);
  }

  // Precondition: mutex held.
  void add_locked(const std::string& key) {
    if (shutting_down || dirty.contains(key)) return;
    if (adds) adds->inc(labels);
    dirty.insert(key);
    if (processing_since.contains(key)) return;  // done() re-queues it
    push_ready(key);
  }

  void push_ready(const std::string& key) {
    ready.push_back(key);
    queued_at[key] = Clock::now();
    if (depth_gauge) depth_gauge->set(labels, static_cast<double>(ready.size()));
    wake_one_getter();
  }

  // A key is ready: one idle getter takes it (the timekeeper when no other is idle).
  void wake_one_getter() {
    if (!wake_untimed_getter() && timekeeper) timekeeper_cv.notify_one();
  }

  // Wakes a getter sleeping without a deadline that no earlier call woke already; false when there is none.
  bool wake_untimed_getter() {
    if (untimed_getters <= untimed_woken) return false;
    ++untimed_woken;
    ready_cv.notify_one();
    return true;
  }

  // Moves every delayed key whose deadline has passed to the ready queue.
  void promote_due_locked(Clock::time_point now) {
    while (!delayed.empty() && delayed.top().first <= now) {
      auto [at, key] = delayed.top();
      delayed.pop();
      auto it = waiting.find(key);
      // A stale heap entry: the key was re-scheduled sooner (and already served) or dropped.
      if (it == waiting.end() || it->second != at) continue;
      waiting.erase(it);
      add_locked(key);
    }
  }

  WorkQueueOptions options;
  Labels labels;
  Gauge* depth_gauge = nullptr;
  Counter* adds = nullptr;
  Counter* retries = nullptr;
  Histogram* queue_duration = nullptr;
  Histogram* work_duration = nullptr;
  Gauge* unfinished = nullptr;
  Gauge* longest = nullptr;
  std::size_t collector_id = 0;

  mutable std::mutex mutex;
  std::condition_variable ready_cv;       // idle getters without a deadline
  int untimed_getters = 0;                // how many sleep on ready_cv ...
  int untimed_woken = 0;                  // ... and how many of them were notified and have not run yet
  std::condition_variable timekeeper_cv;  // the one idle getter sleeping until the earliest deadline
  bool timekeeper = false;
  Clock::time_point timekeeper_until{};
  std::deque<std::string> ready;          // handed out in order
  std::unordered_set<std::string> dirty;  // needs processing (queued, or re-added while processing)
  std::unordered_map<std::string, Clock::time_point> queued_at;
  // The keys handed out and not yet done(), with when they were handed out.
  std::unordered_map<std::string, Clock::time_point> processing_since;
  using Delayed = std::pair<Clock::time_point, std::string>;
  std::priority_queue<Delayed, std::vector<Delayed>, std::greater<>> delayed;
  std::unordered_map<std::string, Clock::time_point> waiting;  // the one live deadline per delayed key
  std::unordered_map<std::string, int> failures;
  bool shutting_down = false;
};

WorkQueue::WorkQueue(WorkQueueOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
WorkQueue::~WorkQueue() = default;

void WorkQueue::add(const std::string& key) {
  std::lock_guard lock(impl_->mutex);
  impl_->add_locked(key);
}

void WorkQueue::add_after(const std::string& key, std::chrono::nanoseconds delay) {
  std::lock_guard lock(impl_->mutex);
  if (impl_->shutting_down) return;
  if (delay <= std::chrono::nanoseconds::zero()) {
    impl_->add_locked(key);
    return;
  }
  auto at = Clock::now() + std::chrono::duration_cast<Clock::duration>(delay);
  auto it = impl_->waiting.find(key);
  if (it != impl_->waiting.end() && it->second <= at) return;  // a sooner pending delay wins
  impl_->waiting[key] = at;
  impl_->delayed.emplace(at, key);
  if (!impl_->timekeeper) {
    impl_->wake_untimed_getter();  // it becomes the timekeeper
  } else if (at < impl_->timekeeper_until) {
    impl_->timekeeper_cv.notify_one();  // it sleeps until a later deadline than this one
  }
}

void WorkQueue::add_rate_limited(const std::string& key) {
  std::chrono::nanoseconds delay{};
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->shutting_down) return;
    int exponent = impl_->failures[key]++;
    if (impl_->retries) impl_->retries->inc(impl_->labels);
    // base * 2^exponent without overflow: past the cap (or 2^62) it is the cap.
    auto base = std::chrono::duration_cast<std::chrono::nanoseconds>(impl_->options.base_delay);
    auto cap = std::chrono::duration_cast<std::chrono::nanoseconds>(impl_->options.max_delay);
    delay = base;
    for (int i = 0; i < exponent && delay < cap; ++i)
      delay *= 2;
    delay = std::min(delay, cap);
  }
  add_after(key, delay);
}

void WorkQueue::forget(const std::string& key) {
  std::lock_guard lock(impl_->mutex);
  impl_->failures.erase(key);
}

int WorkQueue::failures(const std::string& key) const {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->failures.find(key);
  return it == impl_->failures.end() ? 0 : it->second;
}

std::optional<std::string> WorkQueue::get() {
  std::unique_lock lock(impl_->mutex);
  auto& q = *impl_;
  for (;;) {
    if (q.shutting_down) return std::nullopt;
    auto now = Clock::now();
    q.promote_due_locked(now);
    if (!q.ready.empty()) break;
    if (!q.delayed.empty() && !q.timekeeper) {
      q.timekeeper = true;
      q.timekeeper_until = q.delayed.top().first;  // a copy: the heap changes while the lock is released
      q.timekeeper_cv.wait_until(lock, q.timekeeper_until);
      q.timekeeper = false;
    } else {
      ++q.untimed_getters;
      q.ready_cv.wait(lock);
      --q.untimed_getters;
      if (q.untimed_woken > 0) --q.untimed_woken;
    }
  }
  std::string key = std::move(q.ready.front());
  q.ready.pop_front();
  q.dirty.erase(key);
  auto now = Clock::now();
  q.processing_since[key] = now;
  if (auto it = q.queued_at.find(key); it != q.queued_at.end()) {
    if (q.queue_duration) q.queue_duration->observe(q.labels, seconds_between(it->second, now));
    q.queued_at.erase(it);
  }
  if (q.depth_gauge) q.depth_gauge->set(q.labels, static_cast<double>(q.ready.size()));
  return key;
}

void WorkQueue::done(const std::string& key) {
  std::lock_guard lock(impl_->mutex);
  auto& q = *impl_;
  if (auto it = q.processing_since.find(key); it != q.processing_since.end()) {
    if (q.work_duration) q.work_duration->observe(q.labels, seconds_between(it->second, Clock::now()));
    q.processing_since.erase(it);
  }
  if (!q.shutting_down && q.dirty.contains(key)) q.push_ready(key);
}

void WorkQueue::shut_down() {
  std::lock_guard lock(impl_->mutex);
  auto& q = *impl_;
  q.shutting_down = true;
  q.ready.clear();
  q.dirty.clear();
  q.queued_at.clear();
  q.waiting.clear();
  q.delayed = {};
  if (q.depth_gauge) q.depth_gauge->set(q.labels, 0);
  q.ready_cv.notify_all();
  q.timekeeper_cv.notify_all();
}

std::size_t WorkQueue::depth() const {
  std::lock_guard lock(impl_->mutex);
  impl_->promote_due_locked(Clock::now());
  return impl_->ready.size();
}

}  // namespace zpo::runtime
