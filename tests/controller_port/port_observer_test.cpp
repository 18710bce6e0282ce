// The batched observation: many keys, few DescribePorts calls; results and failures reach every asking key.

#include "port/port_observer.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "fake_cloud.hpp"
#include "port_fixtures.hpp"

namespace zpo::port {
namespace {

using namespace testing;

struct ObserverTest : ::testing::Test {
  Time now = t0();
  std::shared_ptr<FakeCloud> cloud = std::make_shared<FakeCloud>([this] { return now; });
  std::multiset<std::string> notified;
  std::vector<std::size_t> batch_sizes;
  PortObserver observer{
      ObserverHooks{[this](const std::string& key) { notified.insert(key); }, [this] { return now; },
                    [this](std::size_t ids) { batch_sizes.push_back(ids); }},
      std::chrono::milliseconds(0)};
  CloudAccess access{cloud, "operator"};
};

TEST_F(ObserverTest, TwoHundredFiftyKeysCostThreeCalls) {
  for (int i = 0; i < 250; ++i) {
    const std::string id = "port-" + std::to_string(i);
    if (i % 2 == 0) cloud->add_port(id);  // the odd ones do not exist
    observer.request("ns/r" + std::to_string(i), id, access);
  }
  EXPECT_EQ(observer.observe_pending({}), 3u);
  EXPECT_EQ(cloud->calls("DescribePorts"), 3);
  EXPECT_EQ(batch_sizes, (std::vector<std::size_t>{100, 100, 50}));
  EXPECT_EQ(notified.size(), 250u);
  const auto found = observer.latest("ns/r10", "port-10");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->kind, Observation::Kind::Found);
  EXPECT_EQ(found->port->port_status, "RUNNING");
  EXPECT_EQ(found->observed_at, now);
  const auto absent = observer.latest("ns/r11", "port-11");
  ASSERT_TRUE(absent.has_value());
  EXPECT_EQ(absent->kind, Observation::Kind::Absent);
  EXPECT_EQ(observer.pending(), 0u);
  EXPECT_EQ(observer.observe_pending({}), 0u) << "nothing asked, nothing called";
}

// A look records when it was asked (what it shows held then or later) and when its answer came (what it shows
// had begun by then): a stage seen done is timed to the answer.
TEST_F(ObserverTest, ALookRecordsWhenItWasAskedAndWhenItWasAnswered) {
  cloud->add_port("port-1");
  const Time asked = now + std::chrono::seconds(1);
  cloud->on_call([this](const std::string&) { now += std::chrono::milliseconds(700); });  // a 0.7 s call
  observer.request("ns/a", "port-1", access);
  now = asked;
  observer.request("ns/b", "port-2", access);  // not listed
  EXPECT_EQ(observer.observe_pending({}), 1u);
  for (const auto& [key, id] : {std::pair{"ns/a", "port-1"}, std::pair{"ns/b", "port-2"}}) {
    const auto look = observer.latest(key, id);
    ASSERT_TRUE(look.has_value()) << key;
    EXPECT_EQ(look->observed_at, asked) << key;
    EXPECT_EQ(look->answered_at, asked + std::chrono::milliseconds(700)) << key;
  }
}

TEST_F(ObserverTest, RepeatedRequestsAndSharedPortsAreOneId) {
  cloud->add_port("port-1");
  observer.request("ns/a", "port-1", access);
  observer.request("ns/a", "port-1", access);
  observer.request("ns/b", "port-1", access);  // two resources naming one port
  EXPECT_EQ(observer.observe_pending({}), 1u);
  EXPECT_EQ(cloud->describe_batches().at(0), std::vector<std::string>{"port-1"});
  EXPECT_TRUE(observer.latest("ns/a", "port-1").has_value());
  EXPECT_TRUE(observer.latest("ns/b", "port-1").has_value());
}

TEST_F(ObserverTest, AccountsAreDescribedSeparately) {
  auto other = std::make_shared<FakeCloud>([this] { return now; });
  cloud->add_port("port-1");
  other->add_port("port-2");
  observer.request("ns/a", "port-1", access);
  observer.request("ns/b", "port-2", CloudAccess{other, "secret:ns/key@7"});
  EXPECT_EQ(observer.observe_pending({}), 2u);
  EXPECT_EQ(observer.latest("ns/a", "port-1")->kind, Observation::Kind::Found);
  EXPECT_EQ(observer.latest("ns/b", "port-2")->kind, Observation::Kind::Found);
}

TEST_F(ObserverTest, AFailedCallFansOutToEveryKeyOfTheBatch) {
  for (int i = 0; i < 3; ++i)
    observer.request("ns/r" + std::to_string(i), "port-" + std::to_string(i), access);
  cloud->fail_next("DescribePorts", {throttled_reply(), false});
  EXPECT_EQ(observer.observe_pending({}), 1u);
  EXPECT_EQ(notified.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const auto o = observer.latest("ns/r" + std::to_string(i), "port-" + std::to_string(i));
    ASSERT_TRUE(o.has_value());
    EXPECT_EQ(o->kind, Observation::Kind::CloudError);
    EXPECT_EQ(o->failure.error_class, zenlayer::ErrorClass::Throttled);
    EXPECT_EQ(o->failure.code, "REQUEST_LIMIT_EXCEEDED");
  }
}

TEST_F(ObserverTest, AnInvalidIdIsIsolatedFromItsNeighbours) {
  cloud->add_port("port-1");
  observer.request("ns/good", "port-1", access);
  observer.request("ns/bad", "bad id", access);
  zenlayer::ApiErrorDetails invalid;
  invalid.http_status = 400;
  invalid.code = "INVALID_PARAMETER_PORT_ID";
  invalid.error_class = zenlayer::ErrorClass::InvalidRequest;
  cloud->fail_next("DescribePorts", {invalid, false});  // the batch
  cloud->fail_next("DescribePorts", {invalid, false});  // "bad id" alone (ids are sorted: it comes first)
  EXPECT_EQ(observer.observe_pending({}), 3u);
  EXPECT_EQ(observer.latest("ns/good", "port-1")->kind, Observation::Kind::Found);
  EXPECT_EQ(observer.latest("ns/bad", "bad id")->kind, Observation::Kind::CloudError);
}

TEST_F(ObserverTest, ForgottenKeysAreDroppedAndOtherPortsAreNotReturned) {
  cloud->add_port("port-1");
  observer.request("ns/a", "port-1", access);
  observer.observe_pending({});
  EXPECT_EQ(observer.stored(), 1u);
  EXPECT_FALSE(observer.latest("ns/a", "port-2").has_value());
  observer.forget("ns/a");
  EXPECT_EQ(observer.stored(), 0u);
  EXPECT_FALSE(observer.latest("ns/a", "port-1").has_value());
  observer.request("ns/b", "port-1", access);
  observer.forget("ns/b");
  EXPECT_EQ(observer.pending(), 0u);
}

TEST_F(ObserverTest, RoundWaitsForARequestThenTheWindow) {
  PortObserver windowed{
      ObserverHooks{[this](const std::string& key) { notified.insert(key); }, [this] { return now; }, {}},
      std::chrono::milliseconds(20)};
  EXPECT_EQ(windowed.observe_round({}, std::chrono::milliseconds(10)), 0u) << "no request: nothing";
  cloud->add_port("port-1");
  windowed.request("ns/a", "port-1", access);
  EXPECT_EQ(windowed.observe_round({}, std::chrono::seconds(5)), 1u);
  EXPECT_EQ(notified.count("ns/a"), 1u);
  std::stop_source stop;
  stop.request_stop();
  windowed.request("ns/a", "port-1", access);
  EXPECT_EQ(windowed.observe_round(stop.get_token(), std::chrono::seconds(5)), 0u) << "stopping: no call";
}

// While reconciles keep asking, a partial batch waits for company (up to max_hold); full ones go at once.
TEST_F(ObserverTest, APartialBatchWaitsWhileRequestsKeepArriving) {
  PortObserver held{
      ObserverHooks{[this](const std::string& key) { notified.insert(key); }, [this] { return now; },
                    [this](std::size_t ids) { batch_sizes.push_back(ids); }},
      std::chrono::milliseconds(300), std::chrono::seconds(1)};
  auto ask = [&](int from, int to) {
    for (int i = from; i < to; ++i)
      held.request("ns/r" + std::to_string(i), "port-" + std::to_string(i), access);
  };
  // One round in which a request arrives during the window.
  auto round_with_arrival = [&](int key) {
    std::jthread late([&, key] {
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
      ask(key, key + 1);
    });
    return held.observe_round({}, std::chrono::seconds(5));
  };
  ask(0, 150);
  EXPECT_EQ(round_with_arrival(150), 1u);
  EXPECT_EQ(batch_sizes, (std::vector<std::size_t>{100}));
  EXPECT_EQ(held.pending(), 51u) << "the youngest 51 wait";
  EXPECT_EQ(notified.count("ns/r0"), 1u) << "the oldest go first";

  // Asked again, the waiting ones are still as old as their first ask: once that is max_hold ago, the partial
  // batch goes.
  now += std::chrono::milliseconds(600);
  for (int i = 0; i <= 150; ++i) {
    if (notified.count("ns/r" + std::to_string(i)) == 0) ask(i, i + 1);
  }
  EXPECT_EQ(held.pending(), 51u);
  now += std::chrono::milliseconds(500);
  EXPECT_EQ(round_with_arrival(151), 1u);
  EXPECT_EQ(batch_sizes, (std::vector<std::size_t>{100, 52}));
  EXPECT_EQ(held.pending(), 0u);

  // Arrivals paused during the window: a lone request goes at once.
  ask(200, 201);
  EXPECT_EQ(held.observe_round({}, std::chrono::seconds(5)), 1u);
  EXPECT_EQ(batch_sizes.back(), 1u);
}

}  // namespace
}  // namespace zpo::port
