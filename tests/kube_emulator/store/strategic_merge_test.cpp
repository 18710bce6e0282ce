#include "strategic_merge.hpp"

#include <gtest/gtest.h>

#include "status_error.hpp"

namespace kubeemu {
namespace {

const std::map<std::string, std::string> kPodKeys = {
    {"spec.containers", "name"}, {"spec.containers.ports", "containerPort"}, {"spec.volumes", "name"}};

const json kPod = json::parse(R"({
  "metadata": {"name": "p", "finalizers": ["a"]},
  "spec": {"containers": [{"name": "app", "image": "app:1", "ports": [{"containerPort": 80}]},
                          {"name": "side", "image": "side:1"}],
           "tolerations": [{"key": "k1"}, {"key": "k2"}]}})");

json smp(const json& target, const char* patch) {
  return apply_strategic_merge_patch(target, patch, kPodKeys);
}

TEST(StrategicMerge, MergesKeyedListsByKeyAndReplacesOthers) {
  json out = smp(kPod, R"({"spec": {"containers": [{"name": "side", "image": "side:2"}],
                                    "tolerations": [{"key": "k3"}]}})");
  ASSERT_EQ(out["spec"]["containers"].size(), 2u);
  EXPECT_EQ(out["spec"]["containers"][0], kPod["spec"]["containers"][0]);
  EXPECT_EQ(out["spec"]["containers"][1], json::parse(R"({"name": "side", "image": "side:2"})"));
  EXPECT_EQ(out["spec"]["tolerations"], json::parse(R"([{"key": "k3"}])")) << "no merge key: replaced";
}

TEST(StrategicMerge, AppendsNewElementsAndMergesNestedKeyedLists) {
  json out = smp(kPod, R"({"spec": {"containers": [
      {"name": "app", "ports": [{"containerPort": 443}]},
      {"name": "new", "image": "new:1", "$patch": "merge"}]}})");
  EXPECT_EQ(out["spec"]["containers"][0]["ports"],
            json::parse(R"([{"containerPort": 80}, {"containerPort": 443}])"));
  EXPECT_EQ(out["spec"]["containers"][2], json::parse(R"({"name": "new", "image": "new:1"})"));
}

TEST(StrategicMerge, DeleteAndReplaceDirectives) {
  json deleted = smp(kPod, R"({"spec": {"containers": [{"name": "side", "$patch": "delete"}]}})");
  ASSERT_EQ(deleted["spec"]["containers"].size(), 1u);
  EXPECT_EQ(deleted["spec"]["containers"][0]["name"], "app");

  json replaced = smp(kPod, R"({"spec": {"containers": [{"$patch": "replace"}, {"name": "only"}]}})");
  EXPECT_EQ(replaced["spec"]["containers"], json::parse(R"([{"name": "only"}])"));

  json map_replaced = smp(kPod, R"({"spec": {"$patch": "replace", "hostname": "h"}})");
  EXPECT_EQ(map_replaced["spec"], json::parse(R"({"hostname": "h"})"));

  json map_deleted = smp(kPod, R"({"spec": {"$patch": "delete"}})");
  EXPECT_FALSE(map_deleted.contains("spec"));
}

TEST(StrategicMerge, NullDeletesAField) {
  json out = smp(kPod, R"({"spec": {"containers": [{"name": "app", "image": null}]}})");
  EXPECT_FALSE(out["spec"]["containers"][0].contains("image"));
  EXPECT_EQ(out["spec"]["containers"][0]["name"], "app");
}

TEST(StrategicMerge, SetElementOrderReordersByKeyKeepingServerOnlyElements) {
  json out = smp(kPod, R"({"spec": {"$setElementOrder/containers": [{"name": "side"}, {"name": "app"}],
                                    "containers": [{"name": "side", "image": "side:3"}]}})");
  ASSERT_EQ(out["spec"]["containers"].size(), 2u);
  EXPECT_EQ(out["spec"]["containers"][0]["name"], "side");
  EXPECT_EQ(out["spec"]["containers"][0]["image"], "side:3");
  EXPECT_EQ(out["spec"]["containers"][1]["name"], "app");
  EXPECT_FALSE(out["spec"].contains("$setElementOrder/containers"));

  // Only the listed element is named: the server-only one stays, after it.
  json kept = smp(kPod, R"({"spec": {"$setElementOrder/containers": [{"name": "side"}]}})");
  EXPECT_EQ(kept["spec"]["containers"][0]["name"], "side");
  EXPECT_EQ(kept["spec"]["containers"][1]["name"], "app");
}

TEST(StrategicMerge, RetainKeysClearsTheOtherFields) {
  json target =
      json::parse(R"({"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}}})");
  json out = apply_strategic_merge_patch(
      target, R"({"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}})", {});
  EXPECT_EQ(out["spec"]["strategy"], json::parse(R"({"type": "Recreate"})"));
}

TEST(StrategicMerge, FinalizersMergeAsASetForEveryKind) {
  json added = smp(kPod, R"({"metadata": {"finalizers": ["b", "a"]}})");
  EXPECT_EQ(added["metadata"]["finalizers"], json::parse(R"(["a", "b"])"));
  json removed = smp(added, R"({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}})");
  EXPECT_EQ(removed["metadata"]["finalizers"], json::parse(R"(["b"])"));
}

TEST(StrategicMerge, BadBodiesAreStatusErrors) {
  const auto code = [](const char* body) {
    try {
      apply_strategic_merge_patch(kPod, body, kPodKeys);
    } catch (const StatusError& e) {
      return e.code();
    }
    return 0;
  };
  EXPECT_EQ(code("[1]"), 400);
  EXPECT_EQ(code("{"), 400);
  EXPECT_EQ(code(R"({"spec":{"containers":[{"image":"no-name"}]}})"), 422);
  EXPECT_EQ(code(R"({"$patch":"delete"})"), 422);
}

}  // namespace
}  // namespace kubeemu
