// Which repeats of an Event patch the existing one, and how the recorder's memory stays bounded.
#include "kube/event_aggregator.hpp"

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;
using zpo::kube::detail::EventAggregator;
using zpo::kube::detail::EventIdentity;
using zpo::kube::detail::RecordedEvent;

const EventAggregator::Clock::time_point t0 = EventAggregator::Clock::time_point(1'000'000h);

EventIdentity blocked(const std::string& uid = "uid-1") {
  return {uid, "Warning", "TerminateBlocked", "port is PREPAID until 2027-01-01"};
}

RecordedEvent event(const std::string& name, EventAggregator::Clock::time_point at) {
  return {"ns", name, 1, at};
}

TEST(EventAggregator, RepeatWithinTenMinutesFindsTheEvent) {
  EventAggregator aggregator;
  aggregator.remember(blocked(), event("p.1", t0), t0);
  const auto found = aggregator.find(blocked(), t0 + 9min);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name, "p.1");
  EXPECT_EQ(found->namespace_name, "ns");
  EXPECT_FALSE(aggregator.find(blocked(), t0 + 10min));
}

TEST(EventAggregator, EveryPartOfTheIdentityCounts) {
  EventAggregator aggregator;
  aggregator.remember(blocked(), event("p.1", t0), t0);
  EventIdentity other = blocked("uid-2");
  EXPECT_FALSE(aggregator.find(other, t0));
  other = blocked();
  other.type = "Normal";
  EXPECT_FALSE(aggregator.find(other, t0));
  other = blocked();
  other.reason = "Terminating";
  EXPECT_FALSE(aggregator.find(other, t0));
  other = blocked();
  other.message += "!";
  EXPECT_FALSE(aggregator.find(other, t0));
}

TEST(EventAggregator, RememberingAgainMovesTheWindow) {
  EventAggregator aggregator;
  aggregator.remember(blocked(), event("p.1", t0), t0);
  RecordedEvent repeat = event("p.1", t0 + 8min);
  repeat.count = 2;
  aggregator.remember(blocked(), repeat, t0 + 8min);
  const auto found = aggregator.find(blocked(), t0 + 15min);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->count, 2);
}

TEST(EventAggregator, ForgetDropsTheEntry) {
  EventAggregator aggregator;
  aggregator.remember(blocked(), event("p.1", t0), t0);
  aggregator.forget(blocked());
  EXPECT_FALSE(aggregator.find(blocked(), t0));
  EXPECT_EQ(aggregator.size(), 0u);
}

TEST(EventAggregator, ExpiredEntriesAreSweptAtMostEveryMinute) {
  EventAggregator aggregator;
  for (int i = 0; i < 100; ++i)
    aggregator.remember(blocked(std::to_string(i)), event("x", t0), t0);
  EXPECT_EQ(aggregator.size(), 100u);
  aggregator.remember(blocked("late"), event("y", t0 + 11min), t0 + 11min);
  EXPECT_EQ(aggregator.size(), 1u);
}

TEST(EventAggregator, CapacityEvictsTheLeastRecentlySeen) {
  EventAggregator aggregator(3);
  aggregator.remember(blocked("a"), event("a", t0 + 2s), t0 + 2s);
  aggregator.remember(blocked("b"), event("b", t0 + 1s), t0 + 2s);
  aggregator.remember(blocked("c"), event("c", t0 + 3s), t0 + 3s);
  aggregator.remember(blocked("d"), event("d", t0 + 4s), t0 + 4s);
  EXPECT_EQ(aggregator.size(), 3u);
  EXPECT_FALSE(aggregator.find(blocked("b"), t0 + 5s));
  EXPECT_TRUE(aggregator.find(blocked("a"), t0 + 5s));
  EXPECT_TRUE(aggregator.find(blocked("d"), t0 + 5s));
  // Updating an entry already there evicts nothing.
  aggregator.remember(blocked("a"), event("a", t0 + 6s), t0 + 6s);
  EXPECT_EQ(aggregator.size(), 3u);
  EXPECT_TRUE(aggregator.find(blocked("c"), t0 + 6s));
}

}  // namespace
