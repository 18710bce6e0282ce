// The informer's cache rules (resourceVersion ordering, write-through, tombstones, re-list diffs) and its
// retry backoff, without a server.
#include "kube/informer_cache.hpp"

#include <gtest/gtest.h>

#include "kube/informer.hpp"
#include "kube/watch_backoff.hpp"

namespace {

using nlohmann::json;
using zpo::kube::detail::InformerCache;

json obj(const std::string& name, const std::string& rv, const std::string& phase = "") {
  json o = {{"metadata", {{"name", name}, {"namespace", "ns"}, {"resourceVersion", rv}}}};
  if (!phase.empty()) o["status"]["phase"] = phase;
  return o;
}

std::string phase_of(const InformerCache& cache, const std::string& key) {
  const auto o = cache.get(key);
  return o ? o->value("/status/phase"_json_pointer, std::string("?")) : std::string("absent");
}

TEST(ObjectKey, NamespaceSlashNameOrNameAlone) {
  EXPECT_EQ(zpo::kube::object_key(obj("a", "1")), "ns/a");
  EXPECT_EQ(zpo::kube::object_key(json{{"metadata", {{"name", "cluster-wide"}}}}), "cluster-wide");
  EXPECT_THROW(zpo::kube::object_key(json{{"metadata", json::object()}}), std::invalid_argument);
}

TEST(ResourceVersion, ComparedAsIntegersNotText) {
  using zpo::kube::detail::newer_than;
  EXPECT_TRUE(newer_than(obj("a", "10"), obj("a", "9")));  // "10" < "9" as text
  EXPECT_FALSE(newer_than(obj("a", "9"), obj("a", "10")));
  EXPECT_FALSE(newer_than(obj("a", "9"), obj("a", "9")));
  EXPECT_TRUE(newer_than(obj("a", "opaque"), obj("a", "9")));  // cannot compare: trust the server's order
}

TEST(InformerCache, UpsertKeepsTheNewerVersion) {
  InformerCache cache;
  EXPECT_TRUE(cache.upsert(obj("a", "5", "Ready")));
  EXPECT_TRUE(cache.upsert(obj("a", "7", "Terminating")));
  EXPECT_FALSE(cache.upsert(obj("a", "6", "Ready")));  // a late watch event after our write's reply
  EXPECT_FALSE(cache.upsert(obj("a", "7", "Ready")));
  EXPECT_EQ(phase_of(cache, "ns/a"), "Terminating");
}

TEST(InformerCache, DeleteEventRemovesUnlessTheNameWasRecreated) {
  InformerCache cache;
  cache.upsert(obj("a", "5"));
  EXPECT_TRUE(cache.erase(obj("a", "6")));
  EXPECT_FALSE(cache.get("ns/a"));
  EXPECT_FALSE(cache.erase(obj("a", "6")));  // already gone: nothing removed

  cache.upsert(obj("b", "9"));
  EXPECT_FALSE(cache.erase(obj("b", "8")));  // an older incarnation's deletion
  EXPECT_TRUE(cache.get("ns/b"));
}

TEST(InformerCache, ObservedDeletionIsNotUndoneByLateEventsButARecreationIsSeen) {
  InformerCache cache;
  cache.upsert(obj("a", "5", "Destroyed"));
  cache.erase_key("ns/a");
  EXPECT_FALSE(cache.get("ns/a"));
  EXPECT_FALSE(cache.upsert(obj("a", "4", "Ready")));
  EXPECT_FALSE(cache.upsert(obj("a", "5", "Destroyed")));
  EXPECT_FALSE(cache.get("ns/a"));
  cache.erase(obj("a", "6"));                           // the watch's DELETED ends the tombstone
  EXPECT_TRUE(cache.upsert(obj("a", "3", "Pending")));  // so any later version counts again
  EXPECT_EQ(phase_of(cache, "ns/a"), "Pending");
}

TEST(InformerCache, ReplaceReportsAddedChangedAndRemovedKeys) {
  InformerCache cache;
  EXPECT_EQ(cache.replace({obj("a", "1"), obj("b", "2"), obj("c", "3")}),
            (std::vector<std::string>{"ns/a", "ns/b", "ns/c"}));
  // a unchanged, b changed, c gone, d new.
  EXPECT_EQ(cache.replace({obj("a", "1"), obj("b", "4"), obj("d", "5")}),
            (std::vector<std::string>{"ns/b", "ns/c", "ns/d"}));
  EXPECT_EQ(cache.keys(), (std::vector<std::string>{"ns/a", "ns/b", "ns/d"}));
  EXPECT_EQ(cache.replace({}), (std::vector<std::string>{"ns/a", "ns/b", "ns/d"}));
  EXPECT_TRUE(cache.keys().empty());
}

TEST(InformerCache, ReplaceKeepsOurNewerWriteAndOurObservedDeletion) {
  InformerCache cache;
  cache.replace({obj("a", "1", "Ready"), obj("b", "2", "Ready")});
  cache.upsert(obj("a", "9", "Terminating"));  // our write, after the next list's snapshot
  cache.erase_key("ns/b");                     // our delete, after it too
  EXPECT_TRUE(cache.replace({obj("a", "1", "Ready"), obj("b", "2", "Ready")}).empty());
  EXPECT_EQ(phase_of(cache, "ns/a"), "Terminating");
  EXPECT_EQ(phase_of(cache, "ns/b"), "absent");
  // The list cleared the tombstone: a later list that still holds b is the truth.
  EXPECT_EQ(cache.replace({obj("a", "9", "Terminating"), obj("b", "2", "Ready")}),
            std::vector<std::string>{"ns/b"});
}

TEST(WatchBackoff, DoublesWithJitterUpToTheCapAndResets) {
  using std::chrono::milliseconds;
  zpo::kube::detail::WatchBackoff backoff(42);
  milliseconds ceiling(200);
  for (int i = 0; i < 12; ++i) {
    const milliseconds wait = backoff.next();
    EXPECT_GE(wait, ceiling / 2) << i;
    EXPECT_LE(wait, ceiling) << i;
    ceiling = std::min(milliseconds(30000), ceiling * 2);
  }
  EXPECT_GE(backoff.next(), milliseconds(15000));  // capped, not overflowing
  backoff.reset();
  EXPECT_LE(backoff.next(), milliseconds(200));
}

TEST(WatchBackoff, JitterSpreadsClients) {
  zpo::kube::detail::WatchBackoff a(1);
  zpo::kube::detail::WatchBackoff b(2);
  bool differ = false;
  for (int i = 0; i < 8; ++i)
    differ = differ || a.next() != b.next();
  EXPECT_TRUE(differ);
}

}  // namespace
