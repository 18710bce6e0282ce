#include "patching.hpp"

#include <gtest/gtest.h>

#include "status_error.hpp"

namespace kubeemu {
namespace {

TEST(YamlToJson, KeepsScalarTypes) {
  const json j = yaml_to_json(
      "a: 1\nb: -2.5\nc: true\nd: null\ne: \"1\"\nf: 'true'\ng: text\nh: [1, x]\ni: ~\nj: 1e3\nk: 0x1F\n");
  EXPECT_EQ(j["a"], 1);
  EXPECT_EQ(j["b"], -2.5);
  EXPECT_EQ(j["c"], true);
  EXPECT_TRUE(j["d"].is_null());
  EXPECT_EQ(j["e"], "1");
  EXPECT_EQ(j["f"], "true");
  EXPECT_EQ(j["g"], "text");
  EXPECT_EQ(j["h"], json({1, "x"}));
  EXPECT_TRUE(j["i"].is_null());
  EXPECT_EQ(j["j"], 1000.0);
  EXPECT_EQ(j["k"], "0x1F");
}

TEST(YamlToJson, ReadsJson) {
  EXPECT_EQ(yaml_to_json(R"({"a":{"b":[1,2]},"s":"x y"})"), json({{"a", {{"b", {1, 2}}}}, {"s", "x y"}}));
}

TEST(Patching, MergePatch) {
  EXPECT_EQ(apply_merge_patch({{"a", 1}, {"b", {{"c", 2}}}}, R"({"a":null,"b":{"d":3}})"),
            json({{"b", {{"c", 2}, {"d", 3}}}}));
}

TEST(Patching, ErrorsAreStatusErrors) {
  const json doc = {{"a", 1}};
  const auto code = [](auto&& f) {
    try {
      f();
    } catch (const StatusError& e) {
      return e.code();
    }
    return 0;
  };
  EXPECT_EQ(code([&] { apply_merge_patch(doc, "[1]"); }), 400);
  EXPECT_EQ(code([&] { apply_merge_patch(doc, "nope"); }), 400);
  EXPECT_EQ(code([&] { apply_json_patch(doc, "{}"); }), 400);
  EXPECT_EQ(code([&] { apply_json_patch(doc, R"([{"op":"test","path":"/a","value":2}])"); }), 422);
  EXPECT_EQ(code([&] { apply_json_patch(doc, R"([{"path":"/a"}])"); }), 422);
  EXPECT_EQ(code([&] { apply_json_patch(doc, R"([{"op":"move","from":"/x","path":"/b"}])"); }), 422);
  EXPECT_EQ(code([&] { parse_apply_body("just a string"); }), 400);
  EXPECT_EQ(code([&] { parse_apply_body("{a: [}"); }), 400);
}

}  // namespace
}  // namespace kubeemu
