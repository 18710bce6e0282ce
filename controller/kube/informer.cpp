#include "kube/informer.hpp"

#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <utility>

#include "kube/watch_backoff.hpp"
#include "kube/watch_event.hpp"

namespace zpo::kube {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using detail::text_at;

// A watch that ends normally this soon without a single event is treated as a failure, so a server that keeps
// closing streams at once cannot spin us (client-go's reflector applies the same rule).
constexpr auto kShortWatch = std::chrono::seconds(1);
// Beyond the server's own timeoutSeconds, how long a silent stream is given before it counts as dead.
constexpr auto kIdleMargin = std::chrono::seconds(30);

char query_separator(const std::string& path) {
  return path.find('?') == std::string::npos ? '?' : '&';
}

}  // namespace

Informer::Informer(RestClient& client, InformerOptions options)
    : client_(client), options_(std::move(options)) {}

void Informer::on_change(ChangeHandler handler) {
  handler_ = std::move(handler);
}

bool Informer::has_synced() const {
  return synced_.load();
}

std::size_t Informer::relists() const {
  return relists_.load();
}

std::optional<json> Informer::get(const std::string& key) const {
  return cache_.get(key);
}

std::optional<std::uint64_t> Informer::resource_version(const std::string& key) const {
  return cache_.version_of(key);
}

std::vector<std::string> Informer::keys() const {
  return cache_.keys();
}

bool Informer::observe_write(const json& object) {
  if (options_.label_selector.matches_object(object)) return cache_.upsert(object);
  // Relabelled out of our shard by this write. Removed only if the cache holds nothing newer: the watch may
  // already have delivered a later version that brought it back in.
  return cache_.erase(object);
}

void Informer::observe_deleted(const std::string& key) {
  cache_.erase_key(key);
}

void Informer::run(const std::stop_token& stop) {
  detail::WatchBackoff backoff;
  std::mutex sleep_mutex;
  std::condition_variable_any sleep_cv;
  const auto pause = [&](std::chrono::milliseconds delay) {
    std::unique_lock lock(sleep_mutex);
    sleep_cv.wait_for(lock, stop, delay, [] { return false; });
  };

  bool need_list = true;
  while (!stop.stop_requested()) {
    if (need_list) {
      try {
        const auto version = list_and_replace(stop);
        if (!version) return;
        resource_version_ = *version;
        need_list = false;
      } catch (const std::exception& e) {  // StatusError, TransportError, a malformed list
        const auto delay = backoff.next();
        log("warn", "list failed; retrying",
            {{"error", e.what()}, {"retryInMs", std::to_string(delay.count())}});
        pause(delay);
        continue;
      }
    }
    bool healthy = false;
    const WatchEnd end = watch_once(stop, healthy);
    if (end == WatchEnd::Stopped) return;
    if (healthy) backoff.reset();
    if (end == WatchEnd::Relist) need_list = true;
    // A failed watch, or a stream that ended (or expired) at once, waits before the next request.
    if (end == WatchEnd::Failed || !healthy) pause(backoff.next());
  }
}

std::optional<std::string> Informer::list_and_replace(const std::stop_token& stop) {
  // Each page is turned into cache entries as it arrives: the whole collection is never held as JSON trees.
  std::vector<detail::InformerCache::Entry> items;
  std::string continue_token;
  std::string version;
  do {
    if (stop.stop_requested()) return std::nullopt;
    std::string path = with_selector(options_.collection_path);
    if (options_.list_page_size > 0) {
      path += query_separator(path) + std::string("limit=") + std::to_string(options_.list_page_size);
    }
    if (!continue_token.empty())
      path += query_separator(path) + std::string("continue=") + query_escape(continue_token);
    json page = client_.get(path);
    if (!page.is_object() || !page.contains("items") ||
        !(page["items"].is_array() || page["items"].is_null())) {
      throw std::runtime_error("list reply from " + options_.collection_path + " has no items");
    }
    // Items of a list may omit apiVersion and kind; the Event recorder and the reconciler need them.
    std::string kind = text_at(page, "/kind");
    if (kind.ends_with("List")) kind.resize(kind.size() - 4);
    const std::string api_version = text_at(page, "/apiVersion");
    if (page["items"].is_array()) {
      for (json& item : page["items"]) {
        if (!item.contains("kind") && !kind.empty()) item["kind"] = kind;
        if (!item.contains("apiVersion") && !api_version.empty()) item["apiVersion"] = api_version;
        items.push_back(detail::InformerCache::entry_of(item));
      }
    }
    version = text_at(page, "/metadata/resourceVersion");
    continue_token = text_at(page, "/metadata/continue");
  } while (!continue_token.empty());

  const std::size_t listed = items.size();
  const std::vector<std::string> changed = cache_.replace_entries(std::move(items));
  if (synced_.exchange(true)) {
    ++relists_;
    log("info", "re-listed",
        {{"objects", std::to_string(listed)},
         {"changed", std::to_string(changed.size())},
         {"resourceVersion", version}});
  }
  for (const std::string& key : changed)
    notify(key);
  return version;
}

Informer::WatchEnd Informer::watch_once(const std::stop_token& stop, bool& healthy) {
  const std::string collection = with_selector(options_.collection_path);
  const std::string path =
      collection + query_separator(collection) +
      "watch=true&allowWatchBookmarks=true&resourceVersion=" + query_escape(resource_version_) +
      "&timeoutSeconds=" + std::to_string(options_.watch_timeout.count());
  // Our own stop source, so an ERROR event (or a bad one) can end the stream without ending run().
  std::stop_source watch_stop;
  const std::stop_callback forward(stop, [&watch_stop] { watch_stop.request_stop(); });
  bool relist = false;
  bool failed = false;
  std::size_t events = 0;
  const auto started = Clock::now();
  try {
    client_.watch(
        path,
        [&](const WatchEvent& event) {
          if (relist || failed) return;
          try {
            handle_event(event, relist, failed);
          } catch (const std::exception& e) {  // a malformed event: start over from the last good version
            log("warn", "bad watch event", {{"type", event.type}, {"error", e.what()}});
            failed = true;
          }
          if (relist || failed) {
            watch_stop.request_stop();
          } else {
            ++events;  // only events that moved us forward make a watch healthy
          }
        },
        watch_stop.get_token(), options_.watch_timeout + kIdleMargin);
  } catch (const StatusError& e) {
    if (stop.stop_requested()) return WatchEnd::Stopped;
    if (e.gone()) {
      log("info", "watch resourceVersion expired; re-listing", {{"resourceVersion", resource_version_}});
      return WatchEnd::Relist;
    }
    log("warn", "watch refused", {{"code", std::to_string(e.code())}, {"error", e.what()}});
    return WatchEnd::Failed;
  } catch (const std::exception& e) {  // TransportError: connection refused or dropped, idle timeout
    if (stop.stop_requested()) return WatchEnd::Stopped;
    log("warn", "watch failed", {{"error", e.what()}});
    return WatchEnd::Failed;
  }
  if (stop.stop_requested()) return WatchEnd::Stopped;
  healthy = !failed && (events > 0 || Clock::now() - started >= kShortWatch);
  if (relist) return WatchEnd::Relist;
  if (failed) return WatchEnd::Failed;
  return WatchEnd::Resume;
}

void Informer::handle_event(const WatchEvent& event, bool& relist, bool& failed) {
  using Kind = detail::WatchEventOutcome::Kind;
  const auto outcome = detail::apply_watch_event(cache_, event);
  switch (outcome.kind) {
    case Kind::Relist:
      log("info", "watch expired; re-listing", {{"resourceVersion", resource_version_}});
      relist = true;
      return;
    case Kind::Failed:
      log("warn", "watch error event",
          {{"code", std::to_string(outcome.error_code)}, {"error", outcome.error_message}});
      failed = true;
      return;
    case Kind::Bookmark:
    case Kind::Applied:
      break;
  }
  if (!outcome.resource_version.empty()) resource_version_ = outcome.resource_version;
  // Every event wakes the handler, even one the cache ignored as older than our own write: a missed wake-up
  // leaves an object stuck. Only the echo of our own write does not (at 10,000 ports, 5 reconciles per port
  // that would re-read what they wrote).
  if (outcome.kind == Kind::Applied && !outcome.echo) notify(outcome.key);
}

std::string Informer::with_selector(const std::string& path) const {
  if (options_.label_selector.selects_everything()) return path;
  return path + query_separator(path) + "labelSelector=" + query_escape(options_.label_selector.text());
}

void Informer::notify(const std::string& key) const {
  if (!handler_) return;
  try {
    handler_(key);
  } catch (const std::exception& e) {
    log("error", "change handler threw", {{"key", key}, {"error", e.what()}});
  }
}

void Informer::log(std::string_view level, std::string_view message, LogFields fields) const {
  if (!options_.log) return;
  fields.emplace_back("collection", options_.collection_path);
  if (!options_.label_selector.selects_everything())
    fields.emplace_back("labelSelector", options_.label_selector.text());
  options_.log(level, message, fields);
}

}  // namespace zpo::kube
