#include "structural_schema.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "crd_loader.hpp"

namespace kubeemu {

// Matchers compare causes field by field; found by ADL in FieldCause's namespace.
bool operator==(const FieldCause& a, const FieldCause& b) {
  return a.reason == b.reason && a.message == b.message && a.field == b.field;
}
void PrintTo(const FieldCause& c, std::ostream* os) {
  *os << "{" << c.reason << ", " << c.message << ", " << c.field << "}";
}

namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

FieldCause cause(const char* reason, const char* field, const std::string& message) {
  return {reason, message, field};
}

class PortAdmission : public ::testing::Test {
 protected:
  static const ResourceType& port_type() {
    static const ResourceType t = load_crd_file(ZPO_PORT_CRD).at(0);
    return t;
  }
  static json port(json spec) {
    return {{"apiVersion", "sdn.zenlayer.com/v1alpha1"},
            {"kind", "ZenlayerPort"},
            {"metadata", {{"name", "p"}, {"namespace", "default"}}},
            {"spec", std::move(spec)}};
  }
  Admission admit(json& object) { return port_type().admit(object); }
  std::vector<FieldCause> causes_for(json object) { return admit(object).causes; }
};

TEST_F(PortAdmission, AValidPortGetsItsDeletionPolicyDefaulted) {
  json p = port({{"portId", "port-1.a_b"}});
  Admission a = admit(p);
  EXPECT_THAT(a.causes, IsEmpty());
  EXPECT_THAT(a.unknown_fields, IsEmpty());
  EXPECT_EQ(p["spec"]["deletionPolicy"], "Delete");
  EXPECT_FALSE(p["spec"].contains("credentialsSecretRef"));  // defaults never create a missing object
}

TEST_F(PortAdmission, DefaultsApplyInsideObjectsThatExist) {
  json p = port({{"portId", "p1"}, {"deletionPolicy", "Orphan"}, {"credentialsSecretRef", {{"name", "zl"}}}});
  EXPECT_THAT(admit(p).causes, IsEmpty());
  EXPECT_EQ(p["spec"]["deletionPolicy"], "Orphan");
  EXPECT_EQ(p["spec"]["credentialsSecretRef"], (json{{"name", "zl"},
                                                     {"accessKeyIdKey", "accessKeyId"},
                                                     {"accessKeyPasswordKey", "accessKeyPassword"}}));
}

TEST_F(PortAdmission, NullTakesTheDefaultOrIsDropped) {
  json p = port({{"portId", nullptr}, {"deletionPolicy", nullptr}, {"restore", nullptr}});
  auto causes = admit(p).causes;
  EXPECT_EQ(p["spec"], (json{{"deletionPolicy", "Delete"}, {"restore", false}}));
  // spec.portId is optional ("portId or the creation fields" is a CEL rule, which the emulator does not run).
  EXPECT_THAT(causes, IsEmpty());
  json name = port({{"portId", "p"}, {"credentialsSecretRef", {{"name", nullptr}}}});
  EXPECT_THAT(admit(name).causes,
              ElementsAre(cause("FieldValueRequired", "spec.credentialsSecretRef.name", "Required value")));
}

TEST_F(PortAdmission, PrunesUnknownFieldsAndReportsTheirPaths) {
  json p = port({{"portId", "p1"}, {"foo", 1}, {"credentialsSecretRef", {{"name", "s"}, {"bar", true}}}});
  p["extra"] = "x";
  p["metadata"]["whatever"] = "kept";
  p["status"] = {{"phase", "Ready"}, {"conditions", {{{"type", "Ready"}, {"status", "True"}, {"bogus", 1}}}}};
  Admission a = admit(p);
  EXPECT_THAT(a.causes, IsEmpty());
  EXPECT_THAT(a.unknown_fields, ElementsAre("extra", "spec.credentialsSecretRef.bar", "spec.foo",
                                            "status.conditions[0].bogus"));
  EXPECT_FALSE(p.contains("extra"));
  EXPECT_FALSE(p["spec"].contains("foo"));
  EXPECT_FALSE(p["spec"]["credentialsSecretRef"].contains("bar"));
  EXPECT_FALSE(p["status"]["conditions"][0].contains("bogus"));
  EXPECT_EQ(p["metadata"]["whatever"], "kept");  // the root's metadata is not the schema's business
  EXPECT_EQ(p["apiVersion"], "sdn.zenlayer.com/v1alpha1");
  EXPECT_EQ(p["kind"], "ZenlayerPort");
}

TEST_F(PortAdmission, RequiredFields) {
  json no_spec = port({});
  no_spec.erase("spec");
  EXPECT_THAT(causes_for(no_spec), ElementsAre(cause("FieldValueRequired", "spec", "Required value")));
  EXPECT_THAT(causes_for(port({{"portId", "p"}, {"credentialsSecretRef", json::object()}})),
              ElementsAre(cause("FieldValueRequired", "spec.credentialsSecretRef.name", "Required value")));
}

TEST_F(PortAdmission, EnumIsUnsupportedValue) {
  EXPECT_THAT(
      causes_for(port({{"dcId", "SIN1"}, {"portType", "5G"}})),
      ElementsAre(cause("FieldValueNotSupported", "spec.portType",
                        R"(Unsupported value: "5G": supported values: "1G", "10G", "40G", "100G", "400G")")));
  EXPECT_THAT(causes_for(port({{"portId", "p"}, {"deletionPolicy", "Destroy"}})),
              ElementsAre(cause(
                  "FieldValueNotSupported", "spec.deletionPolicy",
                  R"(Unsupported value: "Destroy": supported values: "Delete", "RecycleBin", "Orphan")")));
}

TEST_F(PortAdmission, PatternMinLengthAndMaxLength) {
  EXPECT_THAT(
      causes_for(port({{"portId", "bad id"}})),
      ElementsAre(cause(
          "FieldValueInvalid", "spec.portId",
          R"(Invalid value: "bad id": spec.portId in body should match '^[A-Za-z0-9][A-Za-z0-9._-]*$')")));
  // kube-openapi stops at the first string failure: an empty id is too short, not also a pattern mismatch.
  EXPECT_THAT(
      causes_for(port({{"portId", ""}})),
      ElementsAre(cause("FieldValueInvalid", "spec.portId",
                        R"(Invalid value: "": spec.portId in body should be at least 1 chars long)")));
  EXPECT_THAT(
      causes_for(port({{"portId", std::string(65, 'a')}})),
      ElementsAre(cause("FieldValueTooLong", "spec.portId", "Too long: may not be more than 64 bytes")));
  EXPECT_THAT(causes_for(port({{"portId", std::string(64, 'a')}})), IsEmpty());
}

TEST_F(PortAdmission, TypeMismatchNamesTheActualType) {
  EXPECT_THAT(causes_for(port({{"portId", 5}})),
              ElementsAre(cause(
                  "FieldValueTypeInvalid", "spec.portId",
                  R"(Invalid value: "integer": spec.portId in body must be of type string: "integer")")));
  json p = port({{"portId", "p"}});
  p["status"] = {{"observedGeneration", "string"}};
  EXPECT_THAT(
      causes_for(p),
      ElementsAre(cause(
          "FieldValueTypeInvalid", "status.observedGeneration",
          R"(Invalid value: "string": status.observedGeneration in body must be of type integer: "string")")));
  p["status"] = {{"observedGeneration", 2.5}};
  EXPECT_THAT(
      causes_for(p),
      ElementsAre(cause(
          "FieldValueTypeInvalid", "status.observedGeneration",
          R"(Invalid value: "number": status.observedGeneration in body must be of type integer: "number")")));
  p["status"] = {{"observedGeneration", 3.0}};  // a whole float is an integer, as Go's decoder sees 3.0
  EXPECT_THAT(causes_for(p), IsEmpty());
  EXPECT_THAT(
      causes_for(port({{"portId", "p"}, {"credentialsSecretRef", "name"}})),
      ElementsAre(cause(
          "FieldValueTypeInvalid", "spec.credentialsSecretRef",
          R"(Invalid value: "string": spec.credentialsSecretRef in body must be of type object: "string")")));
}

TEST_F(PortAdmission, StatusIsValidatedWithArrayItemPaths) {
  json p = port({{"portId", "p"}});
  p["status"] = {
      {"phase", "Gone"},
      {"conditions",
       {{{"type", "Ready"}, {"status", "True"}}, {{"type", "Synced"}, {"status", "maybe"}}, {{"type", "X"}}}},
      {"recycledAt", "yesterday"},
      {"destroyedAt", "2026-11-23T10:00:00.123456Z"},
      {"terminateRequestedAt", "2026-11-23T10:00:00+02:00"}};
  EXPECT_THAT(
      causes_for(p),
      ElementsAre(
          cause("FieldValueNotSupported", "status.conditions[1].status",
                R"(Unsupported value: "maybe": supported values: "True", "False", "Unknown")"),
          cause("FieldValueRequired", "status.conditions[2].status", "Required value"),
          cause(
              "FieldValueNotSupported", "status.phase",
              R"(Unsupported value: "Gone": supported values: "Pending", "Ready", "Terminating", "Recycled", "Destroying", "Destroyed", "Orphaned", "Blocked", "Failed")"),
          cause(
              "FieldValueTypeInvalid", "status.recycledAt",
              R"(Invalid value: "yesterday": status.recycledAt in body must be of type date-time: "yesterday")")));
}

// Keywords the project CRD does not use, on a schema of their own.
class KeywordAdmission : public ::testing::Test {
 protected:
  static json schema() {
    return {
        {"type", "object"},
        {"properties",
         {{"spec",
           {{"type", "object"},
            {"properties",
             {{"replicas", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000000}}},
              {"ratio", {{"type", "number"}, {"minimum", 0}, {"maximum", 1.5}, {"exclusiveMaximum", true}}},
              {"step", {{"type", "integer"}, {"multipleOf", 5}}},
              {"port", {{"x-kubernetes-int-or-string", true}}},
              {"note", {{"type", "string"}, {"nullable", true}}},
              {"tags",
               {{"type", "array"}, {"minItems", 1}, {"maxItems", 2}, {"items", {{"type", "string"}}}}},
              {"ports",
               {{"type", "array"},
                {"items",
                 {{"type", "object"},
                  {"properties",
                   {{"name", {{"type", "string"}}},
                    {"protocol", {{"type", "string"}, {"default", "TCP"}}}}}}}}},
              {"labels",
               {{"type", "object"},
                {"additionalProperties",
                 {{"type", "object"}, {"properties", {{"v", {{"type", "string"}}}}}}}}},
              {"raw",
               {{"type", "object"},
                {"x-kubernetes-preserve-unknown-fields", true},
                {"properties", {{"known", {{"type", "object"}}}}}}},
              {"template",
               {{"type", "object"},
                {"x-kubernetes-embedded-resource", true},
                {"properties", {{"x", {{"type", "string"}}}}}}},
              {"level", {{"type", "integer"}, {"enum", {1, 2}}}},
              {"selector",
               {{"type", "object"},
                {"minProperties", 1},
                {"maxProperties", 2},
                {"additionalProperties", {{"type", "string"}}}}},
              {"day", {{"type", "string"}, {"format", "date"}}}}}}}}}};
  }
  std::vector<FieldCause> causes_for(json spec) {
    json o = {
        {"apiVersion", "x/v1"}, {"kind", "X"}, {"metadata", {{"name", "x"}}}, {"spec", std::move(spec)}};
    return StructuralSchema(schema()).admit(o).causes;
  }
  json admitted(json spec, std::vector<std::string>* pruned = nullptr) {
    json o = {
        {"apiVersion", "x/v1"}, {"kind", "X"}, {"metadata", {{"name", "x"}}}, {"spec", std::move(spec)}};
    Admission a = StructuralSchema(schema()).admit(o);
    EXPECT_THAT(a.causes, IsEmpty());
    if (pruned) *pruned = a.unknown_fields;
    return o["spec"];
  }
};

TEST_F(KeywordAdmission, MinimumMaximumAndMultipleOf) {
  EXPECT_THAT(
      causes_for({{"replicas", 0}}),
      ElementsAre(cause("FieldValueInvalid", "spec.replicas",
                        "Invalid value: 0: spec.replicas in body should be greater than or equal to 1")));
  // Go prints float64 limits with %v: 1e+06.
  EXPECT_THAT(causes_for({{"replicas", 2000000}}),
              ElementsAre(cause(
                  "FieldValueInvalid", "spec.replicas",
                  "Invalid value: 2000000: spec.replicas in body should be less than or equal to 1e+06")));
  EXPECT_THAT(causes_for({{"ratio", 1.5}}),
              ElementsAre(cause("FieldValueInvalid", "spec.ratio",
                                "Invalid value: 1.5: spec.ratio in body should be less than 1.5")));
  EXPECT_THAT(causes_for({{"ratio", 0.25}, {"replicas", 1000000}}), IsEmpty());
  EXPECT_THAT(causes_for({{"step", 7}}),
              ElementsAre(cause("FieldValueInvalid", "spec.step",
                                "Invalid value: 7: spec.step in body should be a multiple of 5")));
}

TEST_F(KeywordAdmission, MinItemsAndMaxItems) {
  EXPECT_THAT(causes_for({{"tags", json::array()}}),
              ElementsAre(cause("FieldValueInvalid", "spec.tags",
                                "Invalid value: 0: spec.tags in body should have at least 1 items")));
  EXPECT_THAT(causes_for({{"tags", {"a", "b", "c"}}}),
              ElementsAre(cause("FieldValueTooMany", "spec.tags", "Too many: 3: must have at most 2 items")));
  EXPECT_THAT(causes_for({{"tags", {"a", 1}}}),
              ElementsAre(cause(
                  "FieldValueTypeInvalid", "spec.tags[1]",
                  R"(Invalid value: "integer": spec.tags[1] in body must be of type string: "integer")")));
}

TEST_F(KeywordAdmission, MinPropertiesAndMaxProperties) {
  EXPECT_THAT(
      causes_for({{"selector", json::object()}}),
      ElementsAre(cause("FieldValueInvalid", "spec.selector",
                        "Invalid value: 0: spec.selector in body should have at least 1 properties")));
  EXPECT_THAT(
      causes_for({{"selector", {{"a", "1"}, {"b", "2"}, {"c", "3"}}}}),
      ElementsAre(cause("FieldValueTooMany", "spec.selector", "Too many: 3: must have at most 2 items")));
  EXPECT_THAT(causes_for({{"selector", {{"a", "1"}}}}), IsEmpty());
}

TEST_F(KeywordAdmission, IntOrStringNullableEnumOfIntegersAndDate) {
  EXPECT_THAT(causes_for({{"port", 80}}), IsEmpty());
  EXPECT_THAT(causes_for({{"port", "http"}}), IsEmpty());
  EXPECT_THAT(
      causes_for({{"port", true}}),
      ElementsAre(
          cause("FieldValueTypeInvalid", "spec.port",
                R"(Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean")")));
  EXPECT_THAT(causes_for({{"note", nullptr}}), IsEmpty());
  EXPECT_THAT(causes_for({{"level", 3}}),
              ElementsAre(cause("FieldValueNotSupported", "spec.level",
                                R"(Unsupported value: 3: supported values: "1", "2")")));
  EXPECT_THAT(causes_for({{"day", "2026-11-23"}}), IsEmpty());
  EXPECT_THAT(causes_for({{"day", "23/11/2026"}}),
              ElementsAre(cause(
                  "FieldValueTypeInvalid", "spec.day",
                  R"(Invalid value: "23/11/2026": spec.day in body must be of type date: "23/11/2026")")));
}

TEST_F(KeywordAdmission, DefaultsInArrayItemsAndPruningOfMapsPreservedAndEmbeddedObjects) {
  std::vector<std::string> pruned;
  json spec = admitted(
      {{"ports", {{{"name", "a"}, {"junk", 1}}, {{"name", "b"}, {"protocol", "UDP"}}}},
       {"labels", {{"k", {{"v", "1"}, {"w", "2"}}}}},
       {"raw", {{"anything", {{"goes", 1}}}, {"known", {{"dropped", 1}}}}},
       {"template",
        {{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", "n"}}}, {"x", "1"}, {"y", 2}}}},
      &pruned);
  EXPECT_EQ(spec["ports"],
            (json{{{"name", "a"}, {"protocol", "TCP"}}, {{"name", "b"}, {"protocol", "UDP"}}}));
  EXPECT_EQ(spec["labels"], (json{{"k", {{"v", "1"}}}}));
  EXPECT_EQ(spec["raw"], (json{{"anything", {{"goes", 1}}}, {"known", json::object()}}));
  EXPECT_EQ(spec["template"],
            (json{{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", "n"}}}, {"x", "1"}}));
  EXPECT_THAT(pruned, ElementsAre("spec.labels.k.w", "spec.ports[0].junk", "spec.raw.known.dropped",
                                  "spec.template.y"));
}

TEST(MakeAdmit, IsUsableAsAResourceTypeAdmitFunction) {
  ResourceType t;
  t.admit = make_admit({{"type", "object"}, {"properties", {{"a", {{"type", "string"}, {"default", "x"}}}}}});
  json o = {{"apiVersion", "v1"}, {"kind", "K"}, {"metadata", json::object()}, {"b", 1}};
  Admission a = t.admit(o);
  EXPECT_EQ(o, (json{{"apiVersion", "v1"}, {"kind", "K"}, {"metadata", json::object()}, {"a", "x"}}));
  EXPECT_THAT(a.unknown_fields, ElementsAre("b"));
}

}  // namespace
}  // namespace kubeemu
