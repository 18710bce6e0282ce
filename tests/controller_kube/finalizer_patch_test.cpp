// The finalizer patches applied with nlohmann's RFC 6902 implementation, which is what kube-emulator applies
// too.
#include "kube/finalizer_patch.hpp"

#include <gtest/gtest.h>

namespace {

using nlohmann::json;
constexpr const char* kFinalizer = "sdn.zenlayer.com/finalizer";

json port(json finalizers = nullptr, const char* rv = "7") {
  json object = {{"apiVersion", "sdn.zenlayer.com/v1alpha1"},
                 {"kind", "ZenlayerPort"},
                 {"metadata", {{"name", "p"}, {"namespace", "ns"}, {"resourceVersion", rv}}}};
  if (!finalizers.is_null()) object["metadata"]["finalizers"] = std::move(finalizers);
  return object;
}

TEST(HasFinalizer, FindsOnlyTheExactName) {
  EXPECT_FALSE(zpo::kube::has_finalizer(port(), kFinalizer));
  EXPECT_FALSE(zpo::kube::has_finalizer(port(json::array({"other"})), kFinalizer));
  EXPECT_TRUE(zpo::kube::has_finalizer(port(json::array({"other", kFinalizer})), kFinalizer));
  EXPECT_FALSE(zpo::kube::has_finalizer(port(json::array({"sdn.zenlayer.com/finalizer2"})), kFinalizer));
  EXPECT_FALSE(zpo::kube::has_finalizer(json::object(), kFinalizer));
}

TEST(AddFinalizerPatch, CreatesTheListWhenAbsentGuardedByResourceVersion) {
  const json object = port();
  const auto patch = zpo::kube::add_finalizer_patch(object, kFinalizer);
  ASSERT_TRUE(patch);
  const json patched = object.patch(*patch);
  EXPECT_EQ(patched["metadata"]["finalizers"], json::array({kFinalizer}));

  json changed_meanwhile = object;
  changed_meanwhile["metadata"]["resourceVersion"] = "8";
  EXPECT_THROW(changed_meanwhile.patch(*patch), json::other_error);
}

TEST(AddFinalizerPatch, AppendsToAnExistingListGuardedByThatList) {
  const json object = port(json::array({"other"}));
  const auto patch = zpo::kube::add_finalizer_patch(object, kFinalizer);
  ASSERT_TRUE(patch);
  EXPECT_EQ(object.patch(*patch)["metadata"]["finalizers"], json::array({"other", kFinalizer}));

  // Someone else removed theirs (or added one) since we read: the patch must fail rather than rewrite the
  // list.
  EXPECT_THROW(port(json::array()).patch(*patch), json::other_error);
  EXPECT_THROW(port(json::array({"other", "third"})).patch(*patch), json::other_error);
  // Only the list guards it, not the resourceVersion: a status write in between does not matter.
  EXPECT_EQ(port(json::array({"other"}), "99").patch(*patch)["metadata"]["finalizers"],
            json::array({"other", kFinalizer}));
}

TEST(AddFinalizerPatch, AppendsToAnEmptyList) {
  const json object = port(json::array());
  const auto patch = zpo::kube::add_finalizer_patch(object, kFinalizer);
  ASSERT_TRUE(patch);
  EXPECT_EQ(object.patch(*patch)["metadata"]["finalizers"], json::array({kFinalizer}));
}

TEST(AddFinalizerPatch, NothingWhenPresent) {
  EXPECT_FALSE(zpo::kube::add_finalizer_patch(port(json::array({kFinalizer})), kFinalizer));
}

TEST(AddFinalizerPatch, RefusesAnObjectWithoutResourceVersionWhenItCannotGuardOtherwise) {
  json object = port();
  object["metadata"].erase("resourceVersion");
  EXPECT_THROW(zpo::kube::add_finalizer_patch(object, kFinalizer), std::invalid_argument);
}

TEST(RemoveFinalizerPatch, RemovesItAndKeepsTheOthers) {
  const json object = port(json::array({"a", kFinalizer, "b"}));
  const auto patch = zpo::kube::remove_finalizer_patch(object, kFinalizer);
  ASSERT_TRUE(patch);
  EXPECT_EQ(object.patch(*patch)["metadata"]["finalizers"], json::array({"a", "b"}));
}

TEST(RemoveFinalizerPatch, FailsWhenTheListShiftedUnderIt) {
  const json object = port(json::array({"a", kFinalizer}));
  const auto patch = zpo::kube::remove_finalizer_patch(object, kFinalizer);
  ASSERT_TRUE(patch);
  // "a" was removed concurrently: index 1 no longer holds our finalizer, so nothing else may be removed.
  EXPECT_THROW(port(json::array({kFinalizer})).patch(*patch), json::other_error);
  EXPECT_THROW(port(json::array({"a", "c"})).patch(*patch), json::other_error);
}

TEST(RemoveFinalizerPatch, RemovesEveryOccurrence) {
  const json object = port(json::array({kFinalizer, "a", kFinalizer}));
  const auto patch = zpo::kube::remove_finalizer_patch(object, kFinalizer);
  ASSERT_TRUE(patch);
  const json patched = object.patch(*patch);
  EXPECT_EQ(patched["metadata"]["finalizers"], json::array({"a"}));
  EXPECT_FALSE(zpo::kube::has_finalizer(patched, kFinalizer));
}

TEST(RemoveFinalizerPatch, NothingWhenAbsent) {
  EXPECT_FALSE(zpo::kube::remove_finalizer_patch(port(), kFinalizer));
  EXPECT_FALSE(zpo::kube::remove_finalizer_patch(port(json::array({"other"})), kFinalizer));
}

}  // namespace
