// The API handler in process over a real Store, with a hand-made type (no schema admission): routing to the
// store's verbs, errors as Status bodies, Tables, watch plans and injected faults.

#include "api_handler.hpp"

#include <gtest/gtest.h>

namespace kubeemu {
namespace {

ResourceType port_type() {
  ResourceType t;
  t.group = "sdn.zenlayer.com";
  t.version = "v1alpha1";
  t.kind = "ZenlayerPort";
  t.list_kind = "ZenlayerPortList";
  t.plural = "zenlayerports";
  t.singular = "zenlayerport";
  t.has_status = true;
  t.is_crd = true;
  t.columns = {{"Port-ID", "string", "", "", 0, ".spec.portId"}};
  return t;
}

ResourceType namespace_type() {
  ResourceType t;
  t.version = "v1";
  t.kind = "Namespace";
  t.list_kind = "NamespaceList";
  t.plural = "namespaces";
  t.singular = "namespace";
  t.namespaced = false;
  t.has_status = true;
  return t;
}

constexpr const char* kPorts = "/apis/sdn.zenlayer.com/v1alpha1/namespaces/default/zenlayerports";
constexpr const char* kTableAccept =
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,"
    "application/json";

class ApiHandlerTest : public ::testing::Test {
 protected:
  ApiHandlerTest() : faults_({}, 7), handler_(store_, faults_, stats_, "127.0.0.1:1") {
    store_.register_type(namespace_type());
    store_.register_type(port_type());
  }

  ApiOutcome call(const std::string& method, const std::string& target, const std::string& body = "",
                  const std::string& content_type = "application/json", const std::string& accept = "") {
    return handler_.handle({method, target, accept, content_type, body});
  }
  json body_of(const ApiOutcome& o) { return json::parse(o.response.body); }

  void create_port(const std::string& name, const std::string& port_id) {
    auto o = call("POST", kPorts,
                  json{{"apiVersion", "sdn.zenlayer.com/v1alpha1"},
                       {"kind", "ZenlayerPort"},
                       {"metadata", {{"name", name}}},
                       {"spec", {{"portId", port_id}}}}
                      .dump());
    ASSERT_EQ(o.response.status, 201) << o.response.body;
  }

  Store store_;
  Faults faults_;
  RequestStats stats_;
  ApiHandler handler_;
};

TEST_F(ApiHandlerTest, UnknownPathsAndTypesAre404Status) {
  for (const char* path : {"/nope", "/openapi/v2", "/apis/other.example.com/v1/namespaces/default/things",
                           "/apis/sdn.zenlayer.com/v1alpha1/namespaces/default/zenlayerports/x/scale"}) {
    auto o = call("GET", path);
    EXPECT_EQ(o.response.status, 404) << path;
    const json s = body_of(o);
    EXPECT_EQ(s["kind"], "Status");
    EXPECT_EQ(s["message"], "the server could not find the requested resource");
    EXPECT_EQ(s["reason"], "NotFound");
    EXPECT_EQ(s["code"], 404);
  }
}

TEST_F(ApiHandlerTest, WrongMethodsAre405) {
  EXPECT_EQ(call("POST", "/apis").response.status, 405);
  EXPECT_EQ(call("POST", "/apis/sdn.zenlayer.com/v1alpha1/zenlayerports", "{}").response.status, 405);
  EXPECT_EQ(call("POST", std::string(kPorts) + "/x", "{}").response.status, 405);
  EXPECT_EQ(call("PUT", kPorts, "{}").response.status, 405);
  EXPECT_EQ(call("DELETE", std::string(kPorts) + "/x/status").response.status, 405);
  auto o = call("OPTIONS", kPorts);
  EXPECT_EQ(o.response.status, 405);
  EXPECT_EQ(body_of(o)["reason"], "MethodNotAllowed");
}

TEST_F(ApiHandlerTest, CreateGetListAndDiscoveryIgnoringTimeout) {
  create_port("p1", "port-1");
  const auto got = call("GET", std::string(kPorts) + "/p1");
  EXPECT_EQ(got.response.status, 200);
  EXPECT_EQ(body_of(got)["spec"]["portId"], "port-1");
  const auto list = call("GET", std::string(kPorts) + "?limit=500");
  EXPECT_EQ(body_of(list)["kind"], "ZenlayerPortList");
  EXPECT_EQ(body_of(list)["items"].size(), 1u);
  const auto all = call("GET", "/apis/sdn.zenlayer.com/v1alpha1/zenlayerports");
  EXPECT_EQ(body_of(all)["items"].size(), 1u);
  const auto discovery = call("GET", "/apis/sdn.zenlayer.com/v1alpha1?timeout=32s");
  EXPECT_EQ(discovery.response.status, 200);
  EXPECT_EQ(body_of(discovery)["resources"][1]["name"], "zenlayerports/status");
  EXPECT_EQ(call("GET", "/api/v1/namespaces/default").response.status, 200);
}

TEST_F(ApiHandlerTest, ItemPathOfNamespacedTypeNeedsNamespace) {
  create_port("p1", "port-1");
  EXPECT_EQ(call("GET", "/apis/sdn.zenlayer.com/v1alpha1/zenlayerports/p1").response.status, 404);
  EXPECT_EQ(call("GET", "/api/v1/namespaces/default/namespaces").response.status, 404);
}

TEST_F(ApiHandlerTest, TablesForListAndGet) {
  create_port("p1", "port-1");
  const auto list = call("GET", std::string(kPorts) + "?limit=500", "", "", kTableAccept);
  const json table = body_of(list);
  EXPECT_EQ(table["kind"], "Table");
  EXPECT_EQ(table["apiVersion"], "meta.k8s.io/v1");
  ASSERT_EQ(table["rows"].size(), 1u);
  EXPECT_EQ(table["rows"][0]["cells"][0], "p1");
  EXPECT_EQ(table["rows"][0]["cells"][1], "port-1");
  EXPECT_EQ(table["rows"][0]["object"]["kind"], "PartialObjectMetadata");
  const auto get = call("GET", std::string(kPorts) + "/p1?includeObject=None", "", "",
                        "application/json;as=Table;v=v1beta1;g=meta.k8s.io");
  EXPECT_EQ(body_of(get)["apiVersion"], "meta.k8s.io/v1beta1");
  EXPECT_FALSE(body_of(get)["rows"][0].contains("object") && !body_of(get)["rows"][0]["object"].is_null());
}

TEST_F(ApiHandlerTest, WatchPlanFromQuery) {
  auto o = call("GET", std::string(kPorts) + "?watch=True&allowWatchBookmarks=1&timeoutSeconds=4", "", "",
                kTableAccept);
  ASSERT_TRUE(o.watch);
  EXPECT_TRUE(o.watch->watch.has_value());
  EXPECT_FALSE(o.watch->error_event);
  EXPECT_TRUE(o.watch->bookmarks);
  EXPECT_EQ(o.watch->timeout, std::chrono::seconds(4));
  EXPECT_TRUE(o.watch->format.table);
  o.watch->watch->stop();
  EXPECT_FALSE(call("GET", std::string(kPorts) + "?watch=false").watch);
  const auto bad = call("GET", std::string(kPorts) + "?watch=yes");
  EXPECT_FALSE(bad.watch);
  EXPECT_EQ(bad.response.status, 400);
}

TEST_F(ApiHandlerTest, LegacyWatchPath) {
  auto o = call("GET", "/apis/sdn.zenlayer.com/v1alpha1/watch/namespaces/default/zenlayerports");
  ASSERT_TRUE(o.watch);
  o.watch->watch->stop();
}

TEST_F(ApiHandlerTest, WatchEventsBecomeOneRowTablesWithColumnsOnlyFirst) {
  create_port("p1", "port-1");
  auto o = call("GET", std::string(kPorts) + "?watch=1", "", "", kTableAccept);
  ASSERT_TRUE(o.watch && o.watch->watch);
  const auto event = o.watch->watch->next(std::chrono::seconds(2));
  ASSERT_TRUE(event);
  EXPECT_EQ(event->type, "ADDED");
  const std::string first = encode_watch_event(*event, *o.watch, true);
  ASSERT_EQ(first.back(), '\n');
  const json line = json::parse(first);
  EXPECT_EQ(line["type"], "ADDED");
  EXPECT_EQ(line["object"]["kind"], "Table");
  EXPECT_EQ(line["object"]["rows"].size(), 1u);
  EXPECT_FALSE(line["object"]["columnDefinitions"].empty());
  const json later = json::parse(encode_watch_event(*event, *o.watch, false));
  EXPECT_TRUE(later["object"]["columnDefinitions"].empty());
  EXPECT_EQ(later["object"]["rows"][0]["cells"][1], "port-1");
  const json error = json::parse(encode_watch_event({"ERROR", json{{"kind", "Status"}}}, *o.watch, true));
  EXPECT_EQ(error["object"]["kind"], "Status");
  o.watch->watch->stop();
}

TEST_F(ApiHandlerTest, PatchContentTypesAndDeleteWithEmptyBody) {
  create_port("p1", "port-1");
  const auto unknown = call("PATCH", std::string(kPorts) + "/p1", "{}", "text/plain");
  EXPECT_EQ(unknown.response.status, 415);
  EXPECT_EQ(body_of(unknown)["reason"], "UnsupportedMediaType");
  const auto merge = call("PATCH", std::string(kPorts) + "/p1?fieldManager=kubectl-patch",
                          R"({"spec":{"portId":"port-2"}})", "application/merge-patch+json");
  EXPECT_EQ(merge.response.status, 200) << merge.response.body;
  EXPECT_EQ(body_of(merge)["spec"]["portId"], "port-2");
  const auto removed = call("DELETE", std::string(kPorts) + "/p1", "");
  EXPECT_EQ(removed.response.status, 200) << removed.response.body;
  EXPECT_EQ(body_of(removed)["kind"], "Status");
  EXPECT_EQ(call("GET", std::string(kPorts) + "/p1").response.status, 404);
}

TEST_F(ApiHandlerTest, ProtobufCreateFromKubectlIsDecoded) {
  ResourceType secret;
  secret.version = "v1";
  secret.kind = "Secret";
  secret.list_kind = "SecretList";
  secret.plural = "secrets";
  secret.singular = "secret";
  store_.register_type(secret);
  // `kubectl.1.33 create secret generic zpo-credentials --from-literal=accessKeyId=AK-demo`, captured on the
  // wire.
  const std::string hex =
      "6b3873000a0c0a0276311206536563726574123b0a1f0a0f7a706f2d63726564656e7469616c7312001a0022002a0032003800"
      "42001216"
      "0a0b6163636573734b657949641207414b2d64656d6f1a001a002200";
  std::string body;
  for (std::size_t i = 0; i < hex.size(); i += 2)
    body.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  auto o =
      call("POST", "/api/v1/namespaces/default/secrets?fieldManager=kubectl-create&fieldValidation=Strict",
           body, "application/vnd.kubernetes.protobuf");
  ASSERT_EQ(o.response.status, 201) << o.response.body;
  EXPECT_EQ(body_of(o)["metadata"]["name"], "zpo-credentials");
  EXPECT_EQ(body_of(o)["data"]["accessKeyId"], "QUstZGVtbw==");
}

TEST_F(ApiHandlerTest, BadQueryValuesAre400) {
  EXPECT_EQ(call("GET", std::string(kPorts) + "?limit=ten").response.status, 400);
  EXPECT_EQ(call("POST", std::string(kPorts) + "?dryRun=Some", "{}").response.status, 400);
  EXPECT_EQ(call("POST", std::string(kPorts) + "?fieldValidation=Loose", "{}").response.status, 400);
  EXPECT_EQ(call("POST", kPorts, "not json").response.status, 400);
}

TEST_F(ApiHandlerTest, InjectedConflictsErrorsAndExpiredWatches) {
  FaultSettings s;
  s.conflict_rate = 1;
  faults_.set(s);
  const auto conflict =
      call("POST", kPorts, json{{"metadata", {{"name", "p9"}}}, {"spec", {{"portId", "x"}}}}.dump());
  EXPECT_EQ(conflict.response.status, 409);
  EXPECT_NE(body_of(conflict)["message"].get<std::string>().find("zenlayerports.sdn.zenlayer.com \"p9\""),
            std::string::npos);
  EXPECT_EQ(call("GET", kPorts).response.status, 200);  // reads are never conflicts

  s = {};
  s.error_rate = 1;
  s.error_code = 503;
  faults_.set(s);
  const auto refused = call("GET", kPorts);
  EXPECT_EQ(refused.response.status, 503);
  EXPECT_EQ(body_of(refused)["reason"], "ServiceUnavailable");

  s = {};
  s.expire_watch_rate = 1;
  faults_.set(s);
  const auto expired = call("GET", std::string(kPorts) + "?watch=true&resourceVersion=1");
  ASSERT_TRUE(expired.watch);
  EXPECT_FALSE(expired.watch->watch);
  ASSERT_TRUE(expired.watch->error_event);
  EXPECT_EQ((*expired.watch->error_event)["code"], 410);
  EXPECT_EQ((*expired.watch->error_event)["reason"], "Expired");
}

TEST_F(ApiHandlerTest, StatsCountVerbsPerResourceAndSubresource) {
  create_port("p1", "port-1");
  call("PATCH", std::string(kPorts) + "/p1/status", R"({"status":{"phase":"Ready"}})",
       "application/merge-patch+json");
  call("GET", std::string(kPorts) + "/p1");
  const json stats = stats_.to_json();
  EXPECT_EQ(stats["writes"]["zenlayerports.sdn.zenlayer.com"]["create"], 1);
  EXPECT_EQ(stats["writes"]["zenlayerports.sdn.zenlayer.com/status"]["patch"], 1);
  EXPECT_EQ(stats["byResource"]["zenlayerports.sdn.zenlayer.com"]["get"], 1);
}

}  // namespace
}  // namespace kubeemu
