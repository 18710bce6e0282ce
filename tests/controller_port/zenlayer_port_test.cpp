// Reading the resource tolerantly and writing its status.

#include "port/zenlayer_port.hpp"

#include <gtest/gtest.h>

namespace zpo::port {
namespace {

using nlohmann::json;

json object(json spec) {
  return json{{"apiVersion", kApiVersion},
              {"kind", kKind},
              {"metadata",
               {{"namespace", "team-a"},
                {"name", "edge-1"},
                {"uid", "u-1"},
                {"generation", 3},
                {"resourceVersion", "42"},
                {"finalizers", {"other/finalizer", kFinalizer}}}},
              {"spec", std::move(spec)}};
}

TEST(ParsePortResource, ReadsAWellFormedObject) {
  const auto r = parse_port_resource(object({{"portId", "port-1"},
                                             {"deletionPolicy", "RecycleBin"},
                                             {"credentialsSecretRef", {{"name", "zl-key"}}}}));
  EXPECT_EQ(r.invalid_spec, "");
  EXPECT_EQ(r.key(), "team-a/edge-1");
  EXPECT_EQ(r.uid, "u-1");
  EXPECT_EQ(r.generation, 3);
  EXPECT_EQ(r.resource_version, "42");
  EXPECT_TRUE(r.has_finalizer());
  EXPECT_FALSE(r.deleting());
  EXPECT_EQ(r.spec.port_id, "port-1");
  EXPECT_EQ(r.spec.deletion_policy, DeletionPolicy::RecycleBin);
  ASSERT_TRUE(r.spec.credentials_secret_ref.has_value());
  EXPECT_EQ(r.spec.credentials_secret_ref->name, "zl-key");
  EXPECT_EQ(r.spec.credentials_secret_ref->access_key_id_key, "accessKeyId");
  EXPECT_EQ(r.spec.credentials_secret_ref->access_key_password_key, "accessKeyPassword");
}

TEST(ParsePortResource, PolicyDefaultsToDelete) {
  const auto r = parse_port_resource(object({{"portId", "port-1"}}));
  EXPECT_EQ(r.invalid_spec, "");
  EXPECT_EQ(r.spec.deletion_policy, DeletionPolicy::Delete);
}

TEST(ParsePortResource, DeletionTimestamp) {
  auto o = object({{"portId", "p"}});
  o["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:05Z";
  const auto r = parse_port_resource(o);
  EXPECT_EQ(r.deletion_timestamp, parse_time("2026-01-01T00:00:05Z"));
  o["metadata"]["deletionTimestamp"] = "garbage";
  EXPECT_TRUE(parse_port_resource(o).deleting()) << "an unreadable timestamp still means deleting";
}

const std::string kNeitherAdoptNorCreate =
    "spec.portId (to adopt an existing port) or spec.dcId, spec.portName, spec.portType and "
    "spec.businessEntityName (to create one) are required; missing: ";

// Every field CreatePort needs.
json creation_spec() {
  return json{
      {"dcId", "SIN1"}, {"portName", "sin-edge"}, {"portType", "10G"}, {"businessEntityName", "Example Ltd"}};
}

TEST(ParsePortResource, MalformedObjectsSayWhyInsteadOfThrowing) {
  const std::vector<std::pair<json, std::string>> cases{
      {object(json::object()), kNeitherAdoptNorCreate + "spec.dcId, spec.portName, spec.portType, "
                                                        "spec.businessEntityName"},
      {object({{"portId", 7}}), "spec.portId must be a non-empty string"},
      {object({{"portId", ""}}), "spec.portId must be a non-empty string"},
      {object({{"portId", "p"}, {"deletionPolicy", "Keep"}}),
       "spec.deletionPolicy \"Keep\" is not one of Delete, RecycleBin, Orphan"},
      {object({{"portId", "p"}, {"deletionPolicy", 1}}), "spec.deletionPolicy must be a string"},
      {object({{"portId", "p"}, {"credentialsSecretRef", {{"key", "x"}}}}),
       "spec.credentialsSecretRef.name is missing"},
      {object("a string"), "spec is missing or not an object"},
      {json{{"metadata", {{"name", "x"}}}}, "spec is missing or not an object"},
  };
  for (const auto& [json_object, why] : cases) {
    const auto r = parse_port_resource(json_object);
    EXPECT_EQ(r.invalid_spec, why) << json_object.dump();
  }
  EXPECT_EQ(parse_port_resource(object({{"portId", 7}, {"deletionPolicy", "Keep"}})).invalid_spec,
            "spec.portId must be a non-empty string; spec.deletionPolicy \"Keep\" is not one of Delete, "
            "RecycleBin, "
            "Orphan");
}

TEST(ParsePortResource, WithoutPortIdTheCreationFieldsDescribeThePortToCreate) {
  auto spec = creation_spec();
  spec["portRemarks"] = "edge uplink";
  spec["restore"] = true;
  const auto r = parse_port_resource(object(spec));
  EXPECT_EQ(r.invalid_spec, "");
  EXPECT_TRUE(r.creates_port());
  EXPECT_EQ(r.port_id(), "") << "no port is known before the operator created it";
  EXPECT_EQ(r.spec.dc_id, "SIN1");
  EXPECT_EQ(r.spec.port_type, "10G");
  EXPECT_EQ(r.spec.port_name, "sin-edge");
  EXPECT_EQ(r.spec.port_remarks, "edge uplink");
  EXPECT_EQ(r.spec.business_entity_name, "Example Ltd");
  EXPECT_TRUE(r.spec.restore);
  EXPECT_EQ(r.spec.deletion_policy, DeletionPolicy::Delete);
}

TEST(ParsePortResource, ACreatedPortIsTheResourcesIdentityThroughItsStatus) {
  auto o = object(creation_spec());
  o["status"] = {{"portId", "port-new"}, {"phase", "Pending"}};
  const auto r = parse_port_resource(o);
  EXPECT_EQ(r.invalid_spec, "");
  EXPECT_TRUE(r.creates_port());
  EXPECT_EQ(r.status.port_id, "port-new");
  EXPECT_EQ(r.port_id(), "port-new");
}

TEST(ParsePortResource, AnAdoptedPortManagesOnlyTheAttributesTheSpecSets) {
  const auto r = parse_port_resource(object({{"portId", "port-1"}}));
  EXPECT_EQ(r.invalid_spec, "");
  EXPECT_FALSE(r.creates_port());
  EXPECT_EQ(r.port_id(), "port-1");
  EXPECT_EQ(r.spec.dc_id, "");
  EXPECT_EQ(r.spec.port_type, "");
  EXPECT_FALSE(r.spec.port_name.has_value());
  EXPECT_FALSE(r.spec.port_remarks.has_value());
  EXPECT_FALSE(r.spec.business_entity_name.has_value());
  EXPECT_FALSE(r.spec.restore);

  const auto managed =
      parse_port_resource(object({{"portId", "port-1"}, {"portRemarks", ""}, {"restore", false}}));
  EXPECT_EQ(managed.invalid_spec, "");
  EXPECT_EQ(managed.spec.port_remarks, std::optional<std::string>(""))
      << "an empty string is a value to keep";
  EXPECT_FALSE(managed.spec.port_name.has_value());
  EXPECT_FALSE(managed.spec.restore);
}

TEST(ParsePortResource, WithoutPortIdEveryMissingCreationFieldIsNamed) {
  auto spec = creation_spec();
  spec.erase("portType");
  spec["portName"] = "";
  spec["businessEntityName"] = nullptr;
  const auto r = parse_port_resource(object(spec));
  EXPECT_EQ(r.invalid_spec, kNeitherAdoptNorCreate + "spec.portName, spec.portType, spec.businessEntityName");
  spec = creation_spec();
  spec.erase("dcId");
  EXPECT_EQ(parse_port_resource(object(spec)).invalid_spec, kNeitherAdoptNorCreate + "spec.dcId");
  EXPECT_EQ(parse_port_resource(object({{"portId", ""}, {"dcId", "SIN1"}})).invalid_spec,
            "spec.portId must be a non-empty string")
      << "a portId written wrongly is reported as such, not as a request to create";
}

TEST(ParsePortResource, CreationFieldsOfTheWrongTypeAreInvalid) {
  const std::vector<std::pair<std::string, json>> fields{{"dcId", 1},
                                                         {"portName", 7},
                                                         {"portType", 10},
                                                         {"businessEntityName", json::array()},
                                                         {"portRemarks", true}};
  for (const auto& [key, value] : fields) {
    auto spec = creation_spec();
    spec[key] = value;
    const auto r = parse_port_resource(object(spec));
    EXPECT_EQ(r.invalid_spec, "spec." + key + " must be a string") << key;
  }
  auto spec = creation_spec();
  spec["restore"] = "yes";
  EXPECT_EQ(parse_port_resource(object(spec)).invalid_spec, "spec.restore must be a boolean");
  EXPECT_EQ(parse_port_resource(object({{"portId", "p"}, {"portName", 7}, {"restore", 1}})).invalid_spec,
            "spec.portName must be a string; spec.restore must be a boolean");
}

TEST(ParsePortResource, AnUnknownPortTypeIsInvalid) {
  auto spec = creation_spec();
  spec["portType"] = "5G";
  EXPECT_EQ(parse_port_resource(object(spec)).invalid_spec,
            "spec.portType \"5G\" is not one of 1G, 10G, 40G, 100G, 400G");
  EXPECT_EQ(parse_port_resource(object({{"portId", "p"}, {"portType", "10g"}})).invalid_spec,
            "spec.portType \"10g\" is not one of 1G, 10G, 40G, 100G, 400G");
  for (const auto type : kPortTypes) {
    spec["portType"] = type;
    EXPECT_EQ(parse_port_resource(object(spec)).invalid_spec, "") << type;
  }
}

TEST(ParsePortResource, APortIdChangedAfterTheFactIsInvalidAndTheIdentityStays) {
  auto o = object({{"portId", "port-2"}});
  o["status"] = {{"portId", "port-1"}};
  const auto r = parse_port_resource(o);
  EXPECT_EQ(r.invalid_spec,
            "spec.portId is port-2 but this resource stands for port port-1: portId is immutable");
  EXPECT_EQ(r.port_id(), "port-1") << "the resource keeps standing for its port until the spec is fixed";

  o["spec"]["portId"] = "port-1";
  EXPECT_EQ(parse_port_resource(o).invalid_spec, "");
  EXPECT_EQ(parse_port_resource(o).port_id(), "port-1");

  // A created port adopted by name afterwards (CreateIndeterminate resolved by the user): no conflict while
  // the status names no port yet.
  auto resolved = object(creation_spec());
  resolved["spec"]["portId"] = "port-9";
  resolved["status"] = {{"phase", "Blocked"}};
  const auto adopted = parse_port_resource(resolved);
  EXPECT_EQ(adopted.invalid_spec, "");
  EXPECT_EQ(adopted.port_id(), "port-9");
  EXPECT_FALSE(adopted.creates_port());
}

TEST(ParsePortResource, EveryProblemIsNamedInOneMessage) {
  auto o = object({{"portId", "port-2"},
                   {"portType", "5G"},
                   {"restore", "no"},
                   {"deletionPolicy", "Keep"},
                   {"credentialsSecretRef", json::object()}});
  o["status"] = {{"portId", "port-1"}};
  EXPECT_EQ(parse_port_resource(o).invalid_spec,
            "spec.portType \"5G\" is not one of 1G, 10G, 40G, 100G, 400G; spec.restore must be a boolean; "
            "spec.portId is port-2 but this resource stands for port port-1: portId is immutable; "
            "spec.deletionPolicy \"Keep\" is not one of Delete, RecycleBin, Orphan; "
            "spec.credentialsSecretRef.name is missing");
}

TEST(ParsePortResource, WrongTypesInMetadataAndStatusAreIgnored) {
  auto o = object({{"portId", "p"}});
  o["metadata"]["generation"] = "three";
  o["metadata"]["finalizers"] = json::array({1, kFinalizer});
  o["status"] = {
      {"phase", "Sleeping"}, {"conditions", "no"}, {"observedGeneration", "x"}, {"lastOperation", 5}};
  const auto r = parse_port_resource(o);
  EXPECT_EQ(r.generation, 0);
  EXPECT_TRUE(r.has_finalizer());
  EXPECT_FALSE(r.status.phase.has_value());
  EXPECT_TRUE(r.status.conditions.empty());
  EXPECT_FALSE(r.status.observed_generation.has_value());
  EXPECT_FALSE(r.status.last_operation.has_value());
  EXPECT_TRUE(parse_port_resource(json()).invalid_spec.size() > 0);
  EXPECT_TRUE(parse_port_resource(json::array()).invalid_spec.size() > 0);
}

TEST(PortStatusJson, RoundTripsEveryField) {
  PortResourceStatus status;
  status.phase = Phase::Terminating;
  status.port_id = "port-1";
  status.port_status = "RUNNING";
  status.port_charge_type = "POSTPAID";
  status.expired_time = "2027-01-01T00:00:00Z";
  status.observed_generation = 4;
  status.conditions.push_back(Condition{"Ready", "False", 4, parse_time("2026-01-01T00:00:00Z"),
                                        "Terminating", "TerminatePort sent"});
  status.conditions.push_back(
      Condition{"Synced", "True", 4, parse_time("2026-01-01T00:00:01Z"), "Observed", "ok"});
  status.last_operation = LastOperation{"TerminatePort", "req-1", "", parse_time("2026-01-01T00:00:02Z")};
  status.terminate_requested_at = parse_time("2026-01-01T00:00:02Z");
  status.recycled_at = parse_time("2026-01-01T00:00:03Z");
  status.destroy_requested_at = parse_time("2026-01-01T00:00:04Z");
  status.destroyed_at = parse_time("2026-01-01T00:00:05Z");
  const json j = to_json(status);
  EXPECT_EQ(j["phase"], "Terminating");
  EXPECT_EQ(j["portId"], "port-1");
  EXPECT_EQ(j["lastOperation"]["requestId"], "req-1");
  EXPECT_FALSE(j["lastOperation"].contains("code")) << "an accepted call has no code";
  EXPECT_EQ(j["conditions"][0]["lastTransitionTime"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(j["terminateRequestedAt"], "2026-01-01T00:00:02Z");
  EXPECT_EQ(parse_status(j), status);
}

TEST(PortStatusJson, EmptyStatusIsAnEmptyObject) {
  EXPECT_EQ(to_json(PortResourceStatus{}), json::object());
}

}  // namespace
}  // namespace zpo::port
