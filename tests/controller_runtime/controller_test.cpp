// The controller's reconcileHandler rules, worker concurrency, metrics and the draining stop, with a fake
// reconcile function.

#include "runtime/controller.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "metrics_text.hpp"

namespace zpo::runtime {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Waits (bounded) for a condition another thread makes true.
template <typename Predicate>
bool eventually(Predicate done, std::chrono::milliseconds limit = 10s) {
  auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return done();
}

struct Calls {
  std::mutex mutex;
  std::map<std::string, int> count;
  std::map<std::string, std::vector<Clock::time_point>> times;
  void record(const std::string& key) {
    std::lock_guard lock(mutex);
    ++count[key];
    times[key].push_back(Clock::now());
  }
  int of(const std::string& key) {
    std::lock_guard lock(mutex);
    return count[key];
  }
};

class ControllerTest : public ::testing::Test {
 protected:
  void start(ReconcileFunction fn, int workers = 2) {
    controller_ = std::make_unique<Controller>(
        queue_, std::move(fn), ControllerOptions{.name = "zp", .workers = workers, .metrics = &registry_});
    thread_ = std::jthread([this] {
      controller_->run(stop_.get_token());
      returned_ = true;
    });
  }
  void stop() {
    stop_.request_stop();
    thread_.join();
  }
  std::map<std::string, double> samples() { return testing::parse_samples(registry_.render()); }

  MetricsRegistry registry_;
  WorkQueue queue_{{.base_delay = 5ms, .max_delay = 1s, .name = "zp", .metrics = &registry_}};
  std::stop_source stop_;
  std::unique_ptr<Controller> controller_;
  std::atomic<bool> returned_{false};
  std::jthread thread_;
};

TEST_F(ControllerTest, SuccessForgetsTheBackoffAndCountsSuccess) {
  Calls calls;
  start([&](const std::string& key, const std::stop_token&) {
    calls.record(key);
    return ReconcileResult{};
  });
  queue_.add_rate_limited("ns/a");  // one earlier failure on record
  ASSERT_TRUE(eventually([&] { return calls.of("ns/a") == 1; }));
  ASSERT_TRUE(eventually([&] { return queue_.failures("ns/a") == 0; }));
  stop();
  auto s = samples();
  EXPECT_EQ(s.at(R"(controller_runtime_reconcile_total{controller="zp",result="success"})"), 1);
  EXPECT_EQ(s.at(R"(controller_runtime_reconcile_total{controller="zp",result="error"})"), 0);
  EXPECT_EQ(s.at(R"(controller_runtime_reconcile_time_seconds_count{controller="zp"})"), 1);
  EXPECT_EQ(s.at(R"(controller_runtime_max_concurrent_reconciles{controller="zp"})"), 2);
  EXPECT_EQ(s.at(R"(controller_runtime_active_workers{controller="zp"})"), 0);
}

TEST_F(ControllerTest, AnExceptionRetriesWithGrowingBackoffUntilSuccess) {
  Calls calls;
  start([&](const std::string& key, const std::stop_token&) -> ReconcileResult {
    calls.record(key);
    if (calls.of(key) <= 3) throw std::runtime_error("cloud said 503");
    return {};
  });
  queue_.add("ns/a");
  ASSERT_TRUE(eventually([&] { return calls.of("ns/a") == 4; }));
  ASSERT_TRUE(eventually([&] { return queue_.failures("ns/a") == 0; }));  // the success forgot it
  stop();
  std::lock_guard lock(calls.mutex);
  auto& t = calls.times["ns/a"];
  // Retries 5 ms, 10 ms, 20 ms after each failure: gaps at least that long.
  EXPECT_GE(t[1] - t[0], 5ms);
  EXPECT_GE(t[2] - t[1], 10ms);
  EXPECT_GE(t[3] - t[2], 20ms);
  auto s = samples();
  EXPECT_EQ(s.at(R"(controller_runtime_reconcile_total{controller="zp",result="error"})"), 3);
  EXPECT_EQ(s.at(R"(controller_runtime_reconcile_errors_total{controller="zp"})"), 3);
  EXPECT_EQ(s.at(R"(controller_runtime_reconcile_total{controller="zp",result="success"})"), 1);
  EXPECT_EQ(s.at(R"(workqueue_retries_total{name="zp"})"), 3);
}

TEST_F(ControllerTest, RequeueAfterForgetsTheBackoffAndComesBackAfterTheDelay) {
  Calls calls;
  start([&](const std::string& key, const std::stop_token&) -> ReconcileResult {
    calls.record(key);
    if (calls.of(key) == 1) throw std::runtime_error("first");
    if (calls.of(key) == 2) return {.requeue_after = 50ms};
    return {};
  });
  queue_.add("ns/a");
  ASSERT_TRUE(eventually([&] { return calls.of("ns/a") == 3; }));
  stop();
  EXPECT_EQ(queue_.failures("ns/a"), 0);
  std::lock_guard lock(calls.mutex);
  auto& t = calls.times["ns/a"];
  EXPECT_GE(t[2] - t[1], 50ms);
  EXPECT_EQ(samples().at(R"(controller_runtime_reconcile_total{controller="zp",result="requeue_after"})"), 1);
}

TEST_F(ControllerTest, RunsKeysConcurrentlyButNeverOneKeyTwice) {
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  std::mutex mutex;
  std::map<std::string, int> in_flight;
  std::atomic<bool> overlap{false};
  std::atomic<int> done{0};
  start(
      [&](const std::string& key, const std::stop_token&) {
        {
          std::lock_guard lock(mutex);
          if (in_flight[key]++ != 0) overlap = true;
        }
        int now = ++running;
        int seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(5ms);
        --running;
        {
          std::lock_guard lock(mutex);
          --in_flight[key];
        }
        ++done;
        return ReconcileResult{};
      },
      4);
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 8; ++i)
      queue_.add("ns/p" + std::to_string(i));
    std::this_thread::sleep_for(3ms);
  }
  ASSERT_TRUE(eventually([&] { return queue_.depth() == 0 && running == 0 && done >= 8; }));
  stop();
  EXPECT_FALSE(overlap.load());
  EXPECT_GE(peak.load(), 2);  // 4 workers, 8 keys of 5 ms each: they overlap
  EXPECT_LE(peak.load(), 4);
}

TEST_F(ControllerTest, StopLetsInFlightReconcilesFinishAndDropsTheRest) {
  std::mutex mutex;
  std::condition_variable cv;
  bool entered = false;
  bool release = false;
  std::atomic<int> finished{0};
  std::atomic<bool> saw_stop{false};
  start(
      [&](const std::string&, const std::stop_token& stop) {
        std::unique_lock lock(mutex);
        entered = true;
        cv.notify_all();
        cv.wait(lock, [&] { return release; });
        saw_stop = stop.stop_requested();
        ++finished;
        return ReconcileResult{};
      },
      1);
  queue_.add("ns/in-flight");
  queue_.add("ns/queued");
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(cv.wait_for(lock, 10s, [&] { return entered; }));
  }
  stop_.request_stop();  // run() is now draining: it waits for the in-flight reconcile
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(returned_.load());
  {
    std::lock_guard lock(mutex);
    release = true;
  }
  cv.notify_all();
  thread_.join();
  EXPECT_TRUE(returned_.load());
  EXPECT_EQ(finished.load(), 1);  // ns/queued was dropped
  EXPECT_TRUE(saw_stop.load());   // the reconcile could see the stop
}

}  // namespace
}  // namespace zpo::runtime
