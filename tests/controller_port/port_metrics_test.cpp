// The operator's own metric families as Prometheus renders them.

#include "port/port_metrics.hpp"

#include <gtest/gtest.h>

namespace zpo::port {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

TEST(PortMetrics, ApiAttemptsByActionAndCode) {
  runtime::MetricsRegistry registry;
  PortMetrics metrics(registry);
  zenlayer::AttemptRecord ok;
  ok.action = "DescribePorts";
  ok.duration = std::chrono::milliseconds(20);
  metrics.on_attempt(ok);
  zenlayer::AttemptRecord throttled = ok;
  throttled.code = "REQUEST_LIMIT_EXCEEDED";
  throttled.error_class = zenlayer::ErrorClass::Throttled;
  metrics.on_attempt(throttled);
  zenlayer::AttemptRecord no_reply;
  no_reply.action = "TerminatePort";
  no_reply.error_class = zenlayer::ErrorClass::Transport;
  metrics.on_attempt(no_reply);
  const std::string text = registry.render();
  EXPECT_TRUE(has_line(text, "zenlayer_api_requests_total{action=\"DescribePorts\",code=\"OK\"} 1")) << text;
  EXPECT_TRUE(has_line(
      text, "zenlayer_api_requests_total{action=\"DescribePorts\",code=\"REQUEST_LIMIT_EXCEEDED\"} 1"))
      << text;
  EXPECT_TRUE(has_line(text, "zenlayer_api_requests_total{action=\"TerminatePort\",code=\"NoReply\"} 1"))
      << text;
  EXPECT_TRUE(has_line(text, "zenlayer_api_request_duration_seconds_count{action=\"DescribePorts\"} 2"))
      << text;
}

TEST(PortMetrics, PhasesBatchesAndDeletions) {
  runtime::MetricsRegistry registry;
  PortMetrics metrics(registry);
  metrics.set_ports_by_phase({{"Ready", 3}, {"Terminating", 1}});
  metrics.set_ports_by_phase({{"Ready", 2}});
  metrics.on_describe(100);
  metrics.on_describe(7);
  metrics.on_deletion_done(42.0);
  const std::string text = registry.render();
  EXPECT_TRUE(has_line(text, "zenlayer_ports{phase=\"Ready\"} 2")) << text;
  EXPECT_TRUE(has_line(text, "zenlayer_ports{phase=\"Terminating\"} 0")) << "an emptied phase drops to 0\n"
                                                                         << text;
  EXPECT_TRUE(has_line(text, "zenlayer_port_observe_batch_size_count 2")) << text;
  EXPECT_TRUE(has_line(text, "zenlayer_port_observe_batch_size_sum 107")) << text;
  EXPECT_TRUE(has_line(text, "zenlayer_port_deletion_duration_seconds_count 1")) << text;
}

}  // namespace
}  // namespace zpo::port
