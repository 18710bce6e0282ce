// The finalizer patches against the real kube-emulator binary: added and removed as guarded JSON Patches, the
// object gone once the last finalizer leaves a deleting object, and a stale patch refused rather than
// applied.
#include <gtest/gtest.h>

#include "informer_emulator_fixture.hpp"
#include "kube/finalizer_patch.hpp"

namespace {

using k2test::json;
using k2test::KubeEmulator;
using k2test::port_path;
using zpo::kube::PatchType;
using zpo::kube::StatusError;

constexpr const char* kFinalizer = "sdn.zenlayer.com/finalizer";

int status_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const StatusError& e) {
    return e.code();
  }
  return 0;
}

TEST(FinalizerPatchAgainstEmulator, AddedThenRemovedOnADeletingObjectWhichIsThenGone) {
  KubeEmulator emulator;
  auto& client = emulator.client();
  const json created = client.create(k2test::kPorts, k2test::port("a"));
  const json added =
      client.patch(port_path("a"), PatchType::Json, *zpo::kube::add_finalizer_patch(created, kFinalizer));
  EXPECT_TRUE(zpo::kube::has_finalizer(added, kFinalizer));
  EXPECT_FALSE(zpo::kube::add_finalizer_patch(added, kFinalizer));

  const json deleting = client.remove(port_path("a"));
  ASSERT_TRUE(deleting["metadata"].contains("deletionTimestamp")) << deleting.dump();
  client.patch(port_path("a"), PatchType::Json, *zpo::kube::remove_finalizer_patch(deleting, kFinalizer));
  EXPECT_EQ(status_of([&] { client.get(port_path("a")); }), 404);
}

TEST(FinalizerPatchAgainstEmulator, KeepsSomeoneElsesFinalizer) {
  KubeEmulator emulator;
  auto& client = emulator.client();
  json object = k2test::port("a");
  object["metadata"]["finalizers"] = {"example.com/other"};
  object = client.create(k2test::kPorts, object);
  object = client.patch(port_path("a"), PatchType::Json, *zpo::kube::add_finalizer_patch(object, kFinalizer));
  EXPECT_EQ(object["metadata"]["finalizers"], json::array({"example.com/other", kFinalizer}));
  object =
      client.patch(port_path("a"), PatchType::Json, *zpo::kube::remove_finalizer_patch(object, kFinalizer));
  EXPECT_EQ(object["metadata"]["finalizers"], json::array({"example.com/other"}));
}

TEST(FinalizerPatchAgainstEmulator, StalePatchesAreRefused) {
  KubeEmulator emulator;
  auto& client = emulator.client();
  // No finalizers yet: the add is guarded by the resourceVersion, so any write in between refuses it.
  const json read = client.create(k2test::kPorts, k2test::port("a"));
  client.patch(port_path("a"), PatchType::Merge, {{"metadata", {{"labels", {{"team", "b"}}}}}});
  EXPECT_EQ(status_of([&] {
              client.patch(port_path("a"), PatchType::Json,
                           *zpo::kube::add_finalizer_patch(read, kFinalizer));
            }),
            422);
  EXPECT_FALSE(zpo::kube::has_finalizer(client.get(port_path("a")), kFinalizer));

  // Someone else's finalizer went away since our read: the indices moved, so our removal is refused.
  json object = k2test::port("b");
  object["metadata"]["finalizers"] = {"example.com/other", kFinalizer};
  object = client.create(k2test::kPorts, object);
  client.patch(port_path("b"), PatchType::Merge, {{"metadata", {{"finalizers", {kFinalizer}}}}});
  EXPECT_EQ(status_of([&] {
              client.patch(port_path("b"), PatchType::Json,
                           *zpo::kube::remove_finalizer_patch(object, kFinalizer));
            }),
            422);
  EXPECT_EQ(client.get(port_path("b"))["metadata"]["finalizers"], json::array({kFinalizer}));
}

}  // namespace
