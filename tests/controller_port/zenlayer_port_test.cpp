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

TEST(ParsePortResource, MalformedObjectsSayWhyInsteadOfThrowing) {
  const std::vector<std::pair<json, std::string>> cases{
      {object(json::object()), "spec.portId is missing"},
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
