// controller-runtime's Controller: workers take keys from the queue, reconcile them, and decide how the key
// comes back (reconcileHandler). The queue guarantees one worker per key, so reconciles of one resource never
// overlap.

#include "runtime/controller.hpp"

#include <exception>
#include <thread>
#include <vector>

#include "runtime/log.hpp"

namespace zpo::runtime {

Controller::Controller(WorkQueue& queue, ReconcileFunction reconcile, ControllerOptions options)
    : queue_(queue),
      reconcile_(std::move(reconcile)),
      options_(std::move(options)),
      labels_{{"controller", options_.name}} {
  if (options_.workers < 1) options_.workers = 1;
  if (options_.metrics == nullptr) return;
  auto& m = *options_.metrics;
  total_ = &m.counter("controller_runtime_reconcile_total", "Total number of reconciliations per controller");
  errors_ = &m.counter("controller_runtime_reconcile_errors_total",
                       "Total number of reconciliation errors per controller");
  time_ = &m.histogram("controller_runtime_reconcile_time_seconds",
                       "Length of time per reconciliation per controller", default_duration_buckets());
  active_ = &m.gauge("controller_runtime_active_workers", "Number of currently used workers per controller");
  m.gauge("controller_runtime_max_concurrent_reconciles",
          "Maximum number of concurrent reconciles per controller")
      .set(labels_, options_.workers);
  active_->set(labels_, 0);
  // Present from the start, so a dashboard's rate() has a zero to start from.
  for (const char* result : {"success", "error", "requeue_after"})
    total_->inc({{"controller", options_.name}, {"result", result}}, 0);
  errors_->inc(labels_, 0);
}

void Controller::run(const std::stop_token& stop) {
  // Shutting the queue down is what ends the workers: get() returns nullopt, in-flight keys finish first.
  std::stop_callback drain(stop, [this] { queue_.shut_down(); });
  log_info("starting workers",
           {field("controller", options_.name), field("workers", static_cast<long long>(options_.workers))});
  {
    std::vector<std::jthread> workers;
    workers.reserve(static_cast<std::size_t>(options_.workers));
    for (int i = 0; i < options_.workers; ++i) {
      workers.emplace_back([this, &stop] {
        while (auto key = queue_.get()) {
          reconcile_one(*key, stop);
          queue_.done(*key);
        }
      });
    }
  }  // joins
  log_info("all workers finished", {field("controller", options_.name)});
}

void Controller::reconcile_one(const std::string& key, const std::stop_token& stop) {
  if (active_) active_->add(labels_, 1);
  auto started = std::chrono::steady_clock::now();
  std::string result;
  std::optional<std::chrono::nanoseconds> requeue_after;
  std::optional<std::string> error;
  try {
    requeue_after = reconcile_(key, stop).requeue_after;
  } catch (const std::exception& e) {
    error = e.what();
  } catch (...) {
    error = "unknown exception";
  }
  if (error) {
    queue_.add_rate_limited(key);
    result = "error";
    if (errors_) errors_->inc(labels_);
    log_error("Reconciler error",
              {field("controller", options_.name), field("key", key), field("error", *error),
               field("retries", static_cast<long long>(queue_.failures(key)))});
  } else if (requeue_after) {
    // A requested look-again is not a failure: the backoff starts over.
    queue_.forget(key);
    queue_.add_after(key, *requeue_after);
    result = "requeue_after";
  } else {
    queue_.forget(key);
    result = "success";
  }
  if (time_)
    time_->observe(labels_,
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (total_) total_->inc({{"controller", options_.name}, {"result", result}});
  if (active_) active_->add(labels_, -1);
}

}  // namespace zpo::runtime
