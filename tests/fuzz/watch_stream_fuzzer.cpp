// A watch body as the API server (or anything between it and us) might send it: the line splitter and decoder
// of RestClient::watch, then each event through the informer's handling into its cache. Beyond "no crash",
// the bytes are delivered twice, at once and in pieces of varying size (as reads return them): both must give
// the same events and the same error at the same place. The cache must hold what an ADDED or MODIFIED event
// stored, and its keys must be the keys of its objects.

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "kube/watch_event.hpp"
#include "kube/watch_stream.hpp"

namespace {

using zpo::kube::WatchEvent;
using zpo::kube::WatchLineSplitter;
using zpo::kube::detail::InformerCache;

[[noreturn]] void fail(const std::string& why) {
  std::cerr << "invariant violated: " << why << "\n";
  std::abort();
}

struct Delivery {
  std::vector<WatchEvent> events;
  bool malformed = false;  // the stream was refused (TransportError) after `events`
};

// Feeds the body in pieces whose sizes come from `seed` (0: all at once), as the watch loop does.
Delivery deliver(std::string_view body, std::uint32_t seed) {
  Delivery out;
  WatchLineSplitter lines;
  const auto collect = [&out](const WatchEvent& event) { out.events.push_back(event); };
  const std::stop_token never;
  try {
    std::size_t at = 0;
    while (at < body.size()) {
      std::size_t piece = body.size() - at;
      if (seed != 0) {
        seed = seed * 1103515245u + 12345u;
        piece = std::min<std::size_t>(piece, 1 + (seed >> 16) % 64);
      }
      lines.buffer().append(body.substr(at, piece));
      at += piece;
      if (!lines.deliver_complete(collect, never)) fail("stopped without a stop request");
    }
    lines.deliver_rest(collect);
  } catch (const zpo::kube::TransportError&) {
    out.malformed = true;
  }
  return out;
}

void check_same(const Delivery& a, const Delivery& b) {
  if (a.malformed != b.malformed || a.events.size() != b.events.size()) fail("pieces change the outcome");
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    if (a.events[i].type != b.events[i].type || a.events[i].object != b.events[i].object) {
      fail("pieces change event " + std::to_string(i));
    }
  }
}

void apply(const std::vector<WatchEvent>& events) {
  using Kind = zpo::kube::detail::WatchEventOutcome::Kind;
  InformerCache cache;
  for (const auto& event : events) {
    zpo::kube::detail::WatchEventOutcome outcome;
    try {
      outcome = zpo::kube::detail::apply_watch_event(cache, event);
    } catch (const std::exception&) {
      continue;  // the informer logs it and starts a new watch from the last good version
    }
    if (outcome.kind == Kind::Applied && (event.type == "ADDED" || event.type == "MODIFIED") &&
        !cache.get(outcome.key)) {
      fail("an added object is not in the cache");
    }
    if (outcome.kind == Kind::Relist && outcome.error_code != 410) fail("relist without 410");
  }
  const auto keys = cache.keys();
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i > 0 && !(keys[i - 1] < keys[i])) fail("keys not sorted and unique");
    const auto object = cache.get(keys[i]);
    if (!object || zpo::kube::object_key(*object) != keys[i]) fail("a key that is not its object's");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto whole = deliver(body, 0);
  check_same(whole, deliver(body, static_cast<std::uint32_t>(size) | 1u));
  apply(whole.events);
  return 0;
}
