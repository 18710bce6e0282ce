#pragma once
// The operator's own Prometheus families: Zenlayer API calls by action and result code, their duration, ports
// by phase, how long deletions take, and how many ports each DescribePorts call carries.

#include <map>
#include <string>

#include "runtime/metrics.hpp"
#include "zenlayer/client.hpp"

namespace zpo::port {

class PortMetrics {
 public:
  explicit PortMetrics(runtime::MetricsRegistry& registry);

  // Hooked into zenlayer::ClientOptions::observer: one count per HTTP attempt, code "OK" on success.
  void on_attempt(const zenlayer::AttemptRecord& attempt);
  void on_describe(std::size_t port_ids);
  void on_deletion_done(double seconds);
  // Every phase is set, absent ones to 0, so a phase that empties does not keep its last count.
  void set_ports_by_phase(const std::map<std::string, int>& counts);

 private:
  runtime::Counter& api_requests_;
  runtime::Histogram& api_duration_;
  runtime::Gauge& ports_;
  runtime::Histogram& deletion_duration_;
  runtime::Histogram& batch_size_;
};

}  // namespace zpo::port
