#pragma once
// The body of a watch reply: one JSON watch event per line, arriving in pieces of any size. Kept apart from
// the connection so that the splitting and decoding are tested (and fuzzed) without a server.

#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "kube/rest_client.hpp"

namespace zpo::kube {

// One line of a watch body. nullopt for a blank line; trailing '\r' and spaces are ignored. Throws
// TransportError when the line is not a JSON object with a string "type" (the message gives its size, never
// its content: an object may carry anything).
std::optional<WatchEvent> parse_watch_line(std::string_view line);

class WatchLineSplitter {
 public:
  using Handler = std::function<void(const WatchEvent&)>;

  // Where the connection appends the bytes it reads.
  std::string& buffer() { return pending_; }

  // Delivers every complete line of the buffer in order and keeps the incomplete rest. Returns false when
  // `stop` was requested after a delivery (the lines after it are dropped with the stream).
  bool deliver_complete(const Handler& on_event, const std::stop_token& stop);
  // The stream ended: a last line without its newline still counts.
  void deliver_rest(const Handler& on_event);

 private:
  std::string pending_;
};

}  // namespace zpo::kube
