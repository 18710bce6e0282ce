#pragma once
// A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text exposition
// format (version 0.0.4). Families are created once at start-up and then updated from any thread; an update
// is a hash lookup and an atomic add under a per-family lock.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace zpo::runtime {

using Labels = std::vector<std::pair<std::string, std::string>>;  // in the family's label order

// The three family types are concrete classes (their private members are the implementer's); these member
// functions are the contract.
class Counter {
 public:
  void inc(const Labels& labels, double by = 1.0);  // `by` must not be negative (std::invalid_argument)

 private:
  friend class MetricsRegistry;
  mutable std::mutex mutex_;
  std::map<Labels, double> values_;
};

class Gauge {
 public:
  void set(const Labels& labels, double value);
  void add(const Labels& labels, double by);

 private:
  friend class MetricsRegistry;
  mutable std::mutex mutex_;
  std::map<Labels, double> values_;
};

class Histogram {
 public:
  void observe(const Labels& labels, double value);

 private:
  friend class MetricsRegistry;
  struct Series {
    std::vector<std::uint64_t> counts;  // per bucket, not cumulative; cumulated at render
    double sum = 0;
    std::uint64_t count = 0;
  };
  explicit Histogram(std::vector<double> buckets) : buckets_(std::move(buckets)) {}
  std::vector<double> buckets_;  // upper bounds, ascending, without +Inf
  mutable std::mutex mutex_;
  std::map<Labels, Series> series_;
};

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  // Registering the same name twice returns the same family (the help, type and buckets must match).
  Counter& counter(const std::string& name, const std::string& help);
  Gauge& gauge(const std::string& name, const std::string& help);
  Histogram& histogram(const std::string& name, const std::string& help, std::vector<double> buckets);
  // Every family, sorted by name, in the text format.
  std::string render() const;

  // Added to the seam: values sampled when scraped (process memory, a queue's oldest running item) are
  // refreshed by a collector that render() calls first. remove_collector() must be called before whatever the
  // collector reads goes away.
  std::size_t add_collector(std::function<void()> refresh);
  void remove_collector(std::size_t id);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// controller-runtime's default buckets for reconcile_time_seconds and workqueue durations.
std::vector<double> default_duration_buckets();

}  // namespace zpo::runtime
