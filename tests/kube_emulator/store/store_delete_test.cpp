#include "test_types.hpp"

namespace kubeemu::testing {
namespace {

using DeleteTest = StoreTest;
using namespace std::chrono_literals;

json with_finalizer(json spec = {{"portId", "p-1"}}) {
  json p = port("a", std::move(spec));
  p["metadata"]["finalizers"] = {"sdn.zenlayer.com/release"};
  return p;
}

TEST_F(DeleteTest, WithoutFinalizersRemovesAndAnswersStatus) {
  const json cur = create_port("a");
  Watch w = store.watch(ports, "default", Opts().rv(rv_of(cur)));
  WriteResult r = store.remove(ports, "default", "a", json::object(), {});
  EXPECT_EQ(r.http_code, 200);
  EXPECT_EQ(r.object, json({{"kind", "Status"},
                            {"apiVersion", "v1"},
                            {"metadata", json::object()},
                            {"status", "Success"},
                            {"details",
                             {{"name", "a"},
                              {"group", "sdn.zenlayer.com"},
                              {"kind", "zenlayerports"},
                              {"uid", cur["metadata"]["uid"]}}}}));
  expect_status(404, [&] { store.get(ports, "default", "a"); });
  auto ev = w.next(1s);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->type, "DELETED");
  EXPECT_EQ(ev->object["metadata"]["resourceVersion"], std::to_string(store.resource_version()));
  EXPECT_NE(rv_of(ev->object), rv_of(cur));
}

TEST_F(DeleteTest, MissingIs404) {
  expect_status(404, [&] { store.remove(ports, "default", "a", {}, {}); });
}

TEST_F(DeleteTest, EmptyBodyIsAccepted) {
  create_port("a");
  EXPECT_EQ(store.remove(ports, "default", "a", json(), {}).object["status"], "Success");
}

TEST_F(DeleteTest, WithFinalizersMarksForDeletion) {
  const json cur = store.create(ports, "default", with_finalizer(), {}).object;
  Watch w = store.watch(ports, "default", Opts().rv(rv_of(cur)));
  WriteResult r = store.remove(ports, "default", "a", {{"propagationPolicy", "Background"}}, {});
  EXPECT_EQ(r.http_code, 200);
  EXPECT_EQ(r.object["kind"], "ZenlayerPort");
  EXPECT_TRUE(r.object["metadata"].contains("deletionTimestamp"));
  EXPECT_EQ(r.object["metadata"]["deletionGracePeriodSeconds"], 0);
  EXPECT_EQ(r.object["metadata"]["generation"], 2);
  auto ev = w.next(1s);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->type, "MODIFIED");
  EXPECT_EQ(store.get(ports, "default", "a"), r.object);

  // Deleting again changes nothing.
  const uint64_t rv = store.resource_version();
  EXPECT_EQ(store.remove(ports, "default", "a", {}, {}).object, r.object);
  EXPECT_EQ(store.resource_version(), rv);
}

TEST_F(DeleteTest, RemovingLastFinalizerDeletesAndReturnsFinalObject) {
  store.create(ports, "default", with_finalizer(), {});
  json marked = store.remove(ports, "default", "a", {}, {}).object;
  Watch w = store.watch(ports, "default", Opts().rv(rv_of(marked)));
  marked["metadata"]["finalizers"] = json::array();
  WriteResult r = store.update(ports, "default", "a", marked, "", {});
  EXPECT_EQ(r.http_code, 200);
  EXPECT_EQ(r.object["metadata"]["name"], "a");
  EXPECT_EQ(r.object["metadata"]["finalizers"], json::array());
  expect_status(404, [&] { store.get(ports, "default", "a"); });
  auto ev = w.next(1s);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->type, "DELETED");
  EXPECT_EQ(ev->object["metadata"]["resourceVersion"], r.object["metadata"]["resourceVersion"]);
}

TEST_F(DeleteTest, RemovingLastFinalizerByJsonPatchDeletes) {
  store.create(ports, "default", with_finalizer(), {});
  store.remove(ports, "default", "a", {}, {});
  store.patch(ports, "default", "a", PatchType::Json,
              R"([{"op":"test","path":"/metadata/finalizers/0","value":"sdn.zenlayer.com/release"},
                  {"op":"remove","path":"/metadata/finalizers/0"}])",
              "", {});
  expect_status(404, [&] { store.get(ports, "default", "a"); });
}

TEST_F(DeleteTest, StatusWriteOnDeletingObjectKeepsIt) {
  store.create(ports, "default", with_finalizer(), {});
  store.remove(ports, "default", "a", {}, {});
  WriteResult r = store.patch(ports, "default", "a", PatchType::Merge,
                              R"({"status":{"phase":"Terminating"}})", "status", {});
  EXPECT_EQ(r.object["status"]["phase"], "Terminating");
  EXPECT_EQ(store.get(ports, "default", "a")["status"]["phase"], "Terminating");
}

TEST_F(DeleteTest, AddingFinalizerWhileDeletingIs422) {
  store.create(ports, "default", with_finalizer(), {});
  store.remove(ports, "default", "a", {}, {});
  StatusError e = expect_status(422, [&] {
    store.patch(ports, "default", "a", PatchType::Merge,
                R"({"metadata":{"finalizers":["sdn.zenlayer.com/release","foo","bar"]}})", "", {});
  });
  EXPECT_EQ(std::string(e.what()),
            "ZenlayerPort.sdn.zenlayer.com \"a\" is invalid: metadata.finalizers: Forbidden: no new "
            "finalizers can be "
            "added if the object is being deleted, found new finalizers []string{\"foo\", \"bar\"}");
  EXPECT_EQ(e.details()["causes"][0]["reason"], "FieldValueForbidden");
  // Editing other fields and reordering are fine; deletion cannot be undone.
  json cur = store.get(ports, "default", "a");
  cur["metadata"].erase("deletionTimestamp");
  cur["spec"]["portId"] = "p-2";
  WriteResult r = store.update(ports, "default", "a", cur, "", {});
  EXPECT_TRUE(r.object["metadata"].contains("deletionTimestamp"));
  EXPECT_EQ(r.object["spec"]["portId"], "p-2");
}

TEST_F(DeleteTest, PreconditionsMismatchIs409) {
  const json cur = create_port("a");
  StatusError e = expect_status(409, [&] {
    store.remove(ports, "default", "a", {{"preconditions", {{"uid", "other"}}}}, {});
  });
  EXPECT_EQ(
      std::string(e.what()),
      "Operation cannot be fulfilled on zenlayerports.sdn.zenlayer.com \"a\": Precondition failed: UID in "
      "precondition: other, UID in object meta: " +
          cur["metadata"]["uid"].get<std::string>());
  expect_status(409, [&] {
    store.remove(ports, "default", "a", {{"preconditions", {{"resourceVersion", "1"}}}}, {});
  });
  EXPECT_EQ(
      store
          .remove(ports, "default", "a",
                  {{"preconditions", {{"uid", cur["metadata"]["uid"]}, {"resourceVersion", rv_of(cur)}}}}, {})
          .object["status"],
      "Success");
}

TEST_F(DeleteTest, DryRunWritesNothing) {
  store.create(ports, "default", with_finalizer(), {});
  create_port("b");
  const uint64_t rv = store.resource_version();
  WriteOptions dry;
  dry.dry_run = true;
  EXPECT_TRUE(store.remove(ports, "default", "a", {}, dry).object["metadata"].contains("deletionTimestamp"));
  EXPECT_EQ(store.remove(ports, "default", "b", {{"dryRun", {"All"}}}, {}).object["status"], "Success");
  EXPECT_EQ(store.resource_version(), rv);
  EXPECT_FALSE(store.get(ports, "default", "a")["metadata"].contains("deletionTimestamp"));
  EXPECT_NO_THROW(store.get(ports, "default", "b"));
}

TEST_F(DeleteTest, ClusterScopedStatusHasNoNamespace) {
  store.create(regions, "", {{"metadata", {{"name", "eu"}}}}, {});
  EXPECT_EQ(store.remove(regions, "", "eu", {}, {}).object["details"]["kind"], "regions");
}

TEST_F(DeleteTest, DeleteCollectionHonoursSelectorsAndFinalizers) {
  json a = with_finalizer();
  a["metadata"]["labels"] = {{"app", "x"}};
  store.create(ports, "default", a, {});
  json b = port("b");
  b["metadata"]["labels"] = {{"app", "x"}};
  store.create(ports, "default", b, {});
  create_port("c");
  WriteResult r = store.remove_collection(ports, "default", Opts().labels("app=x"), {});
  EXPECT_EQ(r.object["kind"], "ZenlayerPortList");
  ASSERT_EQ(r.object["items"].size(), 2u);
  EXPECT_TRUE(store.get(ports, "default", "a")["metadata"].contains("deletionTimestamp"));
  expect_status(404, [&] { store.get(ports, "default", "b"); });
  EXPECT_NO_THROW(store.get(ports, "default", "c"));
}

}  // namespace
}  // namespace kubeemu::testing
