// The registry renders what Prometheus parses: HELP/TYPE per family, sorted families, escaped label values,
// cumulative histogram buckets; and it stays consistent under concurrent updates.

#include "runtime/metrics.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "metrics_text.hpp"
#include "runtime/process_metrics.hpp"

namespace zpo::runtime {
namespace {

using testing::parse_samples;

TEST(Metrics, CountersAndGaugesRenderWithHelpTypeAndLabels) {
  MetricsRegistry registry;
  auto& calls = registry.counter("zenlayer_api_calls_total", "Zenlayer API calls by action and result code.");
  calls.inc({{"action", "TerminatePort"}, {"code", "OK"}});
  calls.inc({{"action", "TerminatePort"}, {"code", "OK"}}, 2);
  auto& ports = registry.gauge("zenlayer_ports", "Ports by phase.");
  ports.set({{"phase", "Ready"}}, 5);
  ports.add({{"phase", "Ready"}}, -2);
  std::string text = registry.render();
  EXPECT_NE(text.find("# HELP zenlayer_api_calls_total Zenlayer API calls by action and result code.\n"
                      "# TYPE zenlayer_api_calls_total counter\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE zenlayer_ports gauge\n"), std::string::npos);
  auto samples = parse_samples(text);
  EXPECT_EQ(samples.at(R"(zenlayer_api_calls_total{action="TerminatePort",code="OK"})"), 3);
  EXPECT_EQ(samples.at(R"(zenlayer_ports{phase="Ready"})"), 3);
}

TEST(Metrics, FamiliesAreSortedByName) {
  MetricsRegistry registry;
  registry.gauge("zz", "last").set({}, 1);
  registry.counter("aa", "first").inc({});
  registry.gauge("mm", "middle").set({}, 2);
  std::string text = registry.render();
  auto aa = text.find("# HELP aa");
  auto mm = text.find("# HELP mm");
  auto zz = text.find("# HELP zz");
  EXPECT_LT(aa, mm);
  EXPECT_LT(mm, zz);
  EXPECT_NE(text.find("\naa 1\n"), std::string::npos) << text;
}

TEST(Metrics, EscapesLabelValuesAndHelp) {
  MetricsRegistry registry;
  registry.counter("c", "line one\nback\\slash").inc({{"key", "ns/a\"b\\c\nd"}});
  std::string text = registry.render();
  EXPECT_NE(text.find("# HELP c line one\\nback\\\\slash\n"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(c{key="ns/a\"b\\c\nd"} 1)"), std::string::npos) << text;
}

TEST(Metrics, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  MetricsRegistry registry;
  auto& h = registry.histogram("reconcile_seconds", "Reconcile time.", {0.1, 1, 0.5});  // unsorted on purpose
  Labels labels{{"controller", "zp"}};
  for (double v : {0.05, 0.1, 0.3, 0.7, 2.0, 5.0})
    h.observe(labels, v);
  auto samples = parse_samples(registry.render());
  EXPECT_EQ(samples.at(R"(reconcile_seconds_bucket{controller="zp",le="0.1"})"), 2);  // le is inclusive
  EXPECT_EQ(samples.at(R"(reconcile_seconds_bucket{controller="zp",le="0.5"})"), 3);
  EXPECT_EQ(samples.at(R"(reconcile_seconds_bucket{controller="zp",le="1"})"), 4);
  EXPECT_EQ(samples.at(R"(reconcile_seconds_bucket{controller="zp",le="+Inf"})"), 6);
  EXPECT_DOUBLE_EQ(samples.at(R"(reconcile_seconds_sum{controller="zp"})"), 8.15);
  EXPECT_EQ(samples.at(R"(reconcile_seconds_count{controller="zp"})"), 6);
  EXPECT_NE(registry.render().find("# TYPE reconcile_seconds histogram\n"), std::string::npos);
}

TEST(Metrics, RegisteringAgainReturnsTheSameFamilyAndRejectsAMismatch) {
  MetricsRegistry registry;
  auto& a = registry.counter("x_total", "help");
  auto& b = registry.counter("x_total", "help");
  EXPECT_EQ(&a, &b);
  EXPECT_THROW(registry.gauge("x_total", "help"), std::logic_error);
  registry.histogram("h", "help", {1, 2});
  EXPECT_THROW(registry.histogram("h", "help", {1, 3}), std::logic_error);
  EXPECT_THROW(a.inc({}, -1), std::invalid_argument);
}

TEST(Metrics, ConcurrentUpdatesAreAllCounted) {
  MetricsRegistry registry;
  auto& c = registry.counter("hits_total", "hits");
  auto& h = registry.histogram("lat", "latency", default_duration_buckets());
  constexpr int kThreads = 8;
  constexpr int kPerThread = 20000;
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        Labels mine{{"worker", std::to_string(t % 2)}};
        for (int i = 0; i < kPerThread; ++i) {
          c.inc(mine);
          h.observe({}, 0.01);
          if (i % 1000 == 0) registry.render();  // scrapes race with updates
        }
      });
    }
  }
  auto samples = parse_samples(registry.render());
  EXPECT_EQ(samples.at(R"(hits_total{worker="0"})") + samples.at(R"(hits_total{worker="1"})"),
            kThreads * kPerThread);
  EXPECT_EQ(samples.at("lat_count"), kThreads * kPerThread);
  EXPECT_EQ(samples.at(R"(lat_bucket{le="0.01"})"), kThreads * kPerThread);
  EXPECT_EQ(samples.at(R"(lat_bucket{le="0.005"})"), 0);
}

TEST(Metrics, CollectorsRefreshBeforeRenderingUntilRemoved) {
  MetricsRegistry registry;
  auto& g = registry.gauge("sampled", "sampled at scrape");
  int scrapes = 0;
  auto id = registry.add_collector([&] { g.set({}, ++scrapes); });
  EXPECT_EQ(parse_samples(registry.render()).at("sampled"), 1);
  EXPECT_EQ(parse_samples(registry.render()).at("sampled"), 2);
  registry.remove_collector(id);
  EXPECT_EQ(parse_samples(registry.render()).at("sampled"), 2);
}

TEST(ProcessMetrics, ReportsResidentMemoryAndStartTime) {
  MetricsRegistry registry;
  register_process_metrics(registry);
  std::vector<char> ballast(64 << 20, 1);  // touched, so resident
  auto samples = parse_samples(registry.render());
  EXPECT_GT(samples.at("process_resident_memory_bytes"), 64 << 20);
  EXPECT_GE(samples.at("process_resident_memory_peak_bytes"), samples.at("process_resident_memory_bytes"));
  EXPECT_GE(samples.at("process_virtual_memory_bytes"), samples.at("process_resident_memory_bytes"));
  double start = samples.at("process_start_time_seconds");
  double now = static_cast<double>(std::time(nullptr));
  EXPECT_LE(start, now + 1);
  EXPECT_GT(start, now - 3600);  // this test binary started within the hour
  EXPECT_EQ(ballast[12345], 1);
}

}  // namespace
}  // namespace zpo::runtime
