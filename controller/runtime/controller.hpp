#pragma once
// Runs the reconcile function on N worker threads fed by the work queue, with controller-runtime's
// reconcileHandler rules: an exception backs the key off (add_rate_limited); a requeue_after forgets the
// backoff and re-adds the key after that delay; success forgets the backoff. Records controller_runtime_*
// metrics.

#include <chrono>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>

#include "runtime/metrics.hpp"
#include "runtime/work_queue.hpp"

namespace zpo::runtime {

struct ReconcileResult {
  std::optional<std::chrono::nanoseconds> requeue_after{};
};

// `stop` is requested when the operator shuts down: long waits inside should end early.
using ReconcileFunction = std::function<ReconcileResult(const std::string& key, const std::stop_token& stop)>;

struct ControllerOptions {
  std::string name = "zenlayerport";  // the "controller" label
  int workers = 4;
  MetricsRegistry* metrics = nullptr;  // controller_runtime_reconcile_total{controller,result},
                                       // controller_runtime_reconcile_errors_total{controller},
                                       // controller_runtime_reconcile_time_seconds{controller},
                                       // controller_runtime_max_concurrent_reconciles{controller},
                                       // controller_runtime_active_workers{controller}
};

class Controller {
 public:
  Controller(WorkQueue& queue, ReconcileFunction reconcile, ControllerOptions options);

  // Starts the workers and blocks until `stop`; then shuts the queue down, lets in-flight reconciles finish
  // and joins the workers (the SIGTERM drain).
  void run(const std::stop_token& stop);

 private:
  // One key through the reconcile function, with the reconcileHandler rules and the metrics.
  void reconcile_one(const std::string& key, const std::stop_token& stop);

  WorkQueue& queue_;
  ReconcileFunction reconcile_;
  ControllerOptions options_;
  Labels labels_;
  Counter* total_ = nullptr;
  Counter* errors_ = nullptr;
  Histogram* time_ = nullptr;
  Gauge* active_ = nullptr;
};

}  // namespace zpo::runtime
