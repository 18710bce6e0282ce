// The Event recorder against the real kube-emulator binary: the first occurrence creates a core/v1 Event with
// the fields `kubectl get events` shows, a repeat patches its count, anything else creates another, and
// failures are logged, never thrown.
#include <gtest/gtest.h>

#include <mutex>
#include <regex>

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
  KubeEmulator emulator_;
  CapturedLog log_;
  json object_;
};

TEST_F(EventRecorderAgainstEmulator, CreatesAnEventWithTheFieldsKubectlShows) {
  EventRecorder recorder(emulator_.client(), "zenlayer-port-operator", "operator-pod-1", log_.sink());
  recorder.record(object_, EventType::Warning, "TerminateBlocked", "port is PREPAID until 2027-01-01");
  const auto items = events(emulator_);
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
  auto items = events(emulator_);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["count"], 2);
  EXPECT_GE(items[0]["lastTimestamp"].get<std::string>(), items[0]["firstTimestamp"].get<std::string>());
  recorder.record(object_, EventType::Warning, "TerminateBlocked", "prepaid");
  EXPECT_EQ(events(emulator_)[0]["count"], 3);

  recorder.record(object_, EventType::Normal, "Terminating", "TerminatePort accepted");
  recorder.record(object_, EventType::Normal, "TerminateBlocked", "prepaid");  // another type
  recorder.record(object_, EventType::Warning, "TerminateBlocked",
                  "prepaid until tomorrow");  // another message
  items = events(emulator_);
  ASSERT_EQ(items.size(), 4u);
  const json* terminating = find_reason(items, "Terminating");
  ASSERT_NE(terminating, nullptr);
  EXPECT_EQ((*terminating)["count"], 1);
  EXPECT_EQ((*terminating)["type"], "Normal");
}

TEST_F(EventRecorderAgainstEmulator, ADeletedEventIsCreatedAgain) {
  EventRecorder recorder(emulator_.client(), "zenlayer-port-operator", "pod", log_.sink());
  recorder.record(object_, EventType::Normal, "Destroyed", "port destroyed");
  const std::string first = events(emulator_)[0]["metadata"]["name"];
  emulator_.client().remove(std::string(kEvents) + "/" + first);
  recorder.record(object_, EventType::Normal, "Destroyed", "port destroyed");
  const auto items = events(emulator_);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_NE(items[0]["metadata"]["name"], first);
  EXPECT_EQ(items[0]["count"], 1);
  // And it aggregates from then on.
  recorder.record(object_, EventType::Normal, "Destroyed", "port destroyed");
  EXPECT_EQ(events(emulator_)[0]["count"], 2);
}

TEST_F(EventRecorderAgainstEmulator, LongMessagesAreTruncatedTo1024Bytes) {
  EventRecorder recorder(emulator_.client(), "zenlayer-port-operator", "pod", log_.sink());
  recorder.record(object_, EventType::Warning, "Failed", std::string(5000, 'x'));
  EXPECT_EQ(events(emulator_)[0]["message"].get<std::string>(), std::string(1024, 'x'));
}

TEST_F(EventRecorderAgainstEmulator, FailuresAreLoggedNotThrown) {
  EventRecorder recorder(emulator_.client(), "zenlayer-port-operator", "pod", log_.sink());
  emulator_.admin("PUT", "faults", {{"errorRate", 1.0}, {"errorCode", 500}});
  EXPECT_NO_THROW(recorder.record(object_, EventType::Warning, "Failed", "cloud unreachable"));
  emulator_.admin("PUT", "faults", {{"errorRate", 0.0}});
  ASSERT_EQ(log_.lines.size(), 1u);
  EXPECT_EQ(log_.lines[0].rfind("warn event create failed", 0), 0u) << log_.lines[0];
  EXPECT_NE(log_.lines[0].find("reason=Failed"), std::string::npos);
  EXPECT_TRUE(events(emulator_).empty());
  // Nothing was remembered: the next occurrence creates the Event.
  recorder.record(object_, EventType::Warning, "Failed", "cloud unreachable");
  const auto items = events(emulator_);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["count"], 1);
}

}  // namespace
