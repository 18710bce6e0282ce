#include "crd_loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "yaml_json.hpp"

namespace kubeemu {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A CRD file written to a temporary path for one test.
class TempFile {
 public:
  explicit TempFile(const std::string& text)
      : path_(std::filesystem::temp_directory_path() /
              ("kubeemu-crd-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++) + ".yaml")) {
    std::ofstream(path_) << text;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

constexpr const char* kClusterCrd = R"(
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: regions.example.com
spec:
  group: example.com
  scope: Cluster
  names: {kind: Region, plural: regions}
  versions:
    - name: v1
      served: true
      storage: false
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                enabled: {type: boolean, default: yes}
                weight: {type: integer, default: 0x10}
    - name: v2
      served: true
      storage: true
      schema:
        openAPIV3Schema: {type: object}
    - name: v0
      served: false
      storage: false
      schema:
        openAPIV3Schema: {type: object}
)";

TEST(CrdLoader, LoadsTheProjectCrd) {
  auto types = load_crd_file(ZPO_PORT_CRD);
  ASSERT_EQ(types.size(), 1u);
  const ResourceType& t = types[0];
  EXPECT_EQ(t.group, "sdn.zenlayer.com");
  EXPECT_EQ(t.version, "v1alpha1");
  EXPECT_EQ(t.kind, "ZenlayerPort");
  EXPECT_EQ(t.list_kind, "ZenlayerPortList");
  EXPECT_EQ(t.plural, "zenlayerports");
  EXPECT_EQ(t.singular, "zenlayerport");
  EXPECT_THAT(t.short_names, ElementsAre("zport", "zports"));
  EXPECT_THAT(t.categories, ElementsAre("zenlayer"));
  EXPECT_TRUE(t.namespaced);
  EXPECT_TRUE(t.has_status);
  EXPECT_TRUE(t.is_crd);
  EXPECT_EQ(t.qualified_resource(), "zenlayerports.sdn.zenlayer.com");
  ASSERT_EQ(t.columns.size(), 5u);
  EXPECT_EQ(t.columns[0].name, "Port-ID");
  EXPECT_EQ(t.columns[0].json_path, ".status.portId");
  EXPECT_EQ(t.columns[3].name, "Ready");
  EXPECT_EQ(t.columns[3].json_path, R"(.status.conditions[?(@.type=="Ready")].status)");
  EXPECT_EQ(t.columns[4].type, "date");
  ASSERT_TRUE(t.admit);
  // Quoted YAML scalars stay strings, plain ones get their YAML type.
  const json& status = t.openapi_schema["properties"]["status"]["properties"];
  EXPECT_EQ(status["conditions"]["items"]["properties"]["status"]["enum"],
            json::array({"True", "False", "Unknown"}));
  EXPECT_EQ(t.openapi_schema["properties"]["spec"]["properties"]["portId"]["maxLength"], 64);
  EXPECT_EQ(t.openapi_schema["properties"]["spec"]["properties"]["restore"]["default"], false);
  EXPECT_EQ(t.openapi_schema["properties"]["spec"]["properties"]["portType"]["enum"],
            json::array({"1G", "10G", "40G", "100G", "400G"}));
}

TEST(CrdLoader, LoadsAClusterScopedCrdWithDefaultedNames) {
  TempFile file(kClusterCrd);
  auto types = load_crd_file(file.path());
  ASSERT_EQ(types.size(), 2u);  // v0 is not served
  EXPECT_EQ(types[0].version, "v1");
  EXPECT_EQ(types[1].version, "v2");
  EXPECT_FALSE(types[0].namespaced);
  EXPECT_FALSE(types[0].has_status);
  EXPECT_EQ(types[0].list_kind, "RegionList");
  EXPECT_EQ(types[0].singular, "region");
  EXPECT_TRUE(types[0].columns.empty());
  // YAML 1.1 as Kubernetes reads it: `yes` is a boolean, 0x10 an integer.
  const json& spec = types[0].openapi_schema["properties"]["spec"]["properties"];
  EXPECT_EQ(spec["enabled"]["default"], true);
  EXPECT_EQ(spec["weight"]["default"], 16);
  json region = {{"apiVersion", "example.com/v1"},
                 {"kind", "Region"},
                 {"metadata", {{"name", "r"}}},
                 {"spec", json::object()}};
  types[0].admit(region);
  EXPECT_EQ(region["spec"], (json{{"enabled", true}, {"weight", 16}}));
}

TEST(CrdLoader, ErrorsNameTheFileTheDocumentAndTheField) {
  TempFile file(R"(
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: things.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Thing}
  versions: []
)");
  try {
    load_crd_file(file.path());
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              file.path() + ": document 1 (things.example.com): spec.names.plural is missing");
  }
}

TEST(CrdLoader, RejectsBadScopeMissingSchemaAndBadColumns) {
  json crd = yaml_documents_to_json(kClusterCrd).at(0);
  json bad_scope = crd;
  bad_scope["spec"]["scope"] = "Global";
  EXPECT_THAT([&] { crd_types(bad_scope); }, testing::ThrowsMessage<std::runtime_error>(
                                                 HasSubstr("spec.scope: Unsupported value: \"Global\"")));
  json no_schema = crd;
  no_schema["spec"]["versions"][0].erase("schema");
  EXPECT_THAT([&] { crd_types(no_schema); },
              testing::ThrowsMessage<std::runtime_error>(HasSubstr("spec.versions[0].schema is missing")));
  json bad_column = crd;
  bad_column["spec"]["versions"][0]["additionalPrinterColumns"] = {
      {{"name", "X"}, {"type", "string"}, {"jsonPath", ".a[?("}}};
  EXPECT_THAT([&] { crd_types(bad_column); },
              testing::ThrowsMessage<std::runtime_error>(HasSubstr("additionalPrinterColumns[0].jsonPath")));
  json bad_pattern = crd;
  bad_pattern["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["x"] = {{"type", "string"},
                                                                                        {"pattern", "(["}};
  EXPECT_THAT([&] { crd_types(bad_pattern); },
              testing::ThrowsMessage<std::runtime_error>(HasSubstr("pattern '(['")));
  json wrong_kind = crd;
  wrong_kind["kind"] = "Deployment";
  EXPECT_THAT([&] { crd_types(wrong_kind); },
              testing::ThrowsMessage<std::runtime_error>(HasSubstr("expected CustomResourceDefinition")));
}

TEST(CrdLoader, MissingFileAndBrokenYamlAreReported) {
  EXPECT_THAT([] { load_crd_file("/nonexistent/crd.yaml"); },
              testing::ThrowsMessage<std::runtime_error>("/nonexistent/crd.yaml: cannot be read"));
  TempFile broken("spec: [unclosed\n");
  EXPECT_THAT([&] { load_crd_file(broken.path()); },
              testing::ThrowsMessage<std::runtime_error>(HasSubstr("invalid YAML at line")));
}

TEST(YamlJson, ResolvesScalarsLikeKubernetes) {
  auto docs = yaml_documents_to_json(
      "a: 1\nb: -2.5\nc: 'True'\nd: True\ne: ~\nf: \"5\"\ng: 1e3\nh: hello\ni: 0o17\nj: !!str 12\nk: "
      "off\n---\n---\nx: [1, two]\n");
  ASSERT_EQ(docs.size(), 2u);  // the empty document is skipped
  const json& d = docs[0];
  EXPECT_TRUE(d["a"].is_number_integer());
  EXPECT_EQ(d["a"], 1);
  EXPECT_EQ(d["b"], -2.5);
  EXPECT_EQ(d["c"], "True");
  EXPECT_EQ(d["d"], true);
  EXPECT_TRUE(d["e"].is_null());
  EXPECT_EQ(d["f"], "5");
  EXPECT_EQ(d["g"], 1000.0);
  EXPECT_EQ(d["h"], "hello");
  EXPECT_EQ(d["i"], 15);
  EXPECT_EQ(d["j"], "12");
  EXPECT_EQ(d["k"], false);
  EXPECT_EQ(docs[1]["x"], json::array({1, "two"}));
}

}  // namespace
}  // namespace kubeemu
