// The watch body's line splitter and the informer's handling of one event, without a server; and the cases
// the fuzz targets of tests/fuzz found.
#include "kube/watch_stream.hpp"

#include <gtest/gtest.h>

#include "kube/watch_event.hpp"

namespace {

using nlohmann::json;
using zpo::kube::TransportError;
using zpo::kube::WatchEvent;
using zpo::kube::WatchLineSplitter;
using zpo::kube::detail::apply_watch_event;
using zpo::kube::detail::InformerCache;
using Kind = zpo::kube::detail::WatchEventOutcome::Kind;

std::vector<std::string> types_of(const std::vector<WatchEvent>& events) {
  std::vector<std::string> types;
  for (const auto& event : events)
    types.push_back(event.type);
  return types;
}

TEST(WatchLineSplitter, DeliversEachLineOnceWhateverThePiecesAndKeepsTheRest) {
  const std::string body = R"({"type":"ADDED","object":{"metadata":{"name":"a"}}})"
                           "\r\n\n"
                           R"({"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"9"}}} )"
                           "\n"
                           R"({"type":"DELETED","object":{"metadata":{"name":"a"}}})";
  for (std::size_t piece = 1; piece <= body.size(); ++piece) {
    WatchLineSplitter lines;
    std::vector<WatchEvent> events;
    const auto collect = [&events](const WatchEvent& event) { events.push_back(event); };
    for (std::size_t at = 0; at < body.size(); at += piece) {
      lines.buffer().append(body.substr(at, piece));
      ASSERT_TRUE(lines.deliver_complete(collect, {}));
    }
    EXPECT_EQ(types_of(events), (std::vector<std::string>{"ADDED", "BOOKMARK"})) << "pieces of " << piece;
    lines.deliver_rest(collect);  // the last event had no newline
    EXPECT_EQ(types_of(events), (std::vector<std::string>{"ADDED", "BOOKMARK", "DELETED"}));
    EXPECT_EQ(events[0].object["metadata"]["name"], "a");
  }
}

TEST(WatchLineSplitter, StopsAfterTheEventDuringWhichStopWasRequested) {
  std::stop_source stop;
  WatchLineSplitter lines;
  lines.buffer() = "{\"type\":\"ADDED\"}\n{\"type\":\"MODIFIED\"}\n";
  int delivered = 0;
  EXPECT_FALSE(lines.deliver_complete(
      [&](const WatchEvent&) {
        ++delivered;
        stop.request_stop();
      },
      stop.get_token()));
  EXPECT_EQ(delivered, 1);
}

TEST(WatchLineSplitter, ALineThatIsNotAnEventIsATransportErrorThatDoesNotQuoteIt) {
  for (const char* line : {"not json", "[1,2]", R"({"object":{}})", R"({"type":7})", R"({"type":"ADDED")"}) {
    WatchLineSplitter lines;
    lines.buffer() = std::string(line) + "\n";
    try {
      lines.deliver_complete([](const WatchEvent&) {}, {});
      ADD_FAILURE() << line;
    } catch (const TransportError& e) {
      EXPECT_EQ(std::string(e.what()).find(line), std::string::npos) << e.what();
    }
  }
}

TEST(ApplyWatchEvent, StoresAddsAndDeletesAndTellsTheResumeVersion) {
  InformerCache cache;
  const json object = {{"metadata", {{"name", "a"}, {"namespace", "ns"}, {"resourceVersion", "5"}}}};
  const auto added = apply_watch_event(cache, WatchEvent{"ADDED", object});
  EXPECT_EQ(added.kind, Kind::Applied);
  EXPECT_EQ(added.key, "ns/a");
  EXPECT_EQ(added.resource_version, "5");
  EXPECT_TRUE(cache.get("ns/a"));
  const auto bookmark =
      apply_watch_event(cache, WatchEvent{"BOOKMARK", {{"metadata", {{"resourceVersion", "7"}}}}});
  EXPECT_EQ(bookmark.kind, Kind::Bookmark);
  EXPECT_EQ(bookmark.resource_version, "7");
  EXPECT_EQ(apply_watch_event(cache, WatchEvent{"DELETED", object}).kind, Kind::Applied);
  EXPECT_FALSE(cache.get("ns/a"));
  EXPECT_THROW(apply_watch_event(cache, WatchEvent{"RENAMED", object}), std::runtime_error);
  EXPECT_THROW(apply_watch_event(cache, WatchEvent{"ADDED", json::object()}), std::invalid_argument);
}

// The echo of our own write (the cache holds that very version) wakes nobody; anything else does, including
// an event older than our write: it carries a change the decision behind the write did not see.
TEST(ApplyWatchEvent, OnlyTheEchoOfTheCachedVersionIsAnEcho) {
  InformerCache cache;
  const auto at = [](const char* version, const char* phase) {
    return json{{"metadata", {{"name", "a"}, {"namespace", "ns"}, {"resourceVersion", version}}},
                {"status", {{"phase", phase}}}};
  };
  EXPECT_FALSE(apply_watch_event(cache, WatchEvent{"ADDED", at("5", "Ready")}).echo) << "new to the cache";
  cache.upsert(at("7", "Terminating"));  // our write's reply, stored before its watch event comes
  EXPECT_FALSE(apply_watch_event(cache, WatchEvent{"MODIFIED", at("6", "Ready")}).echo) << "older: wakes";
  EXPECT_TRUE(apply_watch_event(cache, WatchEvent{"MODIFIED", at("7", "Terminating")}).echo);
  EXPECT_FALSE(apply_watch_event(cache, WatchEvent{"MODIFIED", at("8", "Terminating")}).echo);
  EXPECT_FALSE(apply_watch_event(cache, WatchEvent{"DELETED", at("8", "Terminating")}).echo);
  const json unversioned = {{"metadata", {{"name", "b"}, {"namespace", "ns"}}}};
  cache.upsert(unversioned);
  EXPECT_FALSE(apply_watch_event(cache, WatchEvent{"MODIFIED", unversioned}).echo) << "not comparable: wakes";
}

TEST(ApplyWatchEvent, Error410RelistsAndAnyOtherErrorFails) {
  InformerCache cache;
  const auto expired = apply_watch_event(cache, WatchEvent{"ERROR", {{"code", 410}, {"message", "too old"}}});
  EXPECT_EQ(expired.kind, Kind::Relist);
  const auto failed = apply_watch_event(cache, WatchEvent{"ERROR", {{"code", 500}, {"message", "boom"}}});
  EXPECT_EQ(failed.kind, Kind::Failed);
  EXPECT_EQ(failed.error_code, 500);
  EXPECT_EQ(failed.error_message, "boom");
  EXPECT_EQ(apply_watch_event(cache, WatchEvent{"ERROR", {{"code", "410"}}}).kind, Kind::Failed);
  EXPECT_EQ(apply_watch_event(cache, WatchEvent{"ERROR", json::array()}).kind, Kind::Failed);
}

// Found by tests/fuzz (watch_stream): json::value("code", 0) converted a Status code of 1e300 to int, which
// is undefined behaviour (UBSan: "1e+300 is outside the range of representable values of type 'int'"), and
// wrapped 4294967706 to 410, which would have re-listed on a code the server never sent.
TEST(ApplyWatchEvent, AStatusCodeThatIsNotAnInt32CountsAsNone) {
  InformerCache cache;
  for (const json& code : {json(1e300), json(410.0), json(4294967706ULL), json(-4294966886LL)}) {
    const auto outcome = apply_watch_event(cache, WatchEvent{"ERROR", {{"code", code}}});
    EXPECT_EQ(outcome.kind, Kind::Failed) << code;
    EXPECT_EQ(outcome.error_code, 0) << code;
  }
}

}  // namespace
