// The work queue's client-go semantics: dedup, one worker per key, delays, per-key backoff, shutdown.

#include "runtime/work_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <set>
#include <thread>
#include <vector>

#include "metrics_text.hpp"

namespace zpo::runtime {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(WorkQueue, AKeyAddedManyTimesIsQueuedOnce) {
  WorkQueue q;
  q.add("a");
  q.add("b");
  q.add("a");
  q.add("a");
  EXPECT_EQ(q.depth(), 2u);
  EXPECT_EQ(q.get(), "a");
  EXPECT_EQ(q.get(), "b");
  EXPECT_EQ(q.depth(), 0u);
}

TEST(WorkQueue, AKeyAddedWhileProcessingIsRequeuedOnDoneNotHandedOut) {
  WorkQueue q;
  q.add("a");
  ASSERT_EQ(q.get(), "a");
  q.add("a");
  q.add("a");
  EXPECT_EQ(q.depth(), 0u);  // not ready while it is being processed
  q.done("a");
  EXPECT_EQ(q.depth(), 1u);
  EXPECT_EQ(q.get(), "a");
  q.done("a");
  EXPECT_EQ(q.depth(), 0u);
}

TEST(WorkQueue, DelayedKeysComeOutInDeadlineOrder) {
  WorkQueue q;
  auto start = Clock::now();
  q.add_after("late", 150ms);
  q.add_after("early", 50ms);
  q.add_after("now", 0ms);
  EXPECT_EQ(q.depth(), 1u);
  EXPECT_EQ(q.get(), "now");
  EXPECT_EQ(q.get(), "early");
  EXPECT_GE(Clock::now() - start, 50ms);
  EXPECT_EQ(q.get(), "late");
  EXPECT_GE(Clock::now() - start, 150ms);
}

TEST(WorkQueue, ASoonerDelayWinsAndALaterOneDoesNotPostpone) {
  WorkQueue q;
  auto start = Clock::now();
  q.add_after("a", 10s);
  q.add_after("a", 30ms);  // sooner: wins
  q.add_after("a", 20s);   // later: ignored
  EXPECT_EQ(q.get(), "a");
  auto waited = Clock::now() - start;
  EXPECT_GE(waited, 30ms);
  EXPECT_LT(waited, 5s);
  q.done("a");
  EXPECT_EQ(q.depth(), 0u);  // the superseded deadlines do not hand it out again
}

TEST(WorkQueue, AGetBlockedOnNothingWakesForANewDelayedKey) {
  WorkQueue q;
  auto got = std::async(std::launch::async, [&] { return q.get(); });
  std::this_thread::sleep_for(20ms);  // let get() block first (the result does not depend on it)
  q.add_after("a", 20ms);
  ASSERT_EQ(got.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(got.get(), "a");
}

// Idle getters: one keeps the time (sleeps until the earliest deadline), the others sleep until a key is
// ready. A sooner deadline must reach the one keeping the time, and a ready key must reach a getter even when
// the only idle one is keeping the time.
TEST(WorkQueue, ASoonerDeadlineWakesTheGetterWaitingForALaterOne) {
  WorkQueue q;
  std::vector<std::future<std::optional<std::string>>> getters;
  for (int i = 0; i < 4; ++i)
    getters.push_back(std::async(std::launch::async, [&] { return q.get(); }));
  std::this_thread::sleep_for(20ms);  // let them block first
  q.add_after("late", 60s);
  std::this_thread::sleep_for(20ms);  // one of them now sleeps until "late" is due
  auto start = Clock::now();
  q.add_after("soon", 30ms);
  std::optional<std::string> got;
  while (!got && Clock::now() - start < 10s) {
    for (auto& getter : getters) {
      if (getter.valid() && getter.wait_for(1ms) == std::future_status::ready) got = getter.get();
    }
  }
  EXPECT_EQ(got, "soon");
  q.shut_down();
}

TEST(WorkQueue, AReadyKeyWakesTheOnlyIdleGetterWhileItKeepsTheTime) {
  WorkQueue q;
  q.add_after("late", 60s);
  auto got = std::async(std::launch::async, [&] { return q.get(); });
  std::this_thread::sleep_for(20ms);  // it sleeps until "late" is due
  q.add("now");
  ASSERT_EQ(got.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(got.get(), "now");
  q.shut_down();
}

TEST(WorkQueue, WhenTheTimekeeperTakesAKeyAnotherIdleGetterKeepsTheTime) {
  WorkQueue q;
  auto first = std::async(std::launch::async, [&] { return q.get(); });
  auto second = std::async(std::launch::async, [&] { return q.get(); });
  std::this_thread::sleep_for(20ms);
  q.add_after("a", 20ms);
  q.add_after("b", 200ms);
  // Whichever getter takes "a" leaves; the other must wake for "b" on its own, with nobody calling get()
  // again.
  ASSERT_EQ(first.wait_for(10s), std::future_status::ready);
  ASSERT_EQ(second.wait_for(10s), std::future_status::ready);
  std::set<std::optional<std::string>> keys{first.get(), second.get()};
  EXPECT_EQ(keys, (std::set<std::optional<std::string>>{"a", "b"}));
}

TEST(WorkQueue, RateLimitedDelaysDoubleFromBaseUpToTheCapAndForgetResets) {
  WorkQueue q({.base_delay = 10ms, .max_delay = 40ms, .name = "t", .metrics = nullptr});
  std::vector<std::chrono::nanoseconds> waits;
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(q.failures("k"), i);
    auto start = Clock::now();
    q.add_rate_limited("k");
    ASSERT_EQ(q.get(), "k");
    waits.push_back(Clock::now() - start);
    q.done("k");
  }
  // 10, 20, 40, 40, 40 ms: each at least its due delay (upper bounds are left generous on a loaded machine).
  EXPECT_GE(waits[0], 10ms);
  EXPECT_GE(waits[1], 20ms);
  EXPECT_GE(waits[2], 40ms);
  EXPECT_GE(waits[4], 40ms);
  EXPECT_LT(waits[4], 5s);
  q.forget("k");
  EXPECT_EQ(q.failures("k"), 0);
  auto start = Clock::now();
  q.add_rate_limited("k");
  ASSERT_EQ(q.get(), "k");
  EXPECT_GE(Clock::now() - start, 10ms);
  EXPECT_EQ(q.failures("k"), 1);
}

TEST(WorkQueue, BackoffIsPerKey) {
  WorkQueue q({.base_delay = 1ms, .max_delay = 1s, .name = "t", .metrics = nullptr});
  q.add_rate_limited("a");
  q.add_rate_limited("a");
  q.add_rate_limited("b");
  EXPECT_EQ(q.failures("a"), 2);
  EXPECT_EQ(q.failures("b"), 1);
  EXPECT_EQ(q.failures("c"), 0);
}

TEST(WorkQueue, ShutDownWakesBlockedGettersAndDropsQueuedAndDelayedKeys) {
  WorkQueue q;
  std::vector<std::future<std::optional<std::string>>> getters;
  for (int i = 0; i < 3; ++i)
    getters.push_back(std::async(std::launch::async, [&] { return q.get(); }));
  std::this_thread::sleep_for(20ms);
  q.shut_down();
  for (auto& g : getters) {
    ASSERT_EQ(g.wait_for(10s), std::future_status::ready);
    EXPECT_EQ(g.get(), std::nullopt);
  }
  q.add("late");
  q.add_after("later", 1ms);
  EXPECT_EQ(q.get(), std::nullopt);
  EXPECT_EQ(q.depth(), 0u);
}

TEST(WorkQueue, InFlightKeysStillFinishAfterShutDown) {
  WorkQueue q;
  q.add("a");
  q.add("b");
  ASSERT_EQ(q.get(), "a");
  q.add("a");
  q.shut_down();
  q.done("a");  // no re-queue after shutdown
  EXPECT_EQ(q.get(), std::nullopt);
}

// Many workers hammer few keys with adds; no key may ever be held by two workers at once, and every add made
// after a key's last get() is eventually processed (nothing is lost).
TEST(WorkQueue, NeverHandsOneKeyToTwoWorkers) {
  WorkQueue q;
  constexpr int kKeys = 8;
  constexpr int kWorkers = 8;
  constexpr int kAddsPerProducer = 20000;
  std::array<std::atomic<int>, kKeys> holders{};
  std::atomic<bool> overlap{false};
  std::atomic<int> processed{0};
  std::vector<std::jthread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&] {
      while (auto key = q.get()) {
        int k = std::stoi(*key);
        if (holders[k].fetch_add(1) != 0) overlap = true;
        std::this_thread::yield();
        holders[k].fetch_sub(1);
        processed.fetch_add(1);
        q.done(*key);
      }
    });
  }
  {
    std::vector<std::jthread> producers;
    for (int p = 0; p < 4; ++p) {
      producers.emplace_back([&, p] {
        for (int i = 0; i < kAddsPerProducer; ++i) {
          auto key = std::to_string((i + p) % kKeys);
          if (i % 7 == 0) {
            q.add_after(key, 100us);
          } else {
            q.add(key);
          }
        }
      });
    }
  }
  // Drain: the queue must empty out (delayed keys included) with nothing left being processed.
  auto deadline = Clock::now() + 20s;
  while (Clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
    if (q.depth() == 0 &&
        std::all_of(holders.begin(), holders.end(), [](auto& h) { return h.load() == 0; })) {
      std::this_thread::sleep_for(20ms);  // a last delayed add may still be due
      if (q.depth() == 0) break;
    }
  }
  q.shut_down();
  workers.clear();
  EXPECT_FALSE(overlap.load());
  EXPECT_GE(processed.load(), kKeys);
  EXPECT_LE(processed.load(), 4 * kAddsPerProducer);
}

TEST(WorkQueue, RecordsWorkqueueMetricsUnderItsName) {
  MetricsRegistry registry;
  {
    WorkQueue q({.base_delay = 1ms, .max_delay = 1s, .name = "zp", .metrics = &registry});
    q.add("a");
    q.add("a");
    q.add("b");
    auto samples = testing::parse_samples(registry.render());
    EXPECT_EQ(samples.at(R"(workqueue_depth{name="zp"})"), 2);
    EXPECT_EQ(samples.at(R"(workqueue_adds_total{name="zp"})"), 2);
    ASSERT_EQ(q.get(), "a");
    std::this_thread::sleep_for(5ms);
    samples = testing::parse_samples(registry.render());
    EXPECT_GT(samples.at(R"(workqueue_longest_running_processor_seconds{name="zp"})"), 0.004);
    EXPECT_GT(samples.at(R"(workqueue_unfinished_work_seconds{name="zp"})"), 0.004);
    q.add_rate_limited("a");
    q.done("a");
    samples = testing::parse_samples(registry.render());
    EXPECT_EQ(samples.at(R"(workqueue_retries_total{name="zp"})"), 1);
    EXPECT_EQ(samples.at(R"(workqueue_work_duration_seconds_count{name="zp"})"), 1);
    EXPECT_EQ(samples.at(R"(workqueue_queue_duration_seconds_count{name="zp"})"), 1);
    EXPECT_EQ(samples.at(R"(workqueue_longest_running_processor_seconds{name="zp"})"), 0);
    EXPECT_EQ(samples.at(R"(workqueue_depth{name="zp"})"), 1);
  }
  registry.render();  // the destroyed queue's collector is gone (ASan would catch a dangling one)
}

// The figure asked for: add + get + done round trips per second with 4 workers and 4 producers.
TEST(WorkQueueFigures, ThroughputWithFourWorkers) {
  WorkQueue q;
  constexpr int kItems = 200000;
  std::atomic<int> processed{0};
  auto start = Clock::now();
  {
    std::vector<std::jthread> workers;
    for (int w = 0; w < 4; ++w) {
      workers.emplace_back([&] {
        while (auto key = q.get()) {
          q.done(*key);
          if (processed.fetch_add(1) + 1 == kItems) q.shut_down();
        }
      });
    }
    std::vector<std::jthread> producers;
    for (int p = 0; p < 4; ++p) {
      producers.emplace_back([&, p] {
        for (int i = p; i < kItems; i += 4)
          q.add("ns/port-" + std::to_string(i));  // distinct keys: every add is a real item
      });
    }
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_EQ(processed.load(), kItems);
  std::printf("[figure] work queue add+get+done with 4 workers: %d items in %.3f s = %.0f ops/s\n", kItems,
              seconds, kItems / seconds);
}

}  // namespace
}  // namespace zpo::runtime
