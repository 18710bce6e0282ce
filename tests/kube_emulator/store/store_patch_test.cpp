#include "test_types.hpp"

namespace kubeemu::testing {
namespace {

using PatchTest = StoreTest;

WriteOptions manager(const std::string& name) {
  WriteOptions o;
  o.field_manager = name;
  return o;
}

TEST_F(PatchTest, MergePatchDeletesWithNullAndReplacesArrays) {
  create_port("a", {{"portId", "p"}, {"tags", {"x", "y"}}, {"bandwidthMbps", 100}});
  WriteResult r = store.patch(ports, "default", "a", PatchType::Merge,
                              R"({"spec":{"bandwidthMbps":null,"tags":["z"]}})", "", {});
  EXPECT_EQ(r.http_code, 200);
  EXPECT_FALSE(r.object["spec"].contains("bandwidthMbps"));
  EXPECT_EQ(r.object["spec"]["tags"], json({"z"}));
  EXPECT_EQ(r.object["metadata"]["generation"], 2);
}

TEST_F(PatchTest, MergePatchBodyMustBeAnObject) {
  create_port("a");
  // python-kubernetes sends JSON-patch arrays as merge patches: a 4xx, never a crash or a wiped object.
  StatusError e = expect_status(400, [&] {
    store.patch(ports, "default", "a", PatchType::Merge, R"([{"op":"remove","path":"/spec"}])", "", {});
  });
  EXPECT_EQ(e.reason(), "BadRequest");
  expect_status(400, [&] { store.patch(ports, "default", "a", PatchType::Merge, "{not json", "", {}); });
  EXPECT_EQ(store.get(ports, "default", "a")["spec"]["portId"], "p-1");
}

TEST_F(PatchTest, JsonPatchAppliesWithTest) {
  create_port("a");
  WriteResult r = store.patch(ports, "default", "a", PatchType::Json,
                              R"([{"op":"test","path":"/spec/portId","value":"p-1"},
                                  {"op":"replace","path":"/spec/portId","value":"p-9"},
                                  {"op":"add","path":"/metadata/finalizers","value":["x/y"]}])",
                              "", {});
  EXPECT_EQ(r.object["spec"]["portId"], "p-9");
  EXPECT_EQ(r.object["metadata"]["finalizers"], json({"x/y"}));
}

TEST_F(PatchTest, JsonPatchFailedTestIs422) {
  create_port("a");
  StatusError e = expect_status(422, [&] {
    store.patch(ports, "default", "a", PatchType::Json,
                R"([{"op":"test","path":"/spec/portId","value":"other"},{"op":"remove","path":"/spec"}])", "",
                {});
  });
  EXPECT_EQ(e.reason(), "Invalid");
  EXPECT_EQ(std::string(e.what()).find("[json.exception"), std::string::npos);
  expect_status(422, [&] {
    store.patch(ports, "default", "a", PatchType::Json, R"([{"op":"remove","path":"/spec/nothing"}])", "",
                {});
  });
  EXPECT_EQ(store.get(ports, "default", "a")["spec"]["portId"], "p-1");
}

TEST_F(PatchTest, JsonPatchBodyMustBeAnArray) {
  create_port("a");
  expect_status(400, [&] { store.patch(ports, "default", "a", PatchType::Json, R"({"spec":{}})", "", {}); });
}

TEST_F(PatchTest, StrategicIs415ForCustomResources) {
  create_port("a");
  StatusError e = expect_status(415, [&] {
    store.patch(ports, "default", "a", PatchType::Strategic, R"({"spec":{"portId":"x"}})", "", {});
  });
  EXPECT_EQ(e.reason(), "UnsupportedMediaType");
  EXPECT_EQ(std::string(e.what()),
            // kubectl prefixes "application/strategic-merge-patch+json is not supported by
            // sdn.zenlayer.com/v1alpha1, Kind=ZenlayerPort: " itself.
            "the body of the request was in an unknown format - accepted media types include: "
            "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
}

TEST_F(PatchTest, StrategicIsAMergeForBuiltins) {
  store.create(leases, "default", {{"metadata", {{"name", "l"}}}, {"spec", {{"holderIdentity", "a"}}}}, {});
  WriteResult r =
      store.patch(leases, "default", "l", PatchType::Strategic, R"({"spec":{"leaseTransitions":2}})", "", {});
  EXPECT_EQ(r.object["spec"]["holderIdentity"], "a");
  EXPECT_EQ(r.object["spec"]["leaseTransitions"], 2);
}

TEST_F(PatchTest, MissingObjectIs404) {
  expect_status(404, [&] { store.patch(ports, "default", "a", PatchType::Merge, "{}", "", {}); });
}

TEST_F(PatchTest, ResourceVersionInPatchIsAPrecondition) {
  const json cur = create_port("a");
  store.patch(ports, "default", "a", PatchType::Merge, R"({"metadata":{"labels":{"a":"b"}}})", "", {});
  expect_status(409, [&] {
    store.patch(ports, "default", "a", PatchType::Merge,
                R"({"metadata":{"resourceVersion":")" + rv_of(cur) + R"("},"spec":{"portId":"x"}})", "", {});
  });
  const std::string now = rv_of(store.get(ports, "default", "a"));
  EXPECT_EQ(store
                .patch(ports, "default", "a", PatchType::Merge,
                       R"({"metadata":{"resourceVersion":")" + now + R"("},"spec":{"portId":"x"}})", "", {})
                .object["spec"]["portId"],
            "x");
}

TEST_F(PatchTest, StatusPatchChangesOnlyStatus) {
  create_port("a");
  WriteResult r = store.patch(ports, "default", "a", PatchType::Merge,
                              R"({"status":{"phase":"Ready"},"spec":{"portId":"x"}})", "status", {});
  EXPECT_EQ(r.object["status"]["phase"], "Ready");
  EXPECT_EQ(r.object["spec"]["portId"], "p-1");
  EXPECT_EQ(r.object["metadata"]["generation"], 1);
  // A main-resource patch of status is ignored.
  WriteResult main =
      store.patch(ports, "default", "a", PatchType::Merge, R"({"status":{"phase":"Failed"}})", "", {});
  EXPECT_EQ(main.object["status"]["phase"], "Ready");
}

TEST_F(PatchTest, NoOpPatchKeepsResourceVersion) {
  const json cur = create_port("a");
  WriteResult r =
      store.patch(ports, "default", "a", PatchType::Merge, R"({"spec":{"portId":"p-1"}})", "", {});
  EXPECT_EQ(rv_of(r.object), rv_of(cur));
}

TEST_F(PatchTest, UnknownFieldsStrictIs400) {
  create_port("a");
  WriteOptions strict;
  strict.field_validation = FieldValidation::Strict;
  StatusError e = expect_status(400, [&] {
    store.patch(ports, "default", "a", PatchType::Merge, R"({"spec":{"foo":1}})", "", strict);
  });
  EXPECT_EQ(std::string(e.what()), "strict decoding error: unknown field \"spec.foo\"");
}

TEST_F(PatchTest, ApplyCreatesWith201) {
  WriteResult r =
      store.patch(ports, "default", "a", PatchType::Apply,
                  "apiVersion: sdn.zenlayer.com/v1alpha1\nkind: ZenlayerPort\nmetadata:\n  name: a\n"
                  "spec:\n  portId: \"123\"\n  bandwidthMbps: 100\n",
                  "", manager("kubectl"));
  EXPECT_EQ(r.http_code, 201);
  EXPECT_EQ(r.object["spec"]["portId"], "123") << "a quoted YAML scalar stays a string";
  EXPECT_EQ(r.object["spec"]["bandwidthMbps"], 100);
  EXPECT_EQ(r.object["metadata"]["namespace"], "default");
}

TEST_F(PatchTest, ApplyMergesIntoLiveObjectAndAcceptsJson) {
  create_port("a", {{"portId", "p"}, {"bandwidthMbps", 10}});
  WriteResult r = store.patch(ports, "default", "a", PatchType::Apply,
                              R"({"apiVersion":"sdn.zenlayer.com/v1alpha1","kind":"ZenlayerPort",)"
                              R"("metadata":{"name":"a","labels":{"x":"y"}},"spec":{"bandwidthMbps":20}})",
                              "", manager("kubectl"));
  EXPECT_EQ(r.http_code, 200);
  EXPECT_EQ(r.object["spec"]["portId"], "p");
  EXPECT_EQ(r.object["spec"]["bandwidthMbps"], 20);
  EXPECT_EQ(r.object["metadata"]["labels"]["x"], "y");
}

TEST_F(PatchTest, ApplyRequiresFieldManager) {
  StatusError e = expect_status(
      422, [&] { store.patch(ports, "default", "a", PatchType::Apply, "metadata: {name: a}", "", {}); });
  EXPECT_EQ(
      std::string(e.what()),
      "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
}

TEST_F(PatchTest, ApplyBodyMustBeAMapping) {
  expect_status(
      400, [&] { store.patch(ports, "default", "a", PatchType::Apply, "- a\n- b\n", "", manager("m")); });
  expect_status(400, [&] { store.patch(ports, "default", "a", PatchType::Apply, "a: [", "", manager("m")); });
  expect_status(400, [&] {
    store.patch(ports, "default", "a", PatchType::Apply, "metadata: {name: b}", "", manager("m"));
  });
}

TEST_F(PatchTest, PatchThatBreaksMetadataIs400) {
  create_port("a");
  expect_status(400, [&] {
    store.patch(ports, "default", "a", PatchType::Merge, R"({"metadata":{"labels":{"a":1}}})", "", {});
  });
  expect_status(400, [&] {
    store.patch(ports, "default", "a", PatchType::Json, R"([{"op":"replace","path":"","value":[1]}])", "",
                {});
  });
  expect_status(400, [&] {
    store.patch(ports, "default", "a", PatchType::Merge, R"({"metadata":{"name":"b"}})", "", {});
  });
}

}  // namespace
}  // namespace kubeemu::testing
