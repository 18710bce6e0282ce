#include "test_types.hpp"

namespace kubeemu::testing {
namespace {

using ListTest = StoreTest;

std::vector<std::string> names(const json& list) {
  std::vector<std::string> out;
  for (const auto& item : list["items"]) {
    out.push_back(item["metadata"].value("namespace", "") + "/" +
                  item["metadata"]["name"].get<std::string>());
  }
  return out;
}

TEST_F(ListTest, EmptyListHasItemsArrayKindAndVersion) {
  const json list = store.list(ports, "default", {});
  EXPECT_EQ(list["kind"], "ZenlayerPortList");
  EXPECT_EQ(list["apiVersion"], "sdn.zenlayer.com/v1alpha1");
  EXPECT_TRUE(list["items"].is_array());
  EXPECT_TRUE(list["items"].empty());
  EXPECT_EQ(list["metadata"]["resourceVersion"], std::to_string(store.resource_version()));
  EXPECT_EQ(list.dump().find("null"), std::string::npos);
}

TEST_F(ListTest, SortedByNamespaceThenNameAcrossNamespaces) {
  store.create(namespaces, "", {{"metadata", {{"name", "a-b"}}}}, {});
  create_port("z");
  create_port("b", {{"portId", "p"}}, "kube-system");
  create_port("a");
  create_port("m", {{"portId", "p"}}, "a-b");
  EXPECT_EQ(names(store.list(ports, "", {})),
            (std::vector<std::string>{"a-b/m", "default/a", "default/z", "kube-system/b"}));
  EXPECT_EQ(names(store.list(ports, "default", {})), (std::vector<std::string>{"default/a", "default/z"}));
  EXPECT_EQ(store.list(ports, "default", {})["items"][0]["kind"], "ZenlayerPort");
}

TEST_F(ListTest, LabelSelectors) {
  const auto labelled = [&](const std::string& name, json labels) {
    json p = port(name);
    p["metadata"]["labels"] = std::move(labels);
    store.create(ports, "default", p, {});
  };
  labelled("a", {{"app", "web"}, {"tier", "1"}});
  labelled("b", {{"app", "db"}});
  create_port("c");
  const auto select = [&](const std::string& s) {
    return names(store.list(ports, "default", Opts().labels(s)));
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(select("app=web"), V{"default/a"});
  EXPECT_EQ(select("app==web"), V{"default/a"});
  EXPECT_EQ(select("app!=web"), (V{"default/b", "default/c"}));
  EXPECT_EQ(select("app in (web, db)"), (V{"default/a", "default/b"}));
  EXPECT_EQ(select("app notin (web)"), (V{"default/b", "default/c"}));
  EXPECT_EQ(select("app"), (V{"default/a", "default/b"}));
  EXPECT_EQ(select("!app"), V{"default/c"});
  EXPECT_EQ(select("app,tier=1"), V{"default/a"});
  expect_status(400, [&] { select("app in web"); });
  expect_status(400, [&] { select("=x"); });
}

TEST_F(ListTest, FieldSelectors) {
  create_port("a", {{"portId", "p-1"}});
  create_port("b", {{"portId", "p-2"}});
  create_port("a", {{"portId", "p-3"}}, "kube-system");
  const auto select = [&](const std::string& s) { return names(store.list(ports, "", Opts().fields(s))); };
  using V = std::vector<std::string>;
  EXPECT_EQ(select("metadata.name=a"), (V{"default/a", "kube-system/a"}));
  EXPECT_EQ(select("metadata.name==a,metadata.namespace=default"), V{"default/a"});
  EXPECT_EQ(select("metadata.namespace!=default"), V{"kube-system/a"});
  EXPECT_EQ(select("spec.portId=p-2"), V{"default/b"});
  expect_status(400, [&] { select("metadata.name"); });
}

TEST_F(ListTest, LimitAndContinuePageThroughKeepingFirstResourceVersion) {
  for (const char* n : {"a", "b", "c", "d", "e"})
    create_port(n);
  json page = store.list(ports, "default", Opts().limit(2));
  const std::string first_rv = page["metadata"]["resourceVersion"];
  EXPECT_EQ(names(page), (std::vector<std::string>{"default/a", "default/b"}));
  EXPECT_EQ(page["metadata"]["remainingItemCount"], 3);
  create_port("f");  // a write between pages
  page = store.list(ports, "default", Opts().limit(2).cont(page["metadata"]["continue"]));
  EXPECT_EQ(names(page), (std::vector<std::string>{"default/c", "default/d"}));
  EXPECT_EQ(page["metadata"]["resourceVersion"], first_rv);
  page = store.list(ports, "default", Opts().limit(2).cont(page["metadata"]["continue"]));
  EXPECT_EQ(names(page), (std::vector<std::string>{"default/e", "default/f"}));
  EXPECT_FALSE(page["metadata"].contains("continue"));
}

TEST_F(ListTest, ContinueAcrossNamespacesAndWithSelectors) {
  create_port("a");
  create_port("b", {{"portId", "x"}});
  create_port("a", {{"portId", "x"}}, "kube-system");
  json page = store.list(ports, "", Opts().fields("spec.portId=x").limit(1));
  EXPECT_EQ(names(page), std::vector<std::string>{"default/b"});
  page = store.list(ports, "", Opts().fields("spec.portId=x").limit(1).cont(page["metadata"]["continue"]));
  EXPECT_EQ(names(page), std::vector<std::string>{"kube-system/a"});
}

TEST_F(ListTest, ExpiredContinueIs410AndGarbageIs400) {
  Store small(3);
  small.register_type(port_type());
  for (const char* n : {"a", "b", "c"})
    small.create(port_type(), "default", port(n), {});
  const std::string token = small.list(port_type(), "default", Opts().limit(1))["metadata"]["continue"];
  for (const char* n : {"d", "e", "f", "g"})
    small.create(port_type(), "default", port(n), {});
  StatusError e = expect_status(410, [&] { small.list(port_type(), "default", Opts().cont(token)); });
  EXPECT_EQ(e.reason(), "Expired");
  expect_status(400, [&] { small.list(port_type(), "default", Opts().cont("!!!")); });
}

}  // namespace
}  // namespace kubeemu::testing
