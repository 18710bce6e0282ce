// The Event recorder against the real kube-emulator binary: the first occurrence creates a core/v1 Event with
// the fields `kubectl get events` shows, a repeat patches its count, anything else creates another, and
// failures are logged, never thrown. Sending is asynchronous: record() does not wait for the API server, a
// full queue drops (logged) after a short wait, and destruction sends what is queued.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <regex>
#include <thread>

#include "informer_emulator_fixture.hpp"
#include "kube/event_recorder.hpp"

namespace {

using k2test::json;
using k2test::KubeEmulator;
using zpo::kube::EventRecorder;
using zpo::kube::EventType;

constexpr const char* kEvents = "/api/v1/namespaces/default/events";

struct CapturedLog {
  std::mutex mutex;
  std::vector<std::string> lines;
  zpo::kube::LogSink sink() {
    return [this](std::string_view level, std::string_view message, const zpo::kube::LogFields& fields) {
      std::string line = std::string(level) + " " + std::string(message);
      for (const auto& [key, value] : fields)
        line += " " + key + "=" + value;
      const std::lock_guard lock(mutex);
      lines.push_back(line);
    };
  }
};

std::vector<json> events(KubeEmulator& emulator) {
  std::vector<json> items = emulator.client().get(kEvents)["items"];
  std::sort(items.begin(), items.end(), [](const json& a, const json& b) {
    return a["metadata"]["name"].get<std::string>() < b["metadata"]["name"].get<std::string>();
  });
  return items;
}

const json* find_reason(const std::vector<json>& items, const std::string& reason) {
  for (const json& e : items) {
    if (e.value("reason", "") == reason) return &e;
  }
  return nullptr;
}

class EventRecorderAgainstEmulator : public ::testing::Test {
 protected:
  void SetUp() override { object_ = emulator_.client().create(k2test::kPorts, k2test::port("lax-uplink")); }
  // What the recorder has sent, once it has sent everything queued.
  std::vector<json> sent(EventRecorder& recorder) {
    recorder.flush();
    return events(emulator_);
  }
  KubeEmulator emulator_;
  CapturedLog log_;
  json object_;
};

TEST_F(EventRecorderAgainstEmulator, CreatesAnEventWithTheFieldsKubectlShows) {
  EventRecorder recorder(emulator_.client(), "zenlayer-port-operator", "operator-pod-1", log_.sink());
  recorder.record(object_, EventType::Warning, "TerminateBlocked", "port is PREPAID until 2027-01-01");
  const auto items = sent(recorder);
  ASSERT_EQ(items.size(), 1u);
  const json& e = items[0];
  EXPECT_TRUE(
      std::regex_match(e["metadata"]["name"].get<std::string>(), std::regex("lax-uplink\\.[0-9a-f]{16}")));
  EXPECT_EQ(e["metadata"]["namespace"], "default");
  EXPECT_EQ(e["involvedObject"]["apiVersion"], "sdn.zenlayer.com/v1alpha1");
  EXPECT_EQ(e["involvedObject"]["kind"], "ZenlayerPort");
  EXPECT_EQ(e["involvedObject"]["name"], "lax-uplink");
  EXPECT_EQ(e["involvedObject"]["namespace"], "default");
  EXPECT_EQ(e["involvedObject"]["uid"], object_["metadata"]["uid"]);
  EXPECT_EQ(e["involvedObject"]["resourceVersion"], object_["metadata"]["resourceVersion"]);
  EXPECT_EQ(e["type"], "Warning");
  EXPECT_EQ(e["reason"], "TerminateBlocked");
  EXPECT_EQ(e["message"], "port is PREPAID until 2027-01-01");
  EXPECT_EQ(e["source"]["component"], "zenlayer-port-operator");
  EXPECT_EQ(e["source"]["host"], "operator-pod-1");
  EXPECT_EQ(e["reportingComponent"], "zenlayer-port-operator");
  EXPECT_EQ(e["reportingInstance"], "operator-pod-1");
  EXPECT_EQ(e["count"], 1);
  const std::regex rfc3339("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
  EXPECT_TRUE(std::regex_match(e["firstTimestamp"].get<std::string>(), rfc3339)) << e["firstTimestamp"];
  EXPECT_EQ(e["lastTimestamp"], e["firstTimestamp"]);
  EXPECT_TRUE(log_.lines.empty());
}

TEST_F(EventRecorderAgainstEmulator, ARepeatPatchesTheCountAndADifferentReasonCreatesAnother) {
  EventRecorder recorder(emulator_.client(), "zenlayer-port-operator", "pod", log_.sink());
  recorder.record(object_, EventType::Warning, "TerminateBlocked", "prepaid");
  recorder.record(object_, EventType::Warning, "TerminateBlocked", "prepaid");
  auto items = sent(recorder);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["count"], 2);
  EXPECT_GE(items[0]["lastTimestamp"].get<std::string>(), items[0]["firstTimestamp"].get<std::string>());
  recorder.record(object_, EventType::Warning, "TerminateBlocked", "prepaid");
  EXPECT_EQ(sent(recorder)[0]["count"], 3);

  recorder.record(object_, EventType::Normal, "Terminating", "TerminatePort accepted");
  recorder.record(object_, EventType::Normal, "TerminateBlocked", "prepaid");  // another type
  recorder.record(object_, EventType::Warning, "TerminateBlocked",
                  "prepaid until tomorrow");  // another message
  items = sent(recorder);
  ASSERT_EQ(items.size(), 4u);
  const json* terminating = find_reason(items, "Terminating");
  ASSERT_NE(terminating, nullptr);
  EXPECT_EQ((*terminating)["count"], 1);
  EXPECT_EQ((*terminating)["type"], "Normal");
}

TEST_F(EventRecorderAgainstEmulator, ADeletedEventIsCreatedAgain) {
  EventRecorder recorder(emulator_.client(), "zenlayer-port-operator", "pod", log_.sink());
  recorder.record(object_, EventType::Normal, "Destroyed", "port destroyed");
  const std::string first = sent(recorder)[0]["metadata"]["name"];
  emulator_.client().remove(std::string(kEvents) + "/" + first);
  recorder.record(object_, EventType::Normal, "Destroyed", "port destroyed");
  const auto items = sent(recorder);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_NE(items[0]["metadata"]["name"], first);
  EXPECT_EQ(items[0]["count"], 1);
  // And it aggregates from then on.
  recorder.record(object_, EventType::Normal, "Destroyed", "port destroyed");
  EXPECT_EQ(sent(recorder)[0]["count"], 2);
}

TEST_F(EventRecorderAgainstEmulator, LongMessagesAreTruncatedTo1024Bytes) {
  EventRecorder recorder(emulator_.client(), "zenlayer-port-operator", "pod", log_.sink());
  recorder.record(object_, EventType::Warning, "Failed", std::string(5000, 'x'));
  EXPECT_EQ(sent(recorder)[0]["message"].get<std::string>(), std::string(1024, 'x'));
}

TEST_F(EventRecorderAgainstEmulator, FailuresAreLoggedNotThrown) {
  EventRecorder recorder(emulator_.client(), "zenlayer-port-operator", "pod", log_.sink());
  emulator_.admin("PUT", "faults", {{"errorRate", 1.0}, {"errorCode", 500}});
  EXPECT_NO_THROW(recorder.record(object_, EventType::Warning, "Failed", "cloud unreachable"));
  recorder.flush();
  emulator_.admin("PUT", "faults", {{"errorRate", 0.0}});
  ASSERT_EQ(log_.lines.size(), 1u);
  EXPECT_EQ(log_.lines[0].rfind("warn event create failed", 0), 0u) << log_.lines[0];
  EXPECT_NE(log_.lines[0].find("reason=Failed"), std::string::npos);
  EXPECT_TRUE(sent(recorder).empty());
  // Nothing was remembered: the next occurrence creates the Event.
  recorder.record(object_, EventType::Warning, "Failed", "cloud unreachable");
  const auto items = sent(recorder);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["count"], 1);
}

TEST_F(EventRecorderAgainstEmulator, RecordDoesNotWaitForTheApiServer) {
  EventRecorder recorder(emulator_.client(), "zenlayer-port-operator", "pod", log_.sink());
  emulator_.admin("POST", "pause", {{"seconds", 2}});
  const auto start = std::chrono::steady_clock::now();
  recorder.record(object_, EventType::Normal, "PortRecycled", "port is in the recycle bin");
  recorder.record(object_, EventType::Normal, "PortDestroyed", "port destroyed");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  // Both are sent once the server answers again, in order, each once.
  const auto items = sent(recorder);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_NE(find_reason(items, "PortRecycled"), nullptr);
  EXPECT_NE(find_reason(items, "PortDestroyed"), nullptr);
  EXPECT_LE((*find_reason(items, "PortRecycled"))["firstTimestamp"].get<std::string>(),
            (*find_reason(items, "PortDestroyed"))["firstTimestamp"].get<std::string>());
  EXPECT_TRUE(log_.lines.empty());
}

TEST_F(EventRecorderAgainstEmulator, AFullQueueDropsAfterAShortWaitAndSaysSo) {
  EventRecorder recorder(emulator_.client(), "zenlayer-port-operator", "pod", log_.sink(),
                         {.queue_capacity = 1, .wait_for_room = std::chrono::milliseconds(500)});
  // The server answers nothing for 3 s, longer than the waits for room below: the sender still holds "First"
  // when "Third" gives up.
  emulator_.admin("POST", "pause", {{"seconds", 3}});
  recorder.record(object_, EventType::Normal, "First", "taken by the sender, which waits for the server");
  // Room for "Second" comes once the sender takes "First" off the queue: no sleep needed, the wait covers it.
  recorder.record(object_, EventType::Normal, "Second", "queued");
  const auto start = std::chrono::steady_clock::now();
  recorder.record(object_, EventType::Normal, "Third", "no room");
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, std::chrono::milliseconds(500));   // back-pressure first
  EXPECT_LT(waited, std::chrono::milliseconds(1500));  // then dropped, while the server is still paused
  const auto items = sent(recorder);
  EXPECT_EQ(items.size(), 2u);
  EXPECT_NE(find_reason(items, "Second"), nullptr);
  EXPECT_EQ(find_reason(items, "Third"), nullptr);
  ASSERT_EQ(log_.lines.size(), 1u);
  EXPECT_EQ(log_.lines[0].rfind("warn event dropped", 0), 0u) << log_.lines[0];
  EXPECT_NE(log_.lines[0].find("reason=Third"), std::string::npos);
  EXPECT_NE(log_.lines[0].find("object=default/lax-uplink"), std::string::npos);
}

TEST_F(EventRecorderAgainstEmulator, DestructionSendsWhatIsQueued) {
  {
    EventRecorder recorder(emulator_.client(), "zenlayer-port-operator", "pod", log_.sink());
    for (int i = 0; i < 20; ++i)
      recorder.record(object_, EventType::Normal, "Reason" + std::to_string(i), "message");
  }
  EXPECT_EQ(events(emulator_).size(), 20u);
  EXPECT_TRUE(log_.lines.empty());
}

TEST_F(EventRecorderAgainstEmulator, DestructionGivesUpOnAStuckServerInBoundedTime) {
  const auto start = std::chrono::steady_clock::now();
  {
    EventRecorder recorder(emulator_.client(), "zenlayer-port-operator", "pod", log_.sink(),
                           {.drain_on_stop = std::chrono::milliseconds(200)});
    emulator_.admin("POST", "pause", {{"seconds", 3}});
    for (int i = 0; i < 5; ++i)
      recorder.record(object_, EventType::Normal, "Reason" + std::to_string(i), "message");
  }
  // One request in flight (answered when the pause ends), the rest dropped with one log line.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(events(emulator_).size(), 1u);
  ASSERT_EQ(log_.lines.size(), 1u);
  EXPECT_EQ(log_.lines[0], "warn events dropped at shutdown count=4");
}

// While the process is busy, Events wait; they go out, in order and whole, once it is not.
TEST_F(EventRecorderAgainstEmulator, WhileBusyEventsWaitAndGoOutInOrderWhenTheBurstEnds) {
  std::atomic<bool> busy{true};
  EventRecorder recorder(emulator_.client(), "zenlayer-port-operator", "pod", log_.sink(),
                         {.busy = [&busy] { return busy.load(); }, .max_hold = std::chrono::seconds(60)});
  recorder.record(object_, EventType::Normal, "TerminateRequested", "TerminatePort accepted for port p-1");
  recorder.record(object_, EventType::Warning, "DeletionStuck", "still RUNNING after 10m");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_TRUE(events(emulator_).empty());
  busy = false;
  const auto items = sent(recorder);
  ASSERT_EQ(items.size(), 2u);
  const json* first = find_reason(items, "TerminateRequested");
  const json* second = find_reason(items, "DeletionStuck");
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ((*first)["type"], "Normal");
  EXPECT_EQ((*first)["message"], "TerminatePort accepted for port p-1");
  EXPECT_EQ((*first)["involvedObject"]["uid"], object_["metadata"]["uid"]);
  EXPECT_EQ((*first)["involvedObject"]["resourceVersion"], object_["metadata"]["resourceVersion"]);
  EXPECT_EQ((*second)["type"], "Warning");
  EXPECT_LE((*first)["firstTimestamp"].get<std::string>(), (*second)["firstTimestamp"].get<std::string>());
  EXPECT_TRUE(log_.lines.empty());
}

// A burst that does not end does not hold an Event longer than max_hold.
TEST_F(EventRecorderAgainstEmulator, AnEventWaitsNoLongerThanMaxHold) {
  EventRecorder recorder(emulator_.client(), "zenlayer-port-operator", "pod", log_.sink(),
                         {.busy = [] { return true; }, .max_hold = std::chrono::milliseconds(400)});
  const auto start = std::chrono::steady_clock::now();
  recorder.record(object_, EventType::Normal, "PortRecycled", "port is in the recycle bin");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_TRUE(events(emulator_).empty());
  EXPECT_EQ(sent(recorder).size(), 1u);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(400));
  EXPECT_LT(took, std::chrono::seconds(3));
}

// Nor while the queue is three quarters full: holding more would drop Events.
TEST_F(EventRecorderAgainstEmulator, AQueueThreeQuartersFullIsSentEvenWhileBusy) {
  EventRecorder recorder(
      emulator_.client(), "zenlayer-port-operator", "pod", log_.sink(),
      {.queue_capacity = 4, .busy = [] { return true; }, .max_hold = std::chrono::seconds(60)});
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i)
    recorder.record(object_, EventType::Normal, "Reason" + std::to_string(i), "message");
  // The queue drains to two, below three quarters; those two wait out the burst (here, the test's end).
  EXPECT_TRUE(k2test::eventually([&] { return events(emulator_).size() == 1u; }, std::chrono::seconds(3)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(events(emulator_).size(), 1u);
}

}  // namespace
