// The kinds a Helm chart emits (builtin_services/workloads/rbac/apiextensions.cpp): defaults, the validation
// the real apiserver applies, update rules and the printed columns.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "builtin_type_of.hpp"
#include "builtin_types.hpp"
#include "table.hpp"

namespace kubeemu {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

using test_support::kNow;
using test_support::type_of;

json deployment(const json& selector_labels, const json& template_labels) {
  return {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", {{"name", "d"}, {"creationTimestamp", "2026-11-23T11:00:00Z"}}},
      {"spec",
       {{"selector", {{"matchLabels", selector_labels}}},
        {"template",
         {{"metadata", {{"labels", template_labels}}},
          {"spec",
           {{"containers", {{{"name", "c"}, {"image", "i:1"}, {"ports", {{{"containerPort", 80}}}}}}}}}}}}}};
}

std::vector<std::string> fields(const Admission& a) {
  std::vector<std::string> out;
  for (const auto& c : a.causes)
    out.push_back(c.field + ": " + c.message);
  return out;
}

TEST(BuiltinKinds, ScopesShortNamesAndGeneration) {
  EXPECT_THAT(type_of("apps", "deployments").short_names, ElementsAre("deploy"));
  EXPECT_TRUE(type_of("apps", "deployments").has_generation);
  EXPECT_THAT(type_of("", "services").short_names, ElementsAre("svc"));
  EXPECT_THAT(type_of("", "serviceaccounts").short_names, ElementsAre("sa"));
  EXPECT_THAT(type_of("policy", "poddisruptionbudgets").short_names, ElementsAre("pdb"));
  EXPECT_THAT(type_of("apiextensions.k8s.io", "customresourcedefinitions").short_names,
              ElementsAre("crd", "crds"));
  EXPECT_FALSE(type_of("rbac.authorization.k8s.io", "clusterroles").namespaced);
  EXPECT_FALSE(type_of("rbac.authorization.k8s.io", "clusterrolebindings").namespaced);
  EXPECT_FALSE(type_of("apiextensions.k8s.io", "customresourcedefinitions").namespaced);
  EXPECT_TRUE(type_of("rbac.authorization.k8s.io", "roles").namespaced);
}

TEST(BuiltinKinds, MergeKeysComeFromTheSchema) {
  const auto& keys = type_of("apps", "deployments").merge_keys;
  EXPECT_EQ(keys.at("spec.template.spec.containers"), "name");
  EXPECT_EQ(keys.at("spec.template.spec.containers.ports"), "containerPort");
  EXPECT_EQ(keys.at("spec.template.spec.containers.env"), "name");
  EXPECT_EQ(keys.at("spec.template.spec.containers.volumeMounts"), "mountPath");
  EXPECT_EQ(keys.at("spec.template.spec.volumes"), "name");
  EXPECT_EQ(keys.count("spec.template.spec.tolerations"), 0u);
  EXPECT_EQ(type_of("", "services").merge_keys.at("spec.ports"), "port");
}

TEST(BuiltinKinds, DeploymentDefaultsAndSelectorMustMatchTemplate) {
  json d = deployment({{"app", "a"}}, {{"app", "a"}, {"tier", "x"}});
  Admission ok = type_of("apps", "deployments").admit(d);
  EXPECT_THAT(fields(ok), IsEmpty());
  EXPECT_EQ(d["spec"]["replicas"], 1);
  EXPECT_EQ(d["spec"]["strategy"]["type"], "RollingUpdate");
  EXPECT_EQ(d["spec"]["revisionHistoryLimit"], 10);
  EXPECT_EQ(d["spec"]["template"]["spec"]["containers"][0]["ports"][0]["protocol"], "TCP");

  json bad = deployment({{"app", "a"}}, {{"app", "b"}});
  EXPECT_THAT(fields(type_of("apps", "deployments").admit(bad)),
              ElementsAre("spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"b\"}: "
                          "`selector` does not match template `labels`"));
  json none = deployment({{"app", "a"}}, {{"app", "a"}});
  none["spec"].erase("selector");
  EXPECT_THAT(fields(type_of("apps", "deployments").admit(none)),
              ElementsAre("spec.selector: Required value"));
}

TEST(BuiltinKinds, DeploymentSelectorIsImmutable) {
  json old = deployment({{"app", "a"}}, {{"app", "a"}});
  json next = deployment({{"app", "b"}}, {{"app", "b"}});
  std::vector<FieldCause> causes;
  type_of("apps", "deployments").admit_update(next, old, causes);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "spec.selector");
  causes.clear();
  type_of("apps", "deployments").admit_update(old, old, causes);
  EXPECT_THAT(causes, IsEmpty());
}

TEST(BuiltinKinds, ServiceGetsTypeClusterIpAndTargetPortThatStayOnUpdate) {
  const ResourceType& t = type_of("", "services");
  json svc = {{"metadata", {{"name", "s"}}},
              {"spec", {{"ports", {{{"port", 8080}}}}, {"selector", {{"a", "b"}}}}}};
  EXPECT_THAT(fields(t.admit(svc)), IsEmpty());
  EXPECT_EQ(svc["spec"]["type"], "ClusterIP");
  EXPECT_EQ(svc["spec"]["ports"][0]["protocol"], "TCP");
  EXPECT_EQ(svc["spec"]["ports"][0]["targetPort"], 8080);
  const std::string ip = svc["spec"]["clusterIP"];
  EXPECT_THAT(ip, ::testing::MatchesRegex(R"(10\.96\.[0-9]+\.[0-9]+)"));
  json other = {{"metadata", {{"name", "o"}}}, {"spec", {{"ports", {{{"port", 1}}}}}}};
  t.admit(other);
  EXPECT_NE(other["spec"]["clusterIP"], ip) << "each Service gets its own IP";

  json next = svc;
  next["spec"].erase("clusterIP");
  next["spec"].erase("clusterIPs");
  std::vector<FieldCause> causes;
  t.admit_update(next, svc, causes);
  EXPECT_THAT(causes, IsEmpty());
  EXPECT_EQ(next["spec"]["clusterIP"], ip);
  next["spec"]["clusterIP"] = "10.96.200.200";
  t.admit_update(next, svc, causes);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "spec.clusterIPs[0]");

  json no_ports = {{"metadata", {{"name", "n"}}}, {"spec", json::object()}};
  EXPECT_THAT(fields(t.admit(no_ports)), ElementsAre("spec.ports: Required value"));
}

TEST(BuiltinKinds, BindingRoleRefCannotChangeAndRulesNeedVerbs) {
  const ResourceType& rb = type_of("rbac.authorization.k8s.io", "rolebindings");
  json old = {{"metadata", {{"name", "b"}}},
              {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Role"}, {"name", "one"}}}};
  json next = old;
  next["roleRef"]["name"] = "two";
  std::vector<FieldCause> causes;
  rb.admit_update(next, old, causes);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "roleRef");
  EXPECT_EQ(
      causes[0].message,
      "Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"Role\", Name:\"two\"}: "
      "cannot change roleRef");
  json no_ref = {{"metadata", {{"name", "b"}}}};
  EXPECT_FALSE(rb.admit(no_ref).causes.empty());

  json role = {{"metadata", {{"name", "r"}}}, {"rules", {{{"apiGroups", {""}}, {"resources", {"pods"}}}}}};
  EXPECT_THAT(fields(type_of("rbac.authorization.k8s.io", "roles").admit(role)),
              ElementsAre("rules[0].verbs: Required value"));
}

TEST(BuiltinKinds, CrdIsEstablishedAndNamedPluralDotGroup) {
  const ResourceType& t = type_of("apiextensions.k8s.io", "customresourcedefinitions");
  json crd = {{"metadata", {{"name", "widgets.example.com"}, {"creationTimestamp", "2026-11-23T11:00:00Z"}}},
              {"spec",
               {{"group", "example.com"},
                {"scope", "Namespaced"},
                {"names", {{"plural", "widgets"}, {"kind", "Widget"}}},
                {"versions", {{{"name", "v1"}, {"served", true}, {"storage", true}}}}}}};
  EXPECT_THAT(fields(t.admit(crd)), IsEmpty());
  EXPECT_EQ(crd["status"]["acceptedNames"]["kind"], "Widget");
  EXPECT_EQ(crd["status"]["storedVersions"], json({"v1"}));
  EXPECT_EQ(crd["status"]["conditions"][1]["type"], "Established");
  json misnamed = crd;
  misnamed["metadata"]["name"] = "gadgets.example.com";
  EXPECT_THAT(fields(t.admit(misnamed)),
              ElementsAre("metadata.name: Invalid value: \"gadgets.example.com\": must be "
                          "spec.names.plural+\".\"+spec.group"));
}

TEST(BuiltinKinds, TablesPrintTheRealColumns) {
  json d = deployment({{"app", "a"}}, {{"app", "a"}});
  type_of("apps", "deployments").admit(d);
  d["status"] = {{"readyReplicas", 1}, {"updatedReplicas", 1}, {"availableReplicas", 1}};
  json dt = to_table(type_of("apps", "deployments"), d, "", kNow);
  EXPECT_EQ(dt["rows"][0]["cells"], (json{"d", "1/1", 1, 1, "60m", "c", "i:1", "app=a"}));

  json svc = {{"metadata", {{"name", "s"}}},
              {"spec",
               {{"type", "NodePort"},
                {"clusterIP", "10.96.0.10"},
                {"ports", {{{"port", 80}, {"nodePort", 30080}, {"protocol", "TCP"}}}}}}};
  EXPECT_EQ(to_table(type_of("", "services"), svc, "", kNow)["rows"][0]["cells"],
            (json{"s", "NodePort", "10.96.0.10", "<none>", "80:30080/TCP", "<unknown>", "<none>"}));

  json pdb = {{"metadata", {{"name", "p"}}}, {"spec", {{"maxUnavailable", "50%"}}}};
  EXPECT_EQ(to_table(type_of("policy", "poddisruptionbudgets"), pdb, "", kNow)["rows"][0]["cells"],
            (json{"p", "N/A", "50%", 0, "<unknown>"}));

  json rb = {{"metadata", {{"name", "b"}}},
             {"roleRef", {{"kind", "ClusterRole"}, {"name", "r"}}},
             {"subjects",
              {{{"kind", "ServiceAccount"}, {"name", "sa"}, {"namespace", "ns"}},
               {{"kind", "User"}, {"name", "u"}}}}};
  EXPECT_EQ(
      to_table(type_of("rbac.authorization.k8s.io", "clusterrolebindings"), rb, "", kNow)["rows"][0]["cells"],
      (json{"b", "ClusterRole/r", "<unknown>", "u", "", "ns/sa"}));

  json role = {{"metadata", {{"name", "r"}, {"creationTimestamp", "2026-11-23T11:00:00Z"}}}};
  json rt = to_table(type_of("rbac.authorization.k8s.io", "roles"), role, "", kNow);
  EXPECT_EQ(rt["columnDefinitions"][1]["name"], "Created At");
  EXPECT_EQ(rt["columnDefinitions"][1]["type"], "date");
  EXPECT_EQ(rt["rows"][0]["cells"], (json{"r", "2026-11-23T11:00:00Z"}));
}

}  // namespace
}  // namespace kubeemu
