#include "openapi.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "builtin_types.hpp"
#include "crd_loader.hpp"

namespace kubeemu {
namespace {

std::vector<ResourceType> all_types() {
  auto types = builtin_types();
  auto crd = load_crd_file(ZPO_PORT_CRD);
  types.insert(types.end(), crd.begin(), crd.end());
  return types;
}

// cli-runtime's query_param_verifier_v3: the first path whose patch operation names this GVK (as a single
// object) decides; it must carry a `fieldValidation` query parameter.
bool kubectl_finds_field_validation(const json& doc, const json& gvk) {
  for (const auto& [path, item] : doc["paths"].items()) {
    if (!item.contains("patch")) continue;
    const json& ext = item["patch"]["x-kubernetes-group-version-kind"];
    if (!ext.is_object() || ext != gvk) continue;
    for (const auto& p : item["patch"]["parameters"])
      if (p["name"] == "fieldValidation" && p["in"] == "query") return true;
    return false;
  }
  return false;
}

TEST(OpenApi, RootListsEveryGroupVersionWithItsHash) {
  auto types = all_types();
  json root = openapi_v3_root(types);
  std::vector<std::string> keys;
  for (const auto& [k, _] : root["paths"].items())
    keys.push_back(k);
  EXPECT_THAT(keys, testing::UnorderedElementsAre(
                        "api/v1", "apis/events.k8s.io/v1", "apis/coordination.k8s.io/v1", "apis/apps/v1",
                        "apis/policy/v1", "apis/rbac.authorization.k8s.io/v1", "apis/apiextensions.k8s.io/v1",
                        "apis/sdn.zenlayer.com/v1alpha1"));
  json gv = openapi_v3_group_version(types, "apis/sdn.zenlayer.com/v1alpha1");
  EXPECT_EQ(root["paths"]["apis/sdn.zenlayer.com/v1alpha1"]["serverRelativeURL"],
            "/openapi/v3/apis/sdn.zenlayer.com/v1alpha1?hash=" + openapi_v3_hash(gv));
  EXPECT_EQ(openapi_v3_hash(gv).size(), 128u);
  EXPECT_EQ(openapi_v3_root(all_types()), root);  // stable across calls
  EXPECT_TRUE(openapi_v3_group_version(types, "apis/nope/v1").is_null());
}

TEST(OpenApi, CrdPatchOperationIsWhatKubectlLooksFor) {
  json doc = openapi_v3_group_version(all_types(), "apis/sdn.zenlayer.com/v1alpha1");
  json gvk = {{"group", "sdn.zenlayer.com"}, {"version", "v1alpha1"}, {"kind", "ZenlayerPort"}};
  EXPECT_TRUE(kubectl_finds_field_validation(doc, gvk));
  const json& item =
      doc["paths"]["/apis/sdn.zenlayer.com/v1alpha1/namespaces/{namespace}/zenlayerports/{name}"];
  ASSERT_TRUE(item.contains("patch"));
  std::vector<std::string> content;
  for (const auto& [k, _] : item["patch"]["requestBody"]["content"].items())
    content.push_back(k);
  // Never strategic merge for a CRD: kubectl would send one and get 415.
  EXPECT_THAT(content,
              testing::UnorderedElementsAre("application/json-patch+json", "application/merge-patch+json",
                                            "application/apply-patch+yaml"));
  EXPECT_EQ(item["patch"]["x-kubernetes-action"], "patch");
  EXPECT_TRUE(doc["paths"].contains(
      "/apis/sdn.zenlayer.com/v1alpha1/namespaces/{namespace}/zenlayerports/{name}/status"));
  EXPECT_TRUE(doc["paths"].contains("/apis/sdn.zenlayer.com/v1alpha1/zenlayerports"));
  // Every patch (the status one too) carries fieldValidation, whichever kubectl meets first.
  for (const auto& [path, it] : doc["paths"].items()) {
    if (!it.contains("patch")) continue;
    EXPECT_NE(it["patch"]["parameters"].dump().find("fieldValidation"), std::string::npos) << path;
  }
}

TEST(OpenApi, ComponentsCarryTheKindSchemaForExplain) {
  json doc = openapi_v3_group_version(all_types(), "apis/sdn.zenlayer.com/v1alpha1");
  const json& schemas = doc["components"]["schemas"];
  ASSERT_TRUE(schemas.contains("com.zenlayer.sdn.v1alpha1.ZenlayerPort"));
  const json& port = schemas["com.zenlayer.sdn.v1alpha1.ZenlayerPort"];
  EXPECT_EQ(
      port["x-kubernetes-group-version-kind"],
      json::array({{{"group", "sdn.zenlayer.com"}, {"version", "v1alpha1"}, {"kind", "ZenlayerPort"}}}));
  EXPECT_EQ(port["properties"]["spec"]["properties"]["deletionPolicy"]["default"], "Delete");
  EXPECT_EQ(port["properties"]["metadata"]["allOf"][0]["$ref"],
            "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
  EXPECT_TRUE(schemas.contains("com.zenlayer.sdn.v1alpha1.ZenlayerPortList"));
  // Every $ref resolves inside the document.
  std::function<void(const json&)> check = [&](const json& node) {
    if (node.is_object()) {
      if (auto r = node.find("$ref"); r != node.end()) {
        std::string name = r->get<std::string>().substr(std::string("#/components/schemas/").size());
        EXPECT_TRUE(schemas.contains(name)) << name;
      }
      for (const auto& [_, v] : node.items())
        check(v);
    } else if (node.is_array()) {
      for (const auto& v : node)
        check(v);
    }
  };
  check(doc);
}

TEST(OpenApi, BuiltinsAllowStrategicMergeAndUseApiserverNames) {
  auto types = all_types();
  json core = openapi_v3_group_version(types, "api/v1");
  EXPECT_TRUE(kubectl_finds_field_validation(core, {{"group", ""}, {"version", "v1"}, {"kind", "Secret"}}));
  EXPECT_TRUE(
      core["paths"]["/api/v1/namespaces/{namespace}/secrets/{name}"]["patch"]["requestBody"]["content"]
          .contains("application/strategic-merge-patch+json"));
  EXPECT_TRUE(core["components"]["schemas"].contains("io.k8s.api.core.v1.Secret"));
  // Namespaces are cluster-scoped and have a status subresource.
  EXPECT_TRUE(core["paths"].contains("/api/v1/namespaces/{name}/status"));
  json leases = openapi_v3_group_version(types, "apis/coordination.k8s.io/v1");
  EXPECT_TRUE(kubectl_finds_field_validation(
      leases, {{"group", "coordination.k8s.io"}, {"version", "v1"}, {"kind", "Lease"}}));
  EXPECT_TRUE(leases["components"]["schemas"].contains("io.k8s.api.coordination.v1.Lease"));
  EXPECT_EQ(openapi_schema_name(types[0], "Namespace"), "io.k8s.api.core.v1.Namespace");
}

}  // namespace
}  // namespace kubeemu
