// The status merge patch: what changed, and null for what is gone (a merge patch would otherwise keep it).

#include "port/resource_store.hpp"

#include <gtest/gtest.h>

namespace zpo::port {
namespace {

using nlohmann::json;

TEST(StatusMergePatch, ChangedAddedAndRemovedFields) {
  const json before{{"phase", "Ready"},
                    {"portStatus", "RUNNING"},
                    {"lastOperation", {{"action", "TerminatePort"}, {"code", "X"}, {"time", "t"}}},
                    {"conditions", json::array({{{"type", "Ready"}}})}};
  const json after{{"phase", "Terminating"},
                   {"lastOperation", {{"action", "TerminatePort"}, {"requestId", "r"}, {"time", "t"}}},
                   {"conditions", json::array({{{"type", "Ready"}}, {{"type", "Synced"}}})},
                   {"terminateRequestedAt", "t"}};
  const json patch = status_merge_patch(before, after);
  EXPECT_EQ(patch, (json{{"phase", "Terminating"},
                         {"portStatus", nullptr},
                         {"lastOperation", {{"code", nullptr}, {"requestId", "r"}}},
                         {"conditions", after["conditions"]},
                         {"terminateRequestedAt", "t"}}));
  json applied = before;
  applied.merge_patch(patch);
  EXPECT_EQ(applied, after);
}

TEST(StatusMergePatch, NothingChangedIsAnEmptyPatch) {
  const json status{{"phase", "Ready"}};
  EXPECT_EQ(status_merge_patch(status, status), json::object());
}

TEST(ObjectPath, NamespacedZenlayerPort) {
  EXPECT_EQ(object_path(json{{"metadata", {{"namespace", "ns"}, {"name", "n"}}}}),
            "/apis/sdn.zenlayer.com/v1alpha1/namespaces/ns/zenlayerports/n");
}

}  // namespace
}  // namespace zpo::port
