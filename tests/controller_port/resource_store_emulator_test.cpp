// KubeResourceStore against the real kube-emulator binary: the status write guarded by the resourceVersion
// (the create-in-flight record) lands on the version it was decided from and is refused with 409 once the
// object moved; an unguarded write of the same old read still goes through (the status is ours alone).

#include <gtest/gtest.h>

#include "informer_emulator_fixture.hpp"
#include "kube/event_recorder.hpp"
#include "kube/informer.hpp"
#include "port/resource_store.hpp"
#include "port_fixtures.hpp"

namespace zpo::port {
namespace {

using k2test::json;
using k2test::port_path;

struct StoreAgainstEmulator : ::testing::Test {
  k2test::KubeEmulator emulator;
  kube::Informer informer{emulator.client(),
                          kube::InformerOptions{"/apis/sdn.zenlayer.com/v1alpha1/zenlayerports"}};
  kube::EventRecorder events{emulator.client(), "zenlayer-port-operator", "test"};
  KubeResourceStore store{emulator.client(), informer, events};

  // The create-in-flight record.
  static PortResourceStatus create_record() {
    PortResourceStatus status;
    status.phase = Phase::Pending;
    LastOperation operation;
    operation.action = "CreatePort";
    operation.time = testing::t0();
    status.last_operation = operation;
    return status;
  }
  int refusal(const std::function<void()>& write) {
    try {
      write();
    } catch (const kube::StatusError& error) {
      return error.code();
    }
    return 0;
  }
};

TEST_F(StoreAgainstEmulator, AGuardedStatusWriteLandsOnTheVersionItWasDecidedFrom) {
  const json read = emulator.client().create(k2test::kPorts, k2test::port("a"));
  const json written = store.write_status(read, create_record(), /*unless_changed=*/true);
  EXPECT_NE(written["metadata"]["resourceVersion"], read["metadata"]["resourceVersion"]);
  const json stored = emulator.client().get(port_path("a"));
  EXPECT_EQ(parse_status(stored["status"]), create_record());
  EXPECT_EQ(stored["spec"], read["spec"]) << "only the status changed";
  EXPECT_EQ(informer.get("default/a"), written) << "the reply went into the cache";
}

TEST_F(StoreAgainstEmulator, AGuardedStatusWriteIsRefusedOnceTheObjectMoved) {
  const json read = emulator.client().create(k2test::kPorts, k2test::port("a"));
  emulator.client().patch(port_path("a"), kube::PatchType::Merge,
                          {{"metadata", {{"labels", {{"team", "b"}}}}}});
  EXPECT_EQ(refusal([&] { store.write_status(read, create_record(), /*unless_changed=*/true); }), 409);
  const json after = emulator.client().get(port_path("a"));
  EXPECT_FALSE(parse_status(after.value("status", json::object())).last_operation.has_value())
      << "nothing written";

  // Unguarded, the same stale read still writes: the status is ours alone.
  EXPECT_EQ(refusal([&] { store.write_status(read, create_record()); }), 0);
  EXPECT_EQ(parse_status(emulator.client().get(port_path("a"))["status"]), create_record());
}

}  // namespace
}  // namespace zpo::port
