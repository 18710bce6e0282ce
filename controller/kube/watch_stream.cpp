#include "kube/watch_stream.hpp"

#include <nlohmann/json.hpp>

namespace zpo::kube {

std::optional<WatchEvent> parse_watch_line(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
    line.remove_suffix(1);
  if (line.empty()) return std::nullopt;
  auto event = nlohmann::json::parse(line, nullptr, false);
  if (!event.is_object() || !event.contains("type") || !event["type"].is_string()) {
    throw TransportError("a watch event (" + std::to_string(line.size()) + " bytes) is not JSON");
  }
  return WatchEvent{event["type"].get<std::string>(), event.value("object", nlohmann::json::object())};
}

bool WatchLineSplitter::deliver_complete(const Handler& on_event, const std::stop_token& stop) {
  std::size_t start = 0;
  for (auto end = pending_.find('\n'); end != std::string::npos; end = pending_.find('\n', start)) {
    const auto event = parse_watch_line(std::string_view(pending_).substr(start, end - start));
    start = end + 1;
    if (event) on_event(*event);
    if (stop.stop_requested()) return false;
  }
  pending_.erase(0, start);
  return true;
}

void WatchLineSplitter::deliver_rest(const Handler& on_event) {
  const auto event = parse_watch_line(pending_);
  pending_.clear();
  if (event) on_event(*event);
}

}  // namespace zpo::kube
