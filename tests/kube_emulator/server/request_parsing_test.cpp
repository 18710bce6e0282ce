// Pure request parsing: the target's path and query, Go's ParseBool, the route a path names, and Accept /
// Content-Type negotiation.

#include <gtest/gtest.h>

#include "api_route.hpp"
#include "media_type.hpp"
#include "request_target.hpp"

namespace kubeemu {
namespace {

TEST(RequestTarget, SplitsPathAndDecodesQuery) {
  const auto t = parse_request_target(
      "/apis/sdn.zenlayer.com/v1alpha1/namespaces/default/"
      "zenlayerports?fieldSelector=metadata.name%3Dx&limit=500"
      "&labelSelector=app+in+(a%2Cb)&watch");
  EXPECT_EQ(t.path, "/apis/sdn.zenlayer.com/v1alpha1/namespaces/default/zenlayerports");
  EXPECT_EQ(t.query.at("fieldSelector"), "metadata.name=x");
  EXPECT_EQ(t.query.at("limit"), "500");
  EXPECT_EQ(t.query.at("labelSelector"), "app in (a,b)");
  EXPECT_EQ(t.query.at("watch"), "");
}

TEST(RequestTarget, RepeatedKeyKeepsFirstValueAndBadEscapesStayLiteral) {
  const auto t = parse_request_target("/x?a=1&a=2&b=%zz&c=%4");
  EXPECT_EQ(t.query.at("a"), "1");
  EXPECT_EQ(t.query.at("b"), "%zz");
  EXPECT_EQ(t.query.at("c"), "%4");
  EXPECT_TRUE(parse_request_target("/only").query.empty());
}

TEST(GoParseBool, AcceptsExactlyGoForms) {
  for (const char* yes : {"1", "t", "T", "TRUE", "true", "True"})
    EXPECT_EQ(parse_go_bool(yes), true) << yes;
  for (const char* no : {"0", "f", "F", "FALSE", "false", "False"})
    EXPECT_EQ(parse_go_bool(no), false) << no;
  for (const char* bad : {"", "yes", "tRUE", "2", "true "})
    EXPECT_EQ(parse_go_bool(bad), std::nullopt) << bad;
}

TEST(RoutePath, DiscoveryEndpoints) {
  EXPECT_EQ(route_path("/api").kind, Route::Kind::CoreVersions);
  EXPECT_EQ(route_path("/apis").kind, Route::Kind::GroupList);
  const Route group = route_path("/apis/sdn.zenlayer.com");
  EXPECT_EQ(group.kind, Route::Kind::Group);
  EXPECT_EQ(group.group, "sdn.zenlayer.com");
  const Route core = route_path("/api/v1");
  EXPECT_EQ(core.kind, Route::Kind::ResourceList);
  EXPECT_EQ(core.group, "");
  EXPECT_EQ(core.version, "v1");
  const Route gv = route_path("/apis/coordination.k8s.io/v1/");
  EXPECT_EQ(gv.kind, Route::Kind::ResourceList);
  EXPECT_EQ(gv.group, "coordination.k8s.io");
  EXPECT_EQ(route_path("/version").kind, Route::Kind::Version);
  EXPECT_EQ(route_path("/openapi/v3").kind, Route::Kind::OpenApiV3Root);
  const Route doc = route_path("/openapi/v3/apis/sdn.zenlayer.com/v1alpha1");
  EXPECT_EQ(doc.kind, Route::Kind::OpenApiV3Document);
  EXPECT_EQ(doc.rest, "apis/sdn.zenlayer.com/v1alpha1");
  EXPECT_EQ(route_path("/openapi/v2").kind, Route::Kind::NotFound);
  EXPECT_EQ(route_path("/").kind, Route::Kind::NotFound);
  EXPECT_EQ(route_path("/metrics").kind, Route::Kind::NotFound);
  const Route admin = route_path("/admin/faults");
  EXPECT_EQ(admin.kind, Route::Kind::Admin);
  EXPECT_EQ(admin.rest, "faults");
}

TEST(RoutePath, NamespacedAndClusterWideResourcePaths) {
  const Route item = route_path("/apis/sdn.zenlayer.com/v1alpha1/namespaces/team-a/zenlayerports/p1/status");
  ASSERT_EQ(item.kind, Route::Kind::Resource);
  EXPECT_EQ(item.resource.group, "sdn.zenlayer.com");
  EXPECT_EQ(item.resource.version, "v1alpha1");
  EXPECT_EQ(item.resource.ns, "team-a");
  EXPECT_EQ(item.resource.plural, "zenlayerports");
  EXPECT_EQ(item.resource.name, "p1");
  EXPECT_EQ(item.resource.subresource, "status");

  const Route all = route_path("/apis/sdn.zenlayer.com/v1alpha1/zenlayerports");
  ASSERT_EQ(all.kind, Route::Kind::Resource);
  EXPECT_EQ(all.resource.ns, "");
  EXPECT_EQ(all.resource.plural, "zenlayerports");
  EXPECT_EQ(all.resource.name, "");

  const Route collection = route_path("/api/v1/namespaces/default/secrets");
  EXPECT_EQ(collection.resource.ns, "default");
  EXPECT_EQ(collection.resource.plural, "secrets");
  EXPECT_EQ(collection.resource.name, "");
}

TEST(RoutePath, NamespaceObjectsAndTheirSubresources) {
  const Route ns = route_path("/api/v1/namespaces/team-a");
  EXPECT_EQ(ns.resource.plural, "namespaces");
  EXPECT_EQ(ns.resource.name, "team-a");
  EXPECT_EQ(ns.resource.ns, "");
  const Route status = route_path("/api/v1/namespaces/team-a/status");
  EXPECT_EQ(status.resource.plural, "namespaces");
  EXPECT_EQ(status.resource.name, "team-a");
  EXPECT_EQ(status.resource.subresource, "status");
  const Route list = route_path("/api/v1/namespaces");
  EXPECT_EQ(list.resource.plural, "namespaces");
  EXPECT_EQ(list.resource.name, "");
}

TEST(RoutePath, LegacyWatchPathAndTooDeepPaths) {
  const Route w = route_path("/apis/coordination.k8s.io/v1/watch/namespaces/default/leases");
  ASSERT_EQ(w.kind, Route::Kind::Resource);
  EXPECT_TRUE(w.resource.legacy_watch_path);
  EXPECT_EQ(w.resource.plural, "leases");
  EXPECT_EQ(w.resource.ns, "default");
  EXPECT_EQ(route_path("/api/v1/namespaces/default/secrets/s/status/extra").kind, Route::Kind::NotFound);
}

TEST(Negotiation, KubectlGetAsksForTableV1) {
  const auto f = negotiate_response_format(
      "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,"
      "application/json");
  EXPECT_TRUE(f.table);
  EXPECT_EQ(f.table_api_version, "meta.k8s.io/v1");
}

TEST(Negotiation, FirstProducibleRangeWins) {
  EXPECT_FALSE(negotiate_response_format("application/json").table);
  EXPECT_FALSE(negotiate_response_format("").table);
  EXPECT_FALSE(negotiate_response_format("*/*").table);
  // Aggregated discovery and protobuf are skipped; plain JSON follows.
  EXPECT_FALSE(
      negotiate_response_format("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
                                "application/json")
          .table);
  const auto beta = negotiate_response_format(
      "application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io, application/json; as=Table; "
      "v=v1beta1; "
      "g=meta.k8s.io");
  EXPECT_TRUE(beta.table);
  EXPECT_EQ(beta.table_api_version, "meta.k8s.io/v1beta1");
  // Plain JSON listed first is preferred over a later Table.
  EXPECT_FALSE(
      negotiate_response_format("application/json, application/json;as=Table;v=v1;g=meta.k8s.io").table);
}

TEST(Negotiation, PatchTypeFromContentType) {
  EXPECT_EQ(patch_type_from_content_type("application/merge-patch+json"), PatchType::Merge);
  EXPECT_EQ(patch_type_from_content_type("application/json-patch+json; charset=utf-8"), PatchType::Json);
  EXPECT_EQ(patch_type_from_content_type("application/apply-patch+yaml"), PatchType::Apply);
  EXPECT_EQ(patch_type_from_content_type("Application/Strategic-Merge-Patch+JSON"), PatchType::Strategic);
  EXPECT_EQ(patch_type_from_content_type("application/json"), std::nullopt);
  EXPECT_EQ(patch_type_from_content_type(""), std::nullopt);
}

}  // namespace
}  // namespace kubeemu
