#pragma once
// A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text exposition
// format (version 0.0.4). Families are created once at start-up and then updated from any thread; an update is a
// hash lookup and an atomic add under a per-family lock.

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
  void inc(const Labels& labels, double by = 1.0);
};

class Gauge {
 public:
  void set(const Labels& labels, double value);
  void add(const Labels& labels, double by);
};

class Histogram {
 public:
  void observe(const Labels& labels, double value);
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

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// controller-runtime's default buckets for reconcile_time_seconds and workqueue durations.
std::vector<double> default_duration_buckets();

}  // namespace zpo::runtime
