#include "builtin_types.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "builtin_type_of.hpp"
#include "status_error.hpp"
#include "table.hpp"

namespace kubeemu {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

using test_support::kNow;
using test_support::type_of;

std::vector<std::string> column_names(const json& table) {
  std::vector<std::string> names;
  for (const auto& c : table["columnDefinitions"])
    names.push_back(c["name"]);
  return names;
}

TEST(BuiltinTypes, NamesScopesAndDiscoveryOrder) {
  auto types = builtin_types();
  std::vector<std::string> ids;
  for (const auto& t : types)
    ids.push_back(t.group_version() + "/" + t.plural);
  EXPECT_THAT(
      ids,
      ElementsAre("v1/namespaces", "v1/secrets", "v1/configmaps", "v1/events", "events.k8s.io/v1/events",
                  "coordination.k8s.io/v1/leases", "v1/serviceaccounts", "v1/services", "apps/v1/deployments",
                  "policy/v1/poddisruptionbudgets", "rbac.authorization.k8s.io/v1/roles",
                  "rbac.authorization.k8s.io/v1/clusterroles", "rbac.authorization.k8s.io/v1/rolebindings",
                  "rbac.authorization.k8s.io/v1/clusterrolebindings",
                  "apiextensions.k8s.io/v1/customresourcedefinitions"));
  const ResourceType& ns = type_of("", "namespaces");
  EXPECT_FALSE(ns.namespaced);
  EXPECT_TRUE(ns.has_status);
  EXPECT_THAT(ns.short_names, ElementsAre("ns"));
  EXPECT_THAT(type_of("", "configmaps").short_names, ElementsAre("cm"));
  EXPECT_THAT(type_of("", "events").short_names, ElementsAre("ev"));
  EXPECT_EQ(type_of("coordination.k8s.io", "leases").kind, "Lease");
  EXPECT_EQ(type_of("", "secrets").singular, "secret");
  for (const auto& t : types) {
    EXPECT_FALSE(t.is_crd);
    EXPECT_TRUE(t.admit) << t.plural;
    EXPECT_TRUE(t.openapi_schema.is_object()) << t.plural;
  }
}

TEST(BuiltinTypes, SecretStringDataIsFoldedIntoBase64Data) {
  json secret = {{"apiVersion", "v1"},
                 {"kind", "Secret"},
                 {"metadata", {{"name", "zl"}}},
                 {"data", {{"accessKeyId", "aWQ="}}},
                 {"stringData", {{"accessKeyPassword", "hunter2"}, {"accessKeyId", "override"}}}};
  Admission a = type_of("", "secrets").admit(secret);
  EXPECT_THAT(a.causes, IsEmpty());
  EXPECT_FALSE(secret.contains("stringData"));
  EXPECT_EQ(secret["data"], (json{{"accessKeyId", "b3ZlcnJpZGU="}, {"accessKeyPassword", "aHVudGVyMg=="}}));
  EXPECT_EQ(secret["type"], "Opaque");
}

TEST(BuiltinTypes, SecretKeepsAnExplicitTypeAndRejectsBadData) {
  const ResourceType& t = type_of("", "secrets");
  json tls = {{"metadata", {{"name", "t"}}}, {"type", "kubernetes.io/tls"}};
  t.admit(tls);
  EXPECT_EQ(tls["type"], "kubernetes.io/tls");

  json bad_base64 = {{"metadata", {{"name", "b"}}}, {"data", {{"k", "not base64!"}}}};
  try {
    t.admit(bad_base64);
    FAIL() << "expected 400";
  } catch (const StatusError& e) {
    EXPECT_EQ(e.code(), 400);
    EXPECT_EQ(std::string(e.what()),
              "Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 3");
  }
  json bad_key = {{"metadata", {{"name", "b"}}}, {"stringData", {{"bad key", "v"}}}};
  Admission a = t.admit(bad_key);
  ASSERT_EQ(a.causes.size(), 1u);
  EXPECT_EQ(a.causes[0].field, "data[bad key]");
  EXPECT_EQ(a.causes[0].reason, "FieldValueInvalid");
  EXPECT_THAT(a.causes[0].message,
              testing::StartsWith("Invalid value: \"bad key\": a valid config key must consist"));
}

TEST(BuiltinTypes, NamespacesGetFinalizerAndActivePhase) {
  json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "team"}}}};
  EXPECT_THAT(type_of("", "namespaces").admit(ns).causes, IsEmpty());
  EXPECT_EQ(ns["spec"], (json{{"finalizers", {"kubernetes"}}}));
  EXPECT_EQ(ns["status"], (json{{"phase", "Active"}}));
  json terminating = {{"metadata", {{"name", "t"}}}, {"status", {{"phase", "Terminating"}}}};
  type_of("", "namespaces").admit(terminating);
  EXPECT_EQ(terminating["status"]["phase"], "Terminating");
}

TEST(BuiltinTypes, EventsV1RequireEventTimeAndUnknownFieldsSurvive) {
  const ResourceType& t = type_of("events.k8s.io", "events");
  json ev = {{"metadata", {{"name", "e"}}}, {"note", "n"}, {"futureField", 1}};
  Admission a = t.admit(ev);
  ASSERT_EQ(a.causes.size(), 1u);
  EXPECT_EQ(a.causes[0].field, "eventTime");
  EXPECT_EQ(a.causes[0].message, "Required value");
  EXPECT_EQ(ev["futureField"], 1);
  EXPECT_THAT(a.unknown_fields, IsEmpty());
}

TEST(BuiltinTypes, LeaseTypesAreChecked) {
  json lease = {{"metadata", {{"name", "l"}}},
                {"spec", {{"holderIdentity", "me"}, {"leaseDurationSeconds", "15"}}}};
  Admission a = type_of("coordination.k8s.io", "leases").admit(lease);
  ASSERT_EQ(a.causes.size(), 1u);
  EXPECT_EQ(a.causes[0].field, "spec.leaseDurationSeconds");
  EXPECT_EQ(a.causes[0].reason, "FieldValueTypeInvalid");
}

TEST(BuiltinTables, CoreEventsPrintLikeKubectlGetEvents) {
  json ev = {{"metadata",
              {{"name", "p.123"}, {"namespace", "default"}, {"creationTimestamp", "2026-11-23T11:00:00Z"}}},
             {"involvedObject", {{"kind", "ZenlayerPort"}, {"name", "p"}, {"fieldPath", "spec"}}},
             {"reason", "Terminating"},
             {"message", "  port terminate requested \n"},
             {"type", "Normal"},
             {"source", {{"component", "zenlayer-port-operator"}}},
             {"firstTimestamp", "2026-11-23T11:00:00Z"},
             {"lastTimestamp", "2026-11-23T11:58:00Z"},
             {"count", 3}};
  json table =
      to_table(type_of("", "events"), {{"metadata", {{"resourceVersion", "9"}}}, {"items", {ev}}}, "", kNow);
  EXPECT_THAT(column_names(table), ElementsAre("Last Seen", "Type", "Reason", "Object", "Subobject", "Source",
                                               "Message", "First Seen", "Count", "Name"));
  EXPECT_EQ(table["columnDefinitions"][4]["priority"], 1);
  EXPECT_EQ(table["rows"][0]["cells"],
            (json{"2m", "Normal", "Terminating", "zenlayerport/p", "spec", "zenlayer-port-operator",
                  "port terminate requested", "60m", 3, "p.123"}));
}

TEST(BuiltinTables, EventsV1UseRegardingNoteAndSeries) {
  json ev = {{"metadata", {{"name", "e"}}},
             {"eventTime", "2026-11-23T11:50:00.000000Z"},
             {"regarding", {{"kind", "Lease"}, {"name", "leader"}}},
             {"note", "became leader"},
             {"type", "Normal"},
             {"reason", "LeaderElection"},
             {"reportingController", "zpo"},
             {"reportingInstance", "pod-1"},
             {"series", {{"count", 4}, {"lastObservedTime", "2026-11-23T11:59:00.000000Z"}}}};
  json table = to_table(type_of("events.k8s.io", "events"), ev, "", kNow);
  EXPECT_EQ(table["rows"][0]["cells"], (json{"60s", "Normal", "LeaderElection", "lease/leader", "",
                                             "zpo, pod-1", "became leader", "10m", 4, "e"}));
}

TEST(BuiltinTables, SecretsConfigMapsNamespacesAndLeases) {
  json secret = {{"metadata", {{"name", "s"}, {"creationTimestamp", "2026-11-23T11:00:00Z"}}},
                 {"type", "Opaque"},
                 {"data", {{"a", "YQ=="}, {"b", "Yg=="}}}};
  json st = to_table(type_of("", "secrets"), secret, "", kNow);
  EXPECT_THAT(column_names(st), ElementsAre("Name", "Type", "Data", "Age"));
  EXPECT_EQ(st["rows"][0]["cells"], (json{"s", "Opaque", 2, "60m"}));

  json cm = {{"metadata", {{"name", "c"}, {"creationTimestamp", "2026-11-23T11:59:00Z"}}},
             {"data", {{"a", "1"}}},
             {"binaryData", {{"b", "Yg=="}}}};
  EXPECT_EQ(to_table(type_of("", "configmaps"), cm, "", kNow)["rows"][0]["cells"], (json{"c", 2, "60s"}));

  json ns = {{"metadata", {{"name", "default"}, {"creationTimestamp", "2026-11-20T12:00:00Z"}}},
             {"status", {{"phase", "Active"}}}};
  json nt = to_table(type_of("", "namespaces"), ns, "", kNow);
  EXPECT_THAT(column_names(nt), ElementsAre("Name", "Status", "Age"));
  EXPECT_EQ(nt["rows"][0]["cells"], (json{"default", "Active", "3d"}));

  json lease = {{"metadata", {{"name", "l"}}}, {"spec", {{"holderIdentity", "pod-1"}}}};
  json lt = to_table(type_of("coordination.k8s.io", "leases"), lease, "", kNow);
  EXPECT_THAT(column_names(lt), ElementsAre("Name", "Holder", "Age"));
  EXPECT_EQ(lt["rows"][0]["cells"], (json{"l", "pod-1", "<unknown>"}));
}

}  // namespace
}  // namespace kubeemu
