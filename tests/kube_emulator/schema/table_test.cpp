#include "table.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "builtin_types.hpp"
#include "crd_loader.hpp"

namespace kubeemu {
namespace {

const Clock::time_point kNow = *parse_rfc3339("2026-11-23T12:00:00Z");

const ResourceType& port_type() {
  static const ResourceType t = load_crd_file(ZPO_PORT_CRD).at(0);
  return t;
}

json port(const std::string& name, const std::string& created, json status) {
  json p = {
      {"apiVersion", "sdn.zenlayer.com/v1alpha1"},
      {"kind", "ZenlayerPort"},
      {"metadata",
       {{"name", name}, {"namespace", "default"}, {"resourceVersion", "12"}, {"creationTimestamp", created}}},
      {"spec", {{"portId", "port-" + name}}}};
  if (!status.is_null()) p["status"] = std::move(status);
  return p;
}

TEST(Table, ProjectCrdColumnsWithReadyFromConditions) {
  json list = {
      {"apiVersion", "sdn.zenlayer.com/v1alpha1"},
      {"kind", "ZenlayerPortList"},
      {"metadata", {{"resourceVersion", "105"}, {"continue", "tok"}}},
      {"items",
       {port("a", "2026-11-23T11:55:00Z",
             {{"phase", "Ready"},
              {"portId", "port-a"},
              {"portStatus", "RUNNING"},
              {"conditions",
               {{{"type", "Synced"}, {"status", "False"}}, {{"type", "Ready"}, {"status", "True"}}}}}),
        port("b", "2026-11-21T08:00:00Z", nullptr)}}};
  json table = to_table(port_type(), list, "", kNow);
  EXPECT_EQ(table["kind"], "Table");
  EXPECT_EQ(table["apiVersion"], "meta.k8s.io/v1");
  EXPECT_EQ(table["metadata"], (json{{"resourceVersion", "105"}, {"continue", "tok"}}));
  std::vector<std::string> names;
  for (const auto& c : table["columnDefinitions"])
    names.push_back(c["name"]);
  EXPECT_THAT(names, testing::ElementsAre("Name", "Port-ID", "Phase", "Port-Status", "Ready", "Age"));
  EXPECT_EQ(table["columnDefinitions"][0]["format"], "name");
  EXPECT_EQ(table["columnDefinitions"][5]["type"], "date");
  EXPECT_EQ(table["columnDefinitions"][1]["description"],
            "Custom resource definition column (in JSONPath format): .status.portId");
  EXPECT_EQ(table["columnDefinitions"][1]["priority"], 0);
  ASSERT_EQ(table["rows"].size(), 2u);
  EXPECT_EQ(table["rows"][0]["cells"], (json{"a", "port-a", "Ready", "RUNNING", "True", "5m"}));
  // Missing values are null cells (kubectl prints <none>): no one wrote b's status (its port id) yet. The age
  // is computed by the server.
  EXPECT_EQ(table["rows"][1]["cells"], (json{"b", nullptr, nullptr, nullptr, nullptr, "2d4h"}));
  EXPECT_EQ(table["rows"][0]["object"], (json{{"kind", "PartialObjectMetadata"},
                                              {"apiVersion", "meta.k8s.io/v1"},
                                              {"metadata", list["items"][0]["metadata"]}}));
}

TEST(Table, IncludeObjectNoneAndObjectAndASingleObject) {
  json p = port("a", "2026-11-23T11:59:30Z", nullptr);
  json none = to_table(port_type(), p, "None", kNow);
  EXPECT_EQ(none["metadata"], (json{{"resourceVersion", "12"}}));
  ASSERT_EQ(none["rows"].size(), 1u);
  EXPECT_TRUE(none["rows"][0]["object"].is_null());
  EXPECT_EQ(none["rows"][0]["cells"].back(), "30s");
  EXPECT_EQ(to_table(port_type(), p, "Object", kNow)["rows"][0]["object"], p);
}

TEST(Table, EmptyListHasRowsArray) {
  json table = to_table(
      port_type(),
      {{"kind", "ZenlayerPortList"}, {"metadata", {{"resourceVersion", "7"}}}, {"items", json::array()}}, "");
  EXPECT_EQ(table["rows"], json::array());
}

TEST(Table, CrdWithoutColumnsShowsNameAndAge) {
  ResourceType t = port_type();
  t.columns.clear();
  json table = to_table(t, port("a", "2026-11-23T10:00:00Z", nullptr), "", kNow);
  ASSERT_EQ(table["columnDefinitions"].size(), 2u);
  EXPECT_EQ(table["columnDefinitions"][1]["name"], "Age");
  EXPECT_EQ(table["columnDefinitions"][1]["type"], "date");
  EXPECT_EQ(table["rows"][0]["cells"], (json{"a", "120m"}));
}

TEST(Table, CellsAreTypedLikeTheTableConvertor) {
  json o = {{"n", 3.7},        {"i", 4},      {"b", true},        {"s", "x"},
            {"m", {{"k", 1}}}, {"l", {1, 2}}, {"t", "not a time"}};
  auto cell = [&](const char* type, const char* path) {
    return evaluate_column(PrinterColumn{"c", type, "", "", 0, path}, o, kNow);
  };
  EXPECT_EQ(cell("integer", ".n"), 3);  // int64(float64)
  EXPECT_EQ(cell("integer", ".i"), 4);
  EXPECT_EQ(cell("number", ".i"), 4.0);
  EXPECT_TRUE(cell("integer", ".s").is_null());
  EXPECT_EQ(cell("boolean", ".b"), true);
  EXPECT_TRUE(cell("boolean", ".s").is_null());
  EXPECT_EQ(cell("string", ".i"), "4");
  EXPECT_EQ(cell("string", ".n"), "3.7");
  EXPECT_EQ(cell("string", ".b"), "true");
  EXPECT_EQ(cell("string", ".m"), R"({"k":1})");
  EXPECT_EQ(cell("string", ".l[*]"), "1");  // only the first result, as the apiserver does
  EXPECT_EQ(cell("date", ".t"), "<invalid>");
  EXPECT_TRUE(cell("date", ".missing").is_null());
}

TEST(Table, TypesWithoutPrinterUseTheDefaultConvertor) {
  ResourceType t;
  t.kind = "Widget";
  json table =
      to_table(t, {{"metadata", {{"name", "w"}, {"creationTimestamp", "2026-11-23T10:00:00Z"}}}}, "", kNow);
  EXPECT_EQ(table["columnDefinitions"][1]["name"], "Created At");
  EXPECT_EQ(table["rows"][0]["cells"], (json{"w", "2026-11-23T10:00:00Z"}));
}

}  // namespace
}  // namespace kubeemu
