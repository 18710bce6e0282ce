#include "port/port_metrics.hpp"

#include "port/zenlayer_port.hpp"

namespace zpo::port {

PortMetrics::PortMetrics(runtime::MetricsRegistry& registry)
    : api_requests_(
          registry.counter("zenlayer_api_requests_total",
                           "Zenlayer API HTTP attempts by action and result code (OK on success).")),
      api_duration_(registry.histogram("zenlayer_api_request_duration_seconds",
                                       "Duration of Zenlayer API HTTP attempts by action.",
                                       runtime::default_duration_buckets())),
      ports_(registry.gauge("zenlayer_ports", "ZenlayerPort resources by status.phase.")),
      deletion_duration_(registry.histogram(
          "zenlayer_port_deletion_duration_seconds",
          "From a ZenlayerPort's deletionTimestamp to the removal of the operator's finalizer.",
          {1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400})),
      batch_size_(registry.histogram("zenlayer_port_observe_batch_size",
                                     "Port ids carried by one DescribePorts call.",
                                     {1, 2, 5, 10, 20, 50, 100})) {}

void PortMetrics::on_attempt(const zenlayer::AttemptRecord& attempt) {
  const std::string code = attempt.error_class ? (attempt.code.empty() ? kNoReplyCode : attempt.code) : "OK";
  api_requests_.inc({{"action", attempt.action}, {"code", code}});
  api_duration_.observe({{"action", attempt.action}},
                        std::chrono::duration<double>(attempt.duration).count());
}

void PortMetrics::on_describe(std::size_t port_ids) {
  batch_size_.observe({}, static_cast<double>(port_ids));
}

void PortMetrics::on_deletion_done(double seconds) {
  deletion_duration_.observe({}, seconds);
}

void PortMetrics::set_ports_by_phase(const std::map<std::string, int>& counts) {
  for (const Phase phase : all_phases()) {
    const std::string name(to_string(phase));
    const auto it = counts.find(name);
    ports_.set({{"phase", name}}, it == counts.end() ? 0 : it->second);
  }
}

}  // namespace zpo::port
