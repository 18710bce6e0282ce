// The informer against the real kube-emulator binary: paged list, watch, resume after closed streams, re-list
// after 410 Expired, a paused server, prompt stop, a label selector (one shard of the collection), and the
// time to list and sync 2,000 objects.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include "informer_emulator_fixture.hpp"
#include "kube/informer.hpp"

namespace {

using namespace std::chrono_literals;
using k2test::eventually;
using k2test::json;
using k2test::KubeEmulator;
using k2test::port;
using k2test::port_path;
using zpo::kube::Informer;
using zpo::kube::InformerOptions;
using zpo::kube::PatchType;

InformerOptions options(std::size_t page_size = 500) {
  InformerOptions o;
  o.collection_path = k2test::kPorts;
  o.list_page_size = page_size;
  o.watch_timeout = 60s;
  return o;
}

// An informer running on its own thread, recording every key its change handler receives.
class RunningInformer {
 public:
  RunningInformer(zpo::kube::RestClient& client, InformerOptions o) : informer(client, std::move(o)) {
    informer.on_change([this](const std::string& key) {
      const std::lock_guard lock(mutex_);
      changes_.push_back(key);
    });
    thread_ = std::jthread([this](std::stop_token stop) { informer.run(stop); });
  }

  std::size_t changes_of(const std::string& key) {
    const std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(std::count(changes_.begin(), changes_.end(), key));
  }

  std::string label(const std::string& key, const std::string& name) {
    const auto object = informer.get(key);
    if (!object) return "<absent>";
    return object->value(json::json_pointer("/metadata/labels/" + name), std::string("<none>"));
  }

  // Stops run() and returns how long that took.
  std::chrono::milliseconds stop() {
    const auto started = std::chrono::steady_clock::now();
    thread_.request_stop();
    thread_.join();
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  }

  Informer informer;

 private:
  std::mutex mutex_;
  std::vector<std::string> changes_;
  std::jthread thread_;  // last: joined before the rest is destroyed
};

void set_label(KubeEmulator& emulator, const std::string& name, const std::string& label,
               const std::string& value) {
  emulator.client().patch(port_path(name), PatchType::Merge, {{"metadata", {{"labels", {{label, value}}}}}});
}

bool watch_open(KubeEmulator& emulator) {
  return emulator.admin("GET", "stats").value("openWatches", 0) >= 1;
}

TEST(InformerAgainstEmulator, ListsInPagesThenFollowsCreateUpdateDelete) {
  KubeEmulator emulator;
  for (const char* name : {"a", "b", "c"})
    emulator.client().create(k2test::kPorts, port(name));
  RunningInformer running(emulator.client(), options(2));
  ASSERT_TRUE(eventually([&] { return running.informer.has_synced(); }));
  EXPECT_EQ(running.informer.keys(), (std::vector<std::string>{"default/a", "default/b", "default/c"}));
  EXPECT_EQ(emulator.admin("GET", "stats")["byVerb"].value("list", 0), 2);  // 3 objects, 2 per page
  const auto a = running.informer.get("default/a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->value("kind", ""), "ZenlayerPort");
  EXPECT_EQ((*a)["spec"]["portId"], "port-a");

  emulator.client().create(k2test::kPorts, port("d"));
  EXPECT_TRUE(eventually([&] { return running.informer.get("default/d").has_value(); }));
  set_label(emulator, "a", "stage", "one");
  EXPECT_TRUE(eventually([&] { return running.label("default/a", "stage") == "one"; }));
  emulator.client().remove(port_path("b"));
  EXPECT_TRUE(eventually([&] { return !running.informer.get("default/b").has_value(); }));

  EXPECT_TRUE(eventually([&] { return running.changes_of("default/b") == 2; }));  // listed, deleted
  EXPECT_GE(running.changes_of("default/a"), 2u);
  EXPECT_EQ(running.changes_of("default/d"), 1u);
  EXPECT_EQ(running.informer.keys(), (std::vector<std::string>{"default/a", "default/c", "default/d"}));
  EXPECT_EQ(running.informer.relists(), 0u);
}

TEST(InformerAgainstEmulator, OurWriteIsVisibleAtOnceAndNotUndoneByTheWatch) {
  KubeEmulator emulator;
  emulator.client().create(k2test::kPorts, port("a"));
  RunningInformer running(emulator.client(), options());
  ASSERT_TRUE(eventually([&] { return running.informer.has_synced(); }));
  const json reply = emulator.client().patch(port_path("a"), PatchType::Merge,
                                             {{"metadata", {{"labels", {{"stage", "written"}}}}}});
  // The watch may bring the write before its reply reaches us (often under load): then the echo was news.
  const bool echo_after_reply = running.informer.observe_write(reply);
  EXPECT_EQ(running.label("default/a", "stage"), "written");  // no waiting: write-through
  EXPECT_FALSE(running.informer.observe_write(reply)) << "the same version again is not news";
  // The watch brings our write back (its echo wakes nobody), then someone else's change (that one does).
  set_label(emulator, "a", "other", "change");
  EXPECT_TRUE(eventually([&] { return running.label("default/a", "other") == "change"; }));
  EXPECT_EQ(running.label("default/a", "stage"), "written");
  std::this_thread::sleep_for(100ms);
  if (echo_after_reply) {
    EXPECT_EQ(running.changes_of("default/a"), 2u) << "listed, then the other change: the echo woke nobody";
  } else {
    EXPECT_EQ(running.changes_of("default/a"), 3u) << "listed, the write (by the watch), the other change";
  }

  emulator.client().remove(port_path("a"));
  running.informer.observe_deleted("default/a");
  EXPECT_FALSE(running.informer.get("default/a"));
}

TEST(InformerAgainstEmulator, ResumesClosedWatchesWithoutRelisting) {
  KubeEmulator emulator;
  emulator.client().create(k2test::kPorts, port("a"));
  RunningInformer running(emulator.client(), options());
  ASSERT_TRUE(eventually([&] { return running.informer.has_synced() && watch_open(emulator); }));
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(emulator.admin("POST", "close-watches").value("closed", 0), 1);
    // The write may land before the informer resumes: it resumes from its last version, so it still sees it.
    set_label(emulator, "a", "round", std::to_string(round));
    EXPECT_TRUE(eventually([&] { return running.label("default/a", "round") == std::to_string(round); }));
    ASSERT_TRUE(eventually([&] { return watch_open(emulator); }));
  }
  EXPECT_EQ(running.informer.relists(), 0u);
  EXPECT_EQ(emulator.admin("GET", "stats")["byVerb"].value("list", 0), 1);
}

TEST(InformerAgainstEmulator, WatchesEndedByTheServerEverySecondKeepConverging) {
  KubeEmulator emulator({"--watch-close-after-s", "1"});
  emulator.client().create(k2test::kPorts, port("a"));
  RunningInformer running(emulator.client(), options());
  ASSERT_TRUE(eventually([&] { return running.informer.has_synced(); }));
  ASSERT_TRUE(eventually([&] { return emulator.admin("GET", "stats")["byVerb"].value("watch", 0) >= 3; }));
  set_label(emulator, "a", "stage", "late");
  EXPECT_TRUE(eventually([&] { return running.label("default/a", "stage") == "late"; }));
  EXPECT_EQ(running.informer.relists(), 0u);
}

TEST(InformerAgainstEmulator, RelistsAfterExpiredWatchesWithoutMissingAnUpdate) {
  KubeEmulator emulator;
  for (const char* name : {"a", "b"})
    emulator.client().create(k2test::kPorts, port(name));
  RunningInformer running(emulator.client(), options());
  ASSERT_TRUE(eventually([&] { return running.informer.has_synced() && watch_open(emulator); }));

  EXPECT_EQ(emulator.admin("POST", "expire-watches").value("expired", 0), 1);
  set_label(emulator, "a", "stage", "after-expiry");
  EXPECT_TRUE(eventually([&] { return running.informer.relists() == 1; }));
  EXPECT_TRUE(eventually([&] { return running.label("default/a", "stage") == "after-expiry"; }));

  // Every watch request now fails with 410: the informer keeps re-listing (with backoff) and still converges.
  emulator.admin("PUT", "faults", {{"expireWatchRate", 1.0}});
  emulator.admin("POST", "close-watches");
  emulator.client().remove(port_path("b"));
  emulator.client().create(k2test::kPorts, port("c"));
  EXPECT_TRUE(eventually([&] { return running.informer.relists() >= 3; }));
  EXPECT_TRUE(eventually([&] {
    return running.informer.keys() == std::vector<std::string>{"default/a", "default/c"};
  }));
  emulator.admin("PUT", "faults", {{"expireWatchRate", 0.0}});
  set_label(emulator, "c", "stage", "healthy-again");
  EXPECT_TRUE(eventually([&] { return running.label("default/c", "stage") == "healthy-again"; }));
  EXPECT_GE(running.changes_of("default/b"), 2u);  // listed, then removed by a re-list or the watch
}

TEST(InformerAgainstEmulator, CatchesUpAfterAPausedServer) {
  KubeEmulator emulator;
  emulator.client().create(k2test::kPorts, port("a"));
  RunningInformer running(emulator.client(), options());
  ASSERT_TRUE(eventually([&] { return running.informer.has_synced() && watch_open(emulator); }));
  emulator.admin("POST", "pause", {{"seconds", 2}});
  emulator.admin("POST", "close-watches");           // the informer's next watch hangs until the pause ends
  set_label(emulator, "a", "stage", "after-pause");  // hangs too, then lands
  EXPECT_TRUE(eventually([&] { return running.label("default/a", "stage") == "after-pause"; }));
  EXPECT_EQ(running.informer.relists(), 0u);
}

TEST(InformerAgainstEmulator, StopEndsRunWithinASecond) {
  KubeEmulator emulator;
  {
    RunningInformer watching(emulator.client(), options());
    ASSERT_TRUE(eventually([&] { return watching.informer.has_synced() && watch_open(emulator); }));
    EXPECT_LT(watching.stop(), 1000ms);
  }
  // Also while backing off from a failing list.
  emulator.admin("PUT", "faults", {{"errorRate", 1.0}, {"errorCode", 503}});
  RunningInformer failing(emulator.client(), options());
  ASSERT_TRUE(eventually([&] { return emulator.admin("GET", "stats")["byVerb"].value("list", 0) >= 4; }));
  EXPECT_FALSE(failing.informer.has_synced());
  EXPECT_LT(failing.stop(), 1000ms);
}

TEST(InformerAgainstEmulator, ALabelSelectorKeepsOneShardThroughListWatchAndRelabelling) {
  KubeEmulator emulator;
  const auto labelled = [](const std::string& name, const std::string& shard) {
    json object = port(name);
    object["metadata"]["labels"] = {{"shard", shard}};
    return object;
  };
  for (const char* name : {"a1", "a2", "a3"})
    emulator.client().create(k2test::kPorts, labelled(name, "a"));
  emulator.client().create(k2test::kPorts, labelled("b1", "b"));
  emulator.client().create(k2test::kPorts, port("none"));
  InformerOptions o = options(2);  // paging carries the selector from page to page
  o.label_selector = zpo::kube::LabelSelector::parse("shard=a");
  RunningInformer running(emulator.client(), o);
  ASSERT_TRUE(eventually([&] { return running.informer.has_synced() && watch_open(emulator); }));
  EXPECT_EQ(running.informer.keys(), (std::vector<std::string>{"default/a1", "default/a2", "default/a3"}));

  emulator.client().create(k2test::kPorts, labelled("a4", "a"));
  emulator.client().create(k2test::kPorts, labelled("b2", "b"));
  EXPECT_TRUE(eventually([&] { return running.informer.get("default/a4").has_value(); }));
  set_label(emulator, "b1", "shard", "a");  // moved into the shard: ADDED
  EXPECT_TRUE(eventually([&] { return running.informer.get("default/b1").has_value(); }));
  set_label(emulator, "a1", "shard", "b");  // moved out: DELETED, and the handler is told
  EXPECT_TRUE(eventually([&] { return !running.informer.get("default/a1").has_value(); }));
  EXPECT_GE(running.changes_of("default/a1"), 2u);
  EXPECT_EQ(running.changes_of("default/b2"), 0u);
  EXPECT_EQ(running.changes_of("default/none"), 0u);

  // Our own write whose reply shows the object relabelled out of the shard takes it out of the cache at once.
  const json moved = emulator.client().patch(port_path("a2"), PatchType::Merge,
                                             {{"metadata", {{"labels", {{"shard", "c"}}}}}});
  running.informer.observe_write(moved);
  EXPECT_FALSE(running.informer.get("default/a2").has_value());
  EXPECT_TRUE(eventually([&] {
    return running.informer.keys() == std::vector<std::string>{"default/a3", "default/a4", "default/b1"};
  }));
  // It stays out, and a later relabel back into the shard brings it in again.
  std::this_thread::sleep_for(200ms);
  EXPECT_FALSE(running.informer.get("default/a2").has_value());
  set_label(emulator, "a2", "shard", "a");
  EXPECT_TRUE(eventually([&] { return running.informer.get("default/a2").has_value(); }));
  EXPECT_EQ(running.informer.relists(), 0u);
}

TEST(InformerAgainstEmulator, ListsTwoThousandObjectsInPages) {
  KubeEmulator emulator;
  constexpr int kObjects = 2000;
  for (int i = 0; i < kObjects; ++i)
    emulator.client().create(k2test::kPorts, port("p" + std::to_string(i)));
  const auto started = std::chrono::steady_clock::now();
  RunningInformer running(emulator.client(), options(500));
  ASSERT_TRUE(eventually([&] { return running.informer.has_synced(); }, 30s));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(running.informer.keys().size(), static_cast<std::size_t>(kObjects));
  EXPECT_EQ(emulator.admin("GET", "stats")["byVerb"].value("list", 0), 4);
  EXPECT_TRUE(eventually([&] { return running.changes_of("default/p1999") == 1; }));
  std::printf("informer: list+sync of %d objects in pages of 500: %lld ms\n", kObjects,
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()));
}

}  // namespace
