// Leader election against the real kube-emulator binary over HTTP: one leader among two candidates, a fast
// handover when the leader stops (the lease is released), a takeover of an abandoned lease only after its
// duration on our own clock, and a leader that gives up when the API server stops answering.

#include "runtime/leader_election.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "kube/cluster_config.hpp"
#include "kube/rest_client.hpp"
#include "support/child_process.hpp"
#include "support/http_client.hpp"

namespace zpo::runtime {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr const char* kLeasePath = "/apis/coordination.k8s.io/v1/namespaces/default/leases/zpo-test";

template <typename Predicate>
bool eventually(Predicate done, std::chrono::milliseconds limit = 10s) {
  auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return done();
}

LeaderElectionConfig short_config(const std::string& identity) {
  return {.lease_namespace = "default",
          .lease_name = "zpo-test",
          .identity = identity,
          .lease_duration = 1500ms,
          .renew_deadline = 1000ms,
          .retry_period = 200ms};
}

// One candidate on its own thread; `leading` tells whether its lead function is running now.
struct Candidate {
  Candidate(kube::RestClient& client, const std::string& identity, std::atomic<int>& leaders)
      : elector(client, short_config(identity)) {
    thread = std::jthread([this, &leaders] {
      result = elector.run(stop.get_token(), [this, &leaders](const std::stop_token& lead_stop) {
        if (++leaders > 1) two_leaders = true;
        leading = true;
        led = true;
        while (!lead_stop.stop_requested())
          std::this_thread::sleep_for(2ms);
        leading = false;
        --leaders;
      });
      returned = true;
    });
  }
  void halt() {
    stop.request_stop();
    thread.join();
  }

  LeaderElector elector;
  std::stop_source stop;
  std::atomic<bool> leading{false};
  std::atomic<bool> led{false};
  std::atomic<bool> two_leaders{false};
  std::atomic<bool> returned{false};
  bool result = false;
  std::jthread thread;
};

class LeaderElection : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "zpo-leader-XXXXXX").string();
    dir_ = mkdtemp(pattern.data());
    emulator_ = std::make_unique<testsupport::ChildProcess>(
        testsupport::ChildProcess::start({KUBE_EMULATOR_BIN, "--listen", "127.0.0.1:0", "--write-kubeconfig",
                                          (dir_ / "kubeconfig").string()}));
    url_ = emulator_->wait_for_listening();
    client_ = std::make_unique<kube::RestClient>(kube::load_kubeconfig(dir_ / "kubeconfig"));
  }
  void TearDown() override { fs::remove_all(dir_); }

  nlohmann::json lease() { return client_->get(kLeasePath); }

  fs::path dir_;
  std::unique_ptr<testsupport::ChildProcess> emulator_;
  std::string url_;
  std::unique_ptr<kube::RestClient> client_;
  std::atomic<int> leaders_{0};
};

TEST_F(LeaderElection, ExactlyOneOfTwoLeadsAndAStoppedLeaderHandsOverAtOnce) {
  Candidate a(*client_, "candidate-a", leaders_);
  Candidate b(*client_, "candidate-b", leaders_);
  ASSERT_TRUE(eventually([&] { return a.leading || b.leading; }));
  std::this_thread::sleep_for(1500ms);  // several renewals and retries on both sides
  Candidate& leader = a.leading ? a : b;
  Candidate& follower = a.leading ? b : a;
  EXPECT_TRUE(leader.leading);
  EXPECT_FALSE(follower.led);
  EXPECT_TRUE(leader.elector.is_leader());
  EXPECT_FALSE(follower.elector.is_leader());
  auto spec = lease()["spec"];
  std::string leader_id = &leader == &a ? "candidate-a" : "candidate-b";
  EXPECT_EQ(spec["holderIdentity"], leader_id);
  EXPECT_EQ(spec["leaseDurationSeconds"], 2);  // 1.5 s rounded up to whole seconds
  EXPECT_EQ(spec["leaseTransitions"], 0);

  auto stopped_at = Clock::now();
  leader.halt();
  EXPECT_TRUE(leader.result);  // ended by stop, not by a lost lease
  ASSERT_TRUE(eventually([&] { return follower.leading.load(); }, 5s));
  auto handover = Clock::now() - stopped_at;
  // Released, so not waited out: the lease (2 s) would still be valid on the follower's clock.
  EXPECT_LT(handover, 1500ms);
  std::printf(
      "[figure] leader handover after a clean stop: %lld ms\n",
      static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(handover).count()));
  spec = lease()["spec"];
  EXPECT_NE(spec["holderIdentity"], leader_id);
  EXPECT_EQ(spec["leaseTransitions"], 1);
  follower.halt();
  EXPECT_TRUE(follower.result);
  EXPECT_FALSE(a.two_leaders || b.two_leaders);
  // The last leader released it too.
  spec = lease()["spec"];
  EXPECT_EQ(spec["holderIdentity"], "");
  EXPECT_EQ(spec["leaseDurationSeconds"], 1);
}

TEST_F(LeaderElection, AnAbandonedLeaseIsTakenOnlyAfterItsDurationOnOurClock) {
  // A holder that crashed: it wrote the lease once (with a renewTime far in the future, which must not
  // matter) and never renews.
  client_->create("/apis/coordination.k8s.io/v1/namespaces/default/leases",
                  {{"apiVersion", "coordination.k8s.io/v1"},
                   {"kind", "Lease"},
                   {"metadata", {{"name", "zpo-test"}, {"namespace", "default"}}},
                   {"spec",
                    {{"holderIdentity", "crashed"},
                     {"leaseDurationSeconds", 1},
                     {"renewTime", "2099-01-01T00:00:00.000000Z"},
                     {"leaseTransitions", 5}}}});
  auto started = Clock::now();
  Candidate a(*client_, "candidate-a", leaders_);
  ASSERT_TRUE(eventually([&] { return a.leading.load(); }, 5s));
  auto waited = Clock::now() - started;
  EXPECT_GE(waited, 1000ms);
  EXPECT_LT(waited, 3000ms);
  auto spec = lease()["spec"];
  EXPECT_EQ(spec["holderIdentity"], "candidate-a");
  EXPECT_EQ(spec["leaseTransitions"], 6);
  a.halt();
}

TEST_F(LeaderElection, ALeaderThatCannotRenewWithinTheDeadlineGivesUp) {
  Candidate a(*client_, "candidate-a", leaders_);
  ASSERT_TRUE(eventually([&] { return a.leading.load(); }));
  auto paused_at = Clock::now();
  auto reply = testsupport::http_request("POST", url_ + "/admin/pause", R"({"seconds":4})",
                                         {{"Content-Type", "application/json"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  ASSERT_TRUE(eventually([&] { return a.returned.load(); }, 8s));
  auto gave_up = Clock::now() - paused_at;
  EXPECT_FALSE(a.result);  // lost, not stopped
  EXPECT_FALSE(a.leading);
  EXPECT_FALSE(a.elector.is_leader());
  // It gave up on its own deadline while the server still hung, not when the server came back.
  EXPECT_LT(gave_up, 3500ms);
  std::printf(
      "[figure] leader gave up %lld ms after the API server stopped answering (renew deadline 1000 ms)\n",
      static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(gave_up).count()));
  a.thread.join();
}

}  // namespace
}  // namespace zpo::runtime
