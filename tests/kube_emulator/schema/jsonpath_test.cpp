#include "jsonpath.hpp"

#include <gtest/gtest.h>

namespace kubeemu {
namespace {

const json kDoc = {
    {"metadata", {{"name", "p"}, {"labels", {{"app.kubernetes.io/name", "zpo"}}}}},
    {"spec",
     {{"ports",
       {{{"name", "a"}, {"port", 80}}, {{"name", "b"}, {"port", 443}}, {{"name", "c"}, {"port", 8080}}}}}},
    {"status",
     {{"conditions",
       {{{"type", "Synced"}, {"status", "True"}},
        {{"type", "Ready"}, {"status", "False"}, {"reason", "Waiting"}}}}}}};

std::vector<json> find(const std::string& path) {
  return JsonPath(path).find(kDoc);
}

TEST(JsonPath, FieldsIndexesAndWildcards) {
  EXPECT_EQ(find(".metadata.name"), std::vector<json>{"p"});
  EXPECT_EQ(find("{.metadata.name}"), std::vector<json>{"p"});
  EXPECT_EQ(find(".spec.ports[0].port"), std::vector<json>{80});
  EXPECT_EQ(find(".spec.ports[-1].name"), std::vector<json>{"c"});
  EXPECT_EQ(find(".spec.ports[*].name"), (std::vector<json>{"a", "b", "c"}));
  EXPECT_EQ(find(".spec.ports[0:2].port"), (std::vector<json>{80, 443}));
  EXPECT_EQ(find(".spec.ports[1:].port"), (std::vector<json>{443, 8080}));
  EXPECT_EQ(find(".metadata.labels['app.kubernetes.io/name']"), std::vector<json>{"zpo"});
  EXPECT_EQ(find(R"(.metadata.labels.app\.kubernetes\.io/name)"), std::vector<json>{"zpo"});
  EXPECT_EQ(find("..port"), (std::vector<json>{80, 443, 8080}));
  EXPECT_EQ(find(".metadata.*").size(), 2u);
}

TEST(JsonPath, Filters) {
  EXPECT_EQ(find(R"(.status.conditions[?(@.type=="Ready")].status)"), std::vector<json>{"False"});
  EXPECT_EQ(find(R"(.status.conditions[?(@.type == 'Synced')].status)"), std::vector<json>{"True"});
  EXPECT_EQ(find(R"(.status.conditions[?(@.type!="Ready")].type)"), std::vector<json>{"Synced"});
  EXPECT_EQ(find(".status.conditions[?(@.reason)].type"), std::vector<json>{"Ready"});
  EXPECT_EQ(find(".spec.ports[?(@.port > 100)].name"), (std::vector<json>{"b", "c"}));
  EXPECT_EQ(find(".spec.ports[?(@.port<=80)].name"), std::vector<json>{"a"});
}

TEST(JsonPath, MissingKeysYieldNothing) {
  EXPECT_TRUE(find(".status.phase").empty());
  EXPECT_TRUE(find(".spec.ports[7].name").empty());
  EXPECT_TRUE(find(R"(.status.conditions[?(@.type=="Gone")].status)").empty());
  EXPECT_TRUE(find(".metadata.name.first").empty());
  EXPECT_TRUE(JsonPath(".a.b").find(json(nullptr)).empty());
}

TEST(JsonPath, SyntaxErrorsThrow) {
  EXPECT_THROW(JsonPath(".a[?(@.x=="), std::invalid_argument);
  EXPECT_THROW(JsonPath(".a[x]"), std::invalid_argument);
  EXPECT_THROW(JsonPath("a.b"), std::invalid_argument);
  EXPECT_THROW(JsonPath(".a['b"), std::invalid_argument);
}

}  // namespace
}  // namespace kubeemu
