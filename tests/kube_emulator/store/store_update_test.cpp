#include "test_types.hpp"

namespace kubeemu::testing {
namespace {

using UpdateTest = StoreTest;

TEST_F(UpdateTest, SpecChangeBumpsGenerationAndResourceVersion) {
  json cur = create_port("a");
  cur["spec"]["portId"] = "p-2";
  WriteResult r = store.update(ports, "default", "a", cur, "", {});
  EXPECT_EQ(r.http_code, 200);
  EXPECT_EQ(r.object["spec"]["portId"], "p-2");
  EXPECT_EQ(r.object["metadata"]["generation"], 2);
  EXPECT_EQ(std::stoull(rv_of(r.object)), std::stoull(rv_of(cur)) + 1);
}

TEST_F(UpdateTest, LabelChangeKeepsGeneration) {
  json cur = create_port("a");
  cur["metadata"]["labels"] = {{"team", "net"}};
  WriteResult r = store.update(ports, "default", "a", cur, "", {});
  EXPECT_EQ(r.object["metadata"]["labels"]["team"], "net");
  EXPECT_EQ(r.object["metadata"]["generation"], 1);
  EXPECT_NE(rv_of(r.object), rv_of(cur));
}

TEST_F(UpdateTest, MissingResourceVersionIs422) {
  json cur = create_port("a");
  cur["metadata"].erase("resourceVersion");
  StatusError e = expect_status(422, [&] { store.update(ports, "default", "a", cur, "", {}); });
  EXPECT_EQ(
      std::string(e.what()),
      "ZenlayerPort.sdn.zenlayer.com \"a\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be "
      "specified for an update");
}

TEST_F(UpdateTest, StaleResourceVersionIs409) {
  json first = create_port("a");
  json second = first;
  first["spec"]["portId"] = "p-2";
  store.update(ports, "default", "a", first, "", {});
  second["spec"]["portId"] = "p-3";
  StatusError e = expect_status(409, [&] { store.update(ports, "default", "a", second, "", {}); });
  EXPECT_EQ(e.reason(), "Conflict");
  EXPECT_EQ(
      std::string(e.what()),
      "Operation cannot be fulfilled on zenlayerports.sdn.zenlayer.com \"a\": the object has been modified; "
      "please apply your changes to the latest version and try again");
  EXPECT_EQ(store.get(ports, "default", "a")["spec"]["portId"], "p-2");
}

TEST_F(UpdateTest, MissingObjectIs404) {
  json obj = port("a");
  obj["metadata"]["resourceVersion"] = "5";
  expect_status(404, [&] { store.update(ports, "default", "a", obj, "", {}); });
}

TEST_F(UpdateTest, NameMismatchIs400) {
  json cur = create_port("a");
  StatusError e = expect_status(400, [&] { store.update(ports, "default", "b", cur, "", {}); });
  EXPECT_EQ(std::string(e.what()), "the name of the object (a) does not match the name on the URL (b)");
}

TEST_F(UpdateTest, UidChangeIs422Immutable) {
  json cur = create_port("a");
  cur["metadata"]["uid"] = "0000";
  StatusError e = expect_status(422, [&] { store.update(ports, "default", "a", cur, "", {}); });
  EXPECT_EQ(std::string(e.what()),
            "ZenlayerPort.sdn.zenlayer.com \"a\" is invalid: metadata.uid: Invalid value: \"0000\": field is "
            "immutable");
}

TEST_F(UpdateTest, ServerFieldsAreRestored) {
  const json created = create_port("a");
  json cur = created;
  cur["metadata"]["creationTimestamp"] = "2000-01-01T00:00:00Z";
  cur["metadata"]["generation"] = 40;
  cur["metadata"]["deletionTimestamp"] = "2000-01-01T00:00:00Z";
  cur["metadata"]["deletionGracePeriodSeconds"] = 30;
  cur["metadata"].erase("uid");
  cur["metadata"]["annotations"] = {{"a", "b"}};
  WriteResult r = store.update(ports, "default", "a", cur, "", {});
  EXPECT_EQ(r.object["metadata"]["creationTimestamp"], created["metadata"]["creationTimestamp"]);
  EXPECT_EQ(r.object["metadata"]["generation"], 1);
  EXPECT_EQ(r.object["metadata"]["uid"], created["metadata"]["uid"]);
  EXPECT_FALSE(r.object["metadata"].contains("deletionTimestamp"));
  EXPECT_FALSE(r.object["metadata"].contains("deletionGracePeriodSeconds"));
}

TEST_F(UpdateTest, MainResourceKeepsOldStatus) {
  json cur = create_port("a");
  cur["status"] = {{"phase", "Ready"}};
  cur = store.update(ports, "default", "a", cur, "status", {}).object;
  cur["status"] = {{"phase", "Failed"}};
  cur["spec"]["portId"] = "p-2";
  WriteResult r = store.update(ports, "default", "a", cur, "", {});
  EXPECT_EQ(r.object["status"]["phase"], "Ready");
  EXPECT_EQ(r.object["spec"]["portId"], "p-2");
}

TEST_F(UpdateTest, StatusSubresourceTakesOnlyStatus) {
  json cur = create_port("a");
  cur["status"] = {{"phase", "Ready"}};
  cur["spec"]["portId"] = "ignored";
  cur["metadata"]["labels"] = {{"ignored", "yes"}};
  WriteResult r = store.update(ports, "default", "a", cur, "status", {});
  EXPECT_EQ(r.object["status"]["phase"], "Ready");
  EXPECT_EQ(r.object["spec"]["portId"], "p-1");
  EXPECT_FALSE(r.object["metadata"].contains("labels"));
  EXPECT_EQ(r.object["metadata"]["generation"], 1);
  EXPECT_NE(rv_of(r.object), rv_of(cur));
  // The RV precondition applies to /status too.
  expect_status(409, [&] { store.update(ports, "default", "a", cur, "status", {}); });
  // Status without the field removes it.
  json again = r.object;
  again.erase("status");
  EXPECT_FALSE(store.update(ports, "default", "a", again, "status", {}).object.contains("status"));
}

TEST_F(UpdateTest, StatusSubresourceIsValidated) {
  json cur = create_port("a");
  cur["status"] = {{"phase", 3}};
  expect_status(422, [&] { store.update(ports, "default", "a", cur, "status", {}); });
}

TEST_F(UpdateTest, StatusOfTypeWithoutSubresourceIs404) {
  json r = store.create(regions, "", {{"metadata", {{"name", "eu"}}}}, {}).object;
  expect_status(404, [&] { store.update(regions, "", "eu", r, "status", {}); });
}

TEST_F(UpdateTest, ByteIdenticalWriteStoresNothing) {
  const json cur = create_port("a");
  const uint64_t rv = store.resource_version();
  Watch w = store.watch(ports, "default", Opts().rv(rv_of(cur)));
  WriteResult r = store.update(ports, "default", "a", cur, "", {});
  EXPECT_EQ(r.http_code, 200);
  EXPECT_EQ(r.object, cur);
  EXPECT_EQ(store.resource_version(), rv);
  EXPECT_FALSE(w.next(std::chrono::milliseconds(20)).has_value()) << "no watch event for a no-op";
}

TEST_F(UpdateTest, WithoutStatusSubresourceStatusChangeBumpsGeneration) {
  json r = store.create(regions, "", {{"metadata", {{"name", "eu"}}}, {"status", {{"x", 1}}}}, {}).object;
  r["status"]["x"] = 2;
  EXPECT_EQ(store.update(regions, "", "eu", r, "", {}).object["metadata"]["generation"], 2);
}

TEST_F(UpdateTest, DryRunStoresNothing) {
  json cur = create_port("a");
  cur["spec"]["portId"] = "p-2";
  WriteOptions dry;
  dry.dry_run = true;
  WriteResult r = store.update(ports, "default", "a", cur, "", dry);
  EXPECT_EQ(r.object["spec"]["portId"], "p-2");
  EXPECT_EQ(store.get(ports, "default", "a")["spec"]["portId"], "p-1");
}

TEST_F(UpdateTest, LeaseRenewalWithReadVersion) {
  json lease = store
                   .create(leases, "kube-system",
                           {{"metadata", {{"name", "leader"}}}, {"spec", {{"holderIdentity", "a"}}}}, {})
                   .object;
  json renewed = lease;
  renewed["spec"]["renewTime"] = "2026-01-01T00:00:00.000000Z";
  store.update(leases, "kube-system", "leader", renewed, "", {});
  lease["spec"]["holderIdentity"] = "b";
  expect_status(409, [&] { store.update(leases, "kube-system", "leader", lease, "", {}); });
}

}  // namespace
}  // namespace kubeemu::testing
