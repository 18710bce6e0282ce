#include <thread>

#include "test_types.hpp"

namespace kubeemu::testing {
namespace {

using WatchTest = StoreTest;
using namespace std::chrono_literals;

std::string describe(const std::optional<WatchEvent>& ev) {
  if (!ev) return "none";
  return ev->type + " " + ev->object["metadata"].value("name", "") + "@" +
         ev->object["metadata"].value("resourceVersion", "");
}

TEST_F(WatchTest, FromZeroSendsCurrentObjectsThenChanges) {
  create_port("b");
  create_port("a");
  create_port("c", {{"portId", "p"}}, "kube-system");
  Watch w = store.watch(ports, "default", Opts().rv("0"));
  EXPECT_EQ(w.next(0ms)->object["metadata"]["name"], "a");
  EXPECT_EQ(w.next(0ms)->object["metadata"]["name"], "b");
  EXPECT_FALSE(w.next(0ms));
  json a = create_port("d");
  auto ev = w.next(1s);
  EXPECT_EQ(describe(ev), "ADDED d@" + rv_of(a));
}

TEST_F(WatchTest, FromResourceVersionReplaysHistoryInOrder) {
  const json a = create_port("a");
  json cur = a;
  cur["spec"]["portId"] = "p-2";
  cur = store.update(ports, "default", "a", cur, "", {}).object;
  create_port("b");
  store.remove(ports, "default", "a", {}, {});
  Watch w = store.watch(ports, "default", Opts().rv(rv_of(a)));
  EXPECT_EQ(describe(w.next(0ms)), "MODIFIED a@" + rv_of(cur));
  EXPECT_EQ(w.next(0ms)->type, "ADDED");
  EXPECT_EQ(w.next(0ms)->type, "DELETED");
  EXPECT_FALSE(w.next(0ms));
}

TEST_F(WatchTest, FiltersByNamespaceAndFieldSelector) {
  Watch w = store.watch(ports, "", Opts().fields("metadata.name=x").rv("0"));
  create_port("y");
  create_port("x", {{"portId", "p"}}, "kube-system");
  EXPECT_EQ(describe(w.next(1s)).substr(0, 7), "ADDED x");
  EXPECT_FALSE(w.next(20ms));
  Watch only_default = store.watch(ports, "default", Opts().rv("0"));
  EXPECT_EQ(only_default.next(0ms)->object["metadata"]["name"], "y");
  EXPECT_FALSE(only_default.next(0ms));
}

TEST_F(WatchTest, SelectorTransitionsBecomeAddedAndDeleted) {
  json cur = create_port("a");
  Watch w = store.watch(ports, "default", Opts().labels("app=web").rv(rv_of(cur)));
  cur =
      store.patch(ports, "default", "a", PatchType::Merge, R"({"metadata":{"labels":{"app":"web"}}})", "", {})
          .object;
  EXPECT_EQ(describe(w.next(1s)), "ADDED a@" + rv_of(cur));
  cur = store.patch(ports, "default", "a", PatchType::Merge, R"({"spec":{"portId":"z"}})", "", {}).object;
  EXPECT_EQ(describe(w.next(1s)), "MODIFIED a@" + rv_of(cur));
  cur =
      store.patch(ports, "default", "a", PatchType::Merge, R"({"metadata":{"labels":{"app":"db"}}})", "", {})
          .object;
  auto ev = w.next(1s);
  EXPECT_EQ(describe(ev), "DELETED a@" + rv_of(cur));
  EXPECT_EQ(ev->object["metadata"]["labels"]["app"], "web") << "the last state the watcher could see";
  store.patch(ports, "default", "a", PatchType::Merge, R"({"spec":{"portId":"q"}})", "", {});
  EXPECT_FALSE(w.next(20ms));
}

TEST_F(WatchTest, TooOldResourceVersionIs410) {
  Store small(2);
  small.register_type(port_type());
  for (const char* n : {"a", "b", "c", "d"})
    small.create(port_type(), "default", port(n), {});
  StatusError e = expect_status(410, [&] { small.watch(port_type(), "default", Opts().rv("1")); });
  EXPECT_EQ(std::string(e.what()), "too old resource version: 1 (2)");
  EXPECT_EQ(e.reason(), "Expired");
  Watch ok = small.watch(port_type(), "default", Opts().rv("2"));
  EXPECT_EQ(ok.next(0ms)->object["metadata"]["name"], "c");
}

TEST_F(WatchTest, FutureResourceVersionWaitsThen504) {
  const auto start = std::chrono::steady_clock::now();
  const std::string future = std::to_string(store.resource_version() + 5);
  StatusError e = expect_status(504, [&] { store.watch(ports, "default", Opts().rv(future)); });
  EXPECT_GE(std::chrono::steady_clock::now() - start, 2900ms);
  EXPECT_EQ(e.reason(), "Timeout");
  EXPECT_EQ(e.details()["causes"][0]["reason"], "ResourceVersionTooLarge");
}

TEST_F(WatchTest, FutureResourceVersionReachedInTimeWatches) {
  const std::string next = std::to_string(store.resource_version() + 1);
  std::thread writer([&] {
    std::this_thread::sleep_for(100ms);
    create_port("a");
  });
  Watch w = store.watch(ports, "default", Opts().rv(next));
  writer.join();
  create_port("b");
  EXPECT_EQ(w.next(1s)->object["metadata"]["name"], "b");
}

TEST_F(WatchTest, BookmarksCarryTheLatestResourceVersion) {
  Watch w = store.watch(ports, "default", Opts().rv("0").bookmarks());
  const json a = create_port("a");
  EXPECT_EQ(w.next(1s)->type, "ADDED");
  auto bm = w.next(10ms);
  ASSERT_TRUE(bm);
  EXPECT_EQ(bm->type, "BOOKMARK");
  EXPECT_EQ(bm->object, json({{"kind", "ZenlayerPort"},
                              {"apiVersion", "sdn.zenlayer.com/v1alpha1"},
                              {"metadata", {{"resourceVersion", rv_of(a)}}}}));
  Watch plain = store.watch(ports, "default", Opts().rv(rv_of(a)));
  EXPECT_FALSE(plain.next(10ms));
}

TEST_F(WatchTest, StopEndsTheWatchAndWakesTheReader) {
  Watch w = store.watch(ports, "default", {});
  std::thread stopper([&] {
    std::this_thread::sleep_for(50ms);
    w.stop();
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(w.next(5s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  stopper.join();
  EXPECT_TRUE(w.stopped());
  create_port("a");
  EXPECT_FALSE(w.next(0ms));
}

TEST_F(WatchTest, StopAllWatches) {
  Watch a = store.watch(ports, "default", {});
  Watch b = store.watch(leases, "", {});
  store.stop_all_watches();
  EXPECT_TRUE(a.stopped());
  EXPECT_TRUE(b.stopped());
}

TEST_F(WatchTest, SlowWatcherIsCutOffWith410WithoutBlockingWriters) {
  Store s(100, 5);
  s.register_type(port_type());
  Watch slow = s.watch(port_type(), "default", {});
  for (int i = 0; i < 20; ++i)
    s.create(port_type(), "default", port("p" + std::to_string(i)), {});
  auto ev = slow.next(0ms);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->type, "ERROR");
  EXPECT_EQ(ev->object["code"], 410);
  EXPECT_EQ(ev->object["reason"], "Expired");
  EXPECT_TRUE(slow.stopped());
  EXPECT_FALSE(slow.next(0ms));
  EXPECT_EQ(s.object_count(), 20u);
}

TEST_F(WatchTest, DroppedWatchIsForgotten) {
  { Watch w = store.watch(ports, "default", {}); }
  EXPECT_NO_THROW(create_port("a"));
}

// 10,000 stored objects and 100 open watches: every write reaches every watch, and writers stay fast because
// a write only queues shared pointers (the copies happen on the readers' threads).
TEST_F(WatchTest, HundredWatchersOverTenThousandObjects) {
  Store s;
  s.register_type(port_type());
  for (int i = 0; i < 10000; ++i)
    s.create(port_type(), "default", port("p" + std::to_string(i)), {});
  std::vector<Watch> watches;
  for (int i = 0; i < 100; ++i) {
    watches.push_back(s.watch(port_type(), "default", Opts().rv(std::to_string(s.resource_version()))));
  }
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) {
    s.patch(port_type(), "default", "p" + std::to_string(i * 7), PatchType::Merge,
            R"({"metadata":{"labels":{"round":")" + std::to_string(i) + R"("}}})", "", {});
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  std::size_t delivered = 0;
  for (auto& w : watches) {
    while (w.next(0ms))
      ++delivered;
  }
  EXPECT_EQ(delivered, 100u * 1000u);
  EXPECT_EQ(s.object_count(), 10000u);
  std::cout << "1000 patches over 10000 objects fanned out to 100 watches in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms\n";
}

}  // namespace
}  // namespace kubeemu::testing
