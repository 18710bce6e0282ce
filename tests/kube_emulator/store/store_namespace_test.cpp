#include "test_types.hpp"

namespace kubeemu::testing {
namespace {

using NamespaceTest = StoreTest;
using namespace std::chrono_literals;

TEST_F(NamespaceTest, SystemNamespacesExist) {
  const json list = store.list(namespaces, "", {});
  std::vector<std::string> names;
  for (const auto& ns : list["items"])
    names.push_back(ns["metadata"]["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"default", "kube-node-lease", "kube-public", "kube-system"}));
  EXPECT_EQ(list["items"][0]["status"]["phase"], "Active");
  EXPECT_EQ(list["items"][0]["metadata"]["labels"]["kubernetes.io/metadata.name"], "default");
}

TEST_F(NamespaceTest, SystemNamespacesMayNotBeDeleted) {
  StatusError e = expect_status(403, [&] { store.remove(namespaces, "", "default", {}, {}); });
  EXPECT_EQ(std::string(e.what()), "namespaces \"default\" is forbidden: this namespace may not be deleted");
  EXPECT_FALSE(store.get(namespaces, "", "default")["metadata"].contains("deletionTimestamp"));
}

TEST_F(NamespaceTest, NamespaceNamesAreDnsLabels) {
  expect_status(422, [&] { store.create(namespaces, "", {{"metadata", {{"name", "a.b"}}}}, {}); });
  EXPECT_EQ(store.create(namespaces, "", {{"metadata", {{"name", "team-a"}}}}, {}).http_code, 201);
}

TEST_F(NamespaceTest, DeletingEmptyNamespaceRemovesIt) {
  store.create(namespaces, "", {{"metadata", {{"name", "team"}}}}, {});
  WriteResult r = store.remove(namespaces, "", "team", {}, {});
  EXPECT_EQ(r.object["status"]["phase"], "Terminating");
  expect_status(404, [&] { store.get(namespaces, "", "team"); });
}

TEST_F(NamespaceTest, DeletingNamespaceDeletesContentAndWaitsForFinalizers) {
  store.create(namespaces, "", {{"metadata", {{"name", "team"}}}}, {});
  json held = port("held");
  held["metadata"]["finalizers"] = {"sdn.zenlayer.com/release"};
  store.create(ports, "team", held, {});
  create_port("free", {{"portId", "p"}}, "team");
  store.create(leases, "team", {{"metadata", {{"name", "l"}}}}, {});
  create_port("elsewhere");

  WriteResult r = store.remove(namespaces, "", "team", {}, {});
  EXPECT_EQ(r.http_code, 200);
  EXPECT_EQ(r.object["status"]["phase"], "Terminating");
  EXPECT_TRUE(store.get(namespaces, "", "team")["metadata"].contains("deletionTimestamp"));
  expect_status(404, [&] { store.get(ports, "team", "free"); });
  expect_status(404, [&] { store.get(leases, "team", "l"); });
  EXPECT_TRUE(store.get(ports, "team", "held")["metadata"].contains("deletionTimestamp"));
  EXPECT_NO_THROW(store.get(ports, "default", "elsewhere"));

  // Creating in a terminating namespace is forbidden.
  StatusError e = expect_status(403, [&] { create_port("new", {{"portId", "p"}}, "team"); });
  EXPECT_EQ(e.reason(), "Forbidden");
  EXPECT_EQ(
      std::string(e.what()),
      "zenlayerports.sdn.zenlayer.com \"new\" is forbidden: unable to create new content in namespace team "
      "because it is being terminated");

  // The last finalizer released: the object goes, and the namespace with it.
  Watch w = store.watch(namespaces, "", Opts().rv(std::to_string(store.resource_version())));
  store.patch(ports, "team", "held", PatchType::Merge, R"({"metadata":{"finalizers":null}})", "", {});
  expect_status(404, [&] { store.get(ports, "team", "held"); });
  expect_status(404, [&] { store.get(namespaces, "", "team"); });
  auto ev = w.next(1s);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->type, "DELETED");
  EXPECT_EQ(ev->object["metadata"]["name"], "team");
}

TEST_F(NamespaceTest, RepeatedNamespaceDeleteChangesNothing) {
  store.create(namespaces, "", {{"metadata", {{"name", "team"}}}}, {});
  json held = port("held");
  held["metadata"]["finalizers"] = {"f"};
  store.create(ports, "team", held, {});
  store.remove(namespaces, "", "team", {}, {});
  const uint64_t rv = store.resource_version();
  store.remove(namespaces, "", "team", {}, {});
  EXPECT_EQ(store.resource_version(), rv);
}

}  // namespace
}  // namespace kubeemu::testing
