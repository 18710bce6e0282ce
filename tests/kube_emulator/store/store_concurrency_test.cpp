#include <atomic>
#include <barrier>
#include <thread>

#include "test_types.hpp"

namespace kubeemu::testing {
namespace {

using ConcurrencyTest = StoreTest;

// Several threads read the same version and race to write it back: each round exactly one wins, the others
// get 409, and the counter ends at the number of rounds (no lost update).
TEST_F(ConcurrencyTest, RacingReadModifyWriteHasOneWinnerPerRound) {
  create_port("a", {{"portId", "p"}, {"bandwidthMbps", 0}});
  constexpr int kThreads = 4, kRounds = 50;
  std::barrier read_done(kThreads), round_done(kThreads);
  std::atomic<int> wins{0}, conflicts{0}, other{0};
  std::vector<int> wins_per_round(kRounds, 0);
  std::mutex m;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < kRounds; ++round) {
        json cur = store.get(ports, "default", "a");
        read_done.arrive_and_wait();
        cur["spec"]["bandwidthMbps"] = cur["spec"]["bandwidthMbps"].get<int>() + 1;
        try {
          store.update(ports, "default", "a", cur, "", {});
          ++wins;
          std::lock_guard lock(m);
          ++wins_per_round[round];
        } catch (const StatusError& e) {
          (e.code() == 409 ? conflicts : other)++;
        }
        round_done.arrive_and_wait();
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(wins.load(), kRounds);
  EXPECT_EQ(conflicts.load(), kRounds * (kThreads - 1));
  for (int w : wins_per_round)
    EXPECT_EQ(w, 1);
  EXPECT_EQ(store.get(ports, "default", "a")["spec"]["bandwidthMbps"], kRounds);
}

// Merge patches carry no resourceVersion: every one of them applies.
TEST_F(ConcurrencyTest, ConcurrentMergePatchesAllApply) {
  create_port("a");
  constexpr int kThreads = 4, kPatches = 100;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPatches; ++i) {
        const std::string key = "t" + std::to_string(t) + "-" + std::to_string(i);
        store.patch(ports, "default", "a", PatchType::Merge,
                    R"({"metadata":{"labels":{")" + key + R"(":"v"}}})", "", {});
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(store.get(ports, "default", "a")["metadata"]["labels"].size(), std::size_t{kThreads * kPatches});
}

// Watches drained on other threads see every event exactly once, in resourceVersion order, while writers run.
TEST_F(ConcurrencyTest, WatchersSeeEveryEventInOrderUnderConcurrentWrites) {
  constexpr int kWriters = 3, kPerWriter = 200;
  Watch w = store.watch(ports, "default", Opts().rv(std::to_string(store.resource_version())));
  std::vector<std::thread> writers;
  for (int t = 0; t < kWriters; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kPerWriter; ++i)
        create_port("w" + std::to_string(t) + "-" + std::to_string(i));
    });
  }
  uint64_t last = 0;
  int seen = 0;
  while (seen < kWriters * kPerWriter) {
    auto ev = w.next(std::chrono::seconds(5));
    ASSERT_TRUE(ev);
    const uint64_t rv = std::stoull(ev->object["metadata"]["resourceVersion"].get<std::string>());
    EXPECT_GT(rv, last);
    last = rv;
    ++seen;
  }
  for (auto& t : writers)
    t.join();
  EXPECT_FALSE(w.next(std::chrono::milliseconds(10)));
}

}  // namespace
}  // namespace kubeemu::testing
