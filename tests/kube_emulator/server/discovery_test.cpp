// Legacy discovery documents, built from hand-made types (independent of the schema part's built-ins).

#include "discovery.hpp"

#include <gtest/gtest.h>

namespace kubeemu {
namespace {

std::vector<ResourceType> sample_types() {
  ResourceType port;
  port.group = "sdn.zenlayer.com";
  port.version = "v1alpha1";
  port.kind = "ZenlayerPort";
  port.plural = "zenlayerports";
  port.singular = "zenlayerport";
  port.has_status = true;
  port.short_names = {"zport", "zports"};
  port.categories = {"zenlayer"};
  ResourceType port_v1 = port;
  port_v1.version = "v1";
  ResourceType secret;
  secret.version = "v1";
  secret.kind = "Secret";
  secret.plural = "secrets";
  secret.singular = "secret";
  ResourceType ns = secret;
  ns.kind = "Namespace";
  ns.plural = "namespaces";
  ns.singular = "namespace";
  ns.namespaced = false;
  ResourceType lease;
  lease.group = "coordination.k8s.io";
  lease.version = "v1";
  lease.kind = "Lease";
  lease.plural = "leases";
  lease.singular = "lease";
  return {secret, ns, lease, port, port_v1};
}

TEST(Discovery, CoreVersions) {
  const json v = core_api_versions("127.0.0.1:6443");
  EXPECT_EQ(v["kind"], "APIVersions");
  EXPECT_EQ(v["versions"], json::array({"v1"}));
  EXPECT_EQ(v["serverAddressByClientCIDRs"][0]["serverAddress"], "127.0.0.1:6443");
}

TEST(Discovery, GroupListHasEveryNamedGroupOnceWithPreferredVersion) {
  const json list = api_group_list(sample_types());
  EXPECT_EQ(list["kind"], "APIGroupList");
  ASSERT_EQ(list["groups"].size(), 2u);
  EXPECT_EQ(list["groups"][0]["name"], "coordination.k8s.io");
  const json& sdn = list["groups"][1];
  EXPECT_EQ(sdn["name"], "sdn.zenlayer.com");
  ASSERT_EQ(sdn["versions"].size(), 2u);
  EXPECT_EQ(sdn["versions"][1]["groupVersion"], "sdn.zenlayer.com/v1");
  EXPECT_EQ(sdn["preferredVersion"]["version"], "v1alpha1");
}

TEST(Discovery, GroupAndUnknownGroup) {
  const auto g = api_group(sample_types(), "coordination.k8s.io");
  ASSERT_TRUE(g);
  EXPECT_EQ((*g)["kind"], "APIGroup");
  EXPECT_EQ((*g)["versions"][0]["groupVersion"], "coordination.k8s.io/v1");
  EXPECT_FALSE(api_group(sample_types(), "nope.example.com"));
  EXPECT_FALSE(api_group(sample_types(), ""));
}

TEST(Discovery, ResourceListWithStatusEntryShortNamesAndCategories) {
  const auto list = api_resource_list(sample_types(), "sdn.zenlayer.com", "v1alpha1");
  ASSERT_TRUE(list);
  EXPECT_EQ((*list)["kind"], "APIResourceList");
  EXPECT_EQ((*list)["groupVersion"], "sdn.zenlayer.com/v1alpha1");
  const json& r = (*list)["resources"];
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0]["name"], "zenlayerports");
  EXPECT_EQ(r[0]["singularName"], "zenlayerport");
  EXPECT_EQ(r[0]["namespaced"], true);
  EXPECT_EQ(r[0]["kind"], "ZenlayerPort");
  EXPECT_EQ(r[0]["shortNames"], json::array({"zport", "zports"}));
  EXPECT_EQ(r[0]["categories"], json::array({"zenlayer"}));
  EXPECT_EQ(r[0]["verbs"].size(), 8u);
  EXPECT_EQ(r[1]["name"], "zenlayerports/status");
  EXPECT_EQ(r[1]["verbs"], json::array({"get", "patch", "update"}));
}

TEST(Discovery, CoreResourceListAndClusterScope) {
  const auto list = api_resource_list(sample_types(), "", "v1");
  ASSERT_TRUE(list);
  EXPECT_EQ((*list)["groupVersion"], "v1");
  ASSERT_EQ((*list)["resources"].size(), 2u);
  EXPECT_EQ((*list)["resources"][1]["name"], "namespaces");
  EXPECT_EQ((*list)["resources"][1]["namespaced"], false);
  EXPECT_FALSE((*list)["resources"][0].contains("shortNames"));
  EXPECT_FALSE(api_resource_list(sample_types(), "", "v2"));
}

TEST(Discovery, VersionLooksLikeARecentServer) {
  const json v = version_info();
  EXPECT_EQ(v["gitVersion"], "v1.33.0");
  EXPECT_EQ(v["major"], "1");
  EXPECT_EQ(v["minor"], "33");
}

}  // namespace
}  // namespace kubeemu
