#include <regex>

#include "test_types.hpp"

namespace kubeemu::testing {
namespace {

using CreateTest = StoreTest;

TEST_F(CreateTest, SetsServerFieldsAndReplies201) {
  const uint64_t before = store.resource_version();
  json in = port("a");
  in["status"] = {{"phase", "Ready"}};
  WriteResult r = store.create(ports, "default", in, {});
  EXPECT_EQ(r.http_code, 201);
  const json& meta = r.object["metadata"];
  EXPECT_TRUE(
      std::regex_match(meta["uid"].get<std::string>(),
                       std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  EXPECT_TRUE(std::regex_match(meta["creationTimestamp"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
  EXPECT_EQ(meta["resourceVersion"], std::to_string(before + 1));
  EXPECT_EQ(meta["generation"], 1);
  EXPECT_EQ(meta["namespace"], "default");
  EXPECT_FALSE(r.object.contains("status")) << "status is dropped when the status subresource is enabled";
  EXPECT_EQ(store.get(ports, "default", "a"), r.object);
}

TEST_F(CreateTest, StatusKeptWithoutStatusSubresource) {
  json in = {{"metadata", {{"name", "eu"}}}, {"status", {{"x", 1}}}};
  WriteResult r = store.create(regions, "", in, {});
  EXPECT_EQ(r.object["status"]["x"], 1);
  EXPECT_FALSE(r.object["metadata"].contains("namespace"));
  EXPECT_EQ(r.object["apiVersion"], "example.com/v1");
  EXPECT_EQ(r.object["kind"], "Region");
}

TEST_F(CreateTest, EveryWriteBumpsOneGlobalCounter) {
  const json a = create_port("a");
  const json l = store.create(leases, "default", {{"metadata", {{"name", "l"}}}}, {}).object;
  const json b = create_port("b");
  EXPECT_EQ(std::stoull(rv_of(l)), std::stoull(rv_of(a)) + 1);
  EXPECT_EQ(std::stoull(rv_of(b)), std::stoull(rv_of(l)) + 1);
  EXPECT_EQ(store.resource_version(), std::stoull(rv_of(b)));
  EXPECT_FALSE(l["metadata"].contains("generation")) << "only custom resources track generation";
}

TEST_F(CreateTest, GenerateNameAppendsFiveCharacters) {
  json in = port("");
  in["metadata"] = {{"generateName", "web-"}};
  const std::string name = store.create(ports, "default", in, {}).object["metadata"]["name"];
  EXPECT_TRUE(std::regex_match(name, std::regex("web-[a-z0-9]{5}"))) << name;
}

TEST_F(CreateTest, ClientResourceVersionIs500) {
  json in = port("a");
  in["metadata"]["resourceVersion"] = "12";
  StatusError e = expect_status(500, [&] { store.create(ports, "default", in, {}); });
  EXPECT_EQ(std::string(e.what()), "resourceVersion should not be set on objects to be created");
  EXPECT_EQ(e.reason(), "InternalError");
}

TEST_F(CreateTest, NamespaceMismatchIs400) {
  json in = port("a");
  in["metadata"]["namespace"] = "kube-system";
  StatusError e = expect_status(400, [&] { store.create(ports, "default", in, {}); });
  EXPECT_EQ(std::string(e.what()),
            "the namespace of the provided object does not match the namespace sent on the request");
}

TEST_F(CreateTest, ExistingNameIs409AlreadyExists) {
  create_port("a");
  StatusError e = expect_status(409, [&] { create_port("a"); });
  EXPECT_EQ(e.reason(), "AlreadyExists");
  EXPECT_EQ(std::string(e.what()), "zenlayerports.sdn.zenlayer.com \"a\" already exists");
  // The same name in another namespace is another object.
  EXPECT_NO_THROW(create_port("a", {{"portId", "p"}}, "kube-system"));
}

TEST_F(CreateTest, MissingNameIs422Required) {
  json in = port("");
  in["metadata"].erase("name");
  StatusError e = expect_status(422, [&] { store.create(ports, "default", in, {}); });
  EXPECT_EQ(
      std::string(e.what()),
      "ZenlayerPort.sdn.zenlayer.com \"\" is invalid: metadata.name: Required value: name or generateName is "
      "required");
  EXPECT_EQ(e.details()["causes"][0]["reason"], "FieldValueRequired");
  EXPECT_EQ(e.details()["kind"], "ZenlayerPort");
}

TEST_F(CreateTest, InvalidNameIs422) {
  StatusError e = expect_status(422, [&] { create_port("Bad_Name"); });
  EXPECT_EQ(
      std::string(e.what()),
      "ZenlayerPort.sdn.zenlayer.com \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a "
      "lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
      "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
      "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
  EXPECT_NO_THROW(create_port("a.b-c.9"));
  expect_status(422, [&] { create_port("-a"); });
  expect_status(422, [&] { create_port("a..b"); });
  expect_status(422, [&] { create_port(std::string(254, 'a')); });
}

TEST_F(CreateTest, MissingNamespaceIs404) {
  StatusError e = expect_status(404, [&] { create_port("a", {{"portId", "p"}}, "nope"); });
  EXPECT_EQ(std::string(e.what()), "namespaces \"nope\" not found");
  EXPECT_EQ(e.details()["kind"], "namespaces");
}

TEST_F(CreateTest, WithoutNamespacesTypeAnyNamespaceIsAccepted) {
  Store bare;
  bare.register_type(port_type());
  EXPECT_EQ(bare.create(port_type(), "anything", port("a"), {}).http_code, 201);
}

TEST_F(CreateTest, UnknownFieldsStrictIs400) {
  json in = port("a", {{"portId", "p"}, {"foo", 1}, {"bar", 2}});
  WriteOptions strict;
  strict.field_validation = FieldValidation::Strict;
  StatusError e = expect_status(400, [&] { store.create(ports, "default", in, strict); });
  EXPECT_EQ(std::string(e.what()),
            "strict decoding error: unknown field \"spec.bar\", unknown field \"spec.foo\"");
  EXPECT_EQ(e.reason(), "BadRequest");
  expect_status(404, [&] { store.get(ports, "default", "a"); });
}

TEST_F(CreateTest, UnknownFieldsWarnArePrunedWithWarnings) {
  WriteOptions warn;
  warn.field_validation = FieldValidation::Warn;
  WriteResult r = store.create(ports, "default", port("a", {{"portId", "p"}, {"foo", 1}}), warn);
  EXPECT_EQ(r.warnings, std::vector<std::string>{"unknown field \"spec.foo\""});
  EXPECT_FALSE(r.object["spec"].contains("foo"));
  WriteResult ignored = store.create(ports, "default", port("b", {{"portId", "p"}, {"foo", 1}}), {});
  EXPECT_TRUE(ignored.warnings.empty());
  EXPECT_FALSE(ignored.object["spec"].contains("foo"));
}

TEST_F(CreateTest, SchemaCausesAre422) {
  StatusError e = expect_status(422, [&] {
    create_port("a", {{"portId", "p"}, {"deletionPolicy", "Keep"}});
  });
  EXPECT_EQ(
      std::string(e.what()),
      "ZenlayerPort.sdn.zenlayer.com \"a\" is invalid: spec.deletionPolicy: Unsupported value: \"Keep\": "
      "supported values: \"Delete\", \"RecycleBin\", \"Orphan\"");
}

TEST_F(CreateTest, DryRunStoresNothing) {
  const uint64_t rv = store.resource_version();
  WriteOptions dry;
  dry.dry_run = true;
  WriteResult r = store.create(ports, "default", port("a"), dry);
  EXPECT_EQ(r.http_code, 201);
  EXPECT_EQ(r.object["metadata"]["name"], "a");
  EXPECT_EQ(store.resource_version(), rv);
  expect_status(404, [&] { store.get(ports, "default", "a"); });
}

TEST_F(CreateTest, BodyOfWrongShapeIs400) {
  expect_status(400, [&] { store.create(ports, "default", json::array(), {}); });
  expect_status(400, [&] {
    store.create(ports, "default", {{"metadata", {{"name", "a"}, {"labels", "x"}}}}, {});
  });
  expect_status(400, [&] {
    store.create(ports, "default", {{"apiVersion", "v1"}, {"metadata", {{"name", "a"}}}}, {});
  });
}

TEST_F(CreateTest, UnregisteredTypeIs404) {
  ResourceType other = port_type();
  other.plural = "others";
  StatusError e = expect_status(404, [&] { store.create(other, "default", port("a"), {}); });
  EXPECT_EQ(std::string(e.what()), "the server could not find the requested resource");
}

TEST_F(CreateTest, GetMissingIs404WithDetails) {
  StatusError e = expect_status(404, [&] { store.get(ports, "default", "x"); });
  EXPECT_EQ(e.to_status()["message"], "zenlayerports.sdn.zenlayer.com \"x\" not found");
  EXPECT_EQ(e.details()["kind"], "zenlayerports");
}

}  // namespace
}  // namespace kubeemu::testing

namespace kubeemu::testing {
namespace {

// Every served version of a resource shares its objects; each version presents them with its own apiVersion.
TEST_F(CreateTest, VersionsShareObjects) {
  ResourceType beta = port_type();
  beta.version = "v1beta1";
  store.register_type(beta);
  create_port("a");
  const ResourceType& served = *store.find_type("sdn.zenlayer.com", "v1beta1", "zenlayerports");
  EXPECT_EQ(store.get(served, "default", "a")["apiVersion"], "sdn.zenlayer.com/v1beta1");
  EXPECT_EQ(store.list(served, "default", {})["items"][0]["apiVersion"], "sdn.zenlayer.com/v1beta1");
  Watch w = store.watch(served, "default", Opts().rv("0"));
  EXPECT_EQ(w.next(std::chrono::milliseconds(0))->object["apiVersion"], "sdn.zenlayer.com/v1beta1");
  EXPECT_EQ(store.get(ports, "default", "a")["apiVersion"], "sdn.zenlayer.com/v1alpha1");
  // Watches share the stored object (Watch::take): presenting it as v1beta1 must not change it for the rest.
  Watch beta_watch = store.watch(served, "default", Opts().rv("0"));
  Watch alpha_watch = store.watch(ports, "default", Opts().rv("0"));
  EXPECT_EQ(beta_watch.take(std::chrono::milliseconds(0))->object->at("apiVersion"),
            "sdn.zenlayer.com/v1beta1");
  const auto alpha = alpha_watch.take(std::chrono::milliseconds(0));
  ASSERT_TRUE(alpha.has_value());
  EXPECT_EQ(alpha->object->at("apiVersion"), "sdn.zenlayer.com/v1alpha1");
  // Writing through the other version is not a spec change.
  json cur = store.get(served, "default", "a");
  cur["metadata"]["labels"] = {{"x", "y"}};
  EXPECT_EQ(store.update(served, "default", "a", cur, "", {}).object["metadata"]["generation"], 1);
}

}  // namespace
}  // namespace kubeemu::testing
