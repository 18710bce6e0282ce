#pragma once
// The informer's store: objects by key, with the rules that keep it from going backwards. A watch or list may
// deliver a version older than one our own write already put here (the write's reply races the watch stream),
// so an object is only replaced by a newer resourceVersion, compared as integers as client-go's informers do
// for their write-through. Private to zpo_kube; header-only because the library's source list is fixed.
//
// Objects are kept as compact JSON text, not as nlohmann::json trees: a tree costs a heap node per value
// (10,000 ZenlayerPorts with their status: about 60 MiB as trees, 11 MiB as text), and the operator holds
// every resource of its shard. get() parses the text again (microseconds; once per reconcile).

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace zpo::kube {

std::string object_key(const nlohmann::json& object);

namespace detail {

// metadata.resourceVersion as an integer; nullopt when absent or not a decimal number (then the server's
// order is trusted: such an object always counts as newer).
inline std::optional<std::uint64_t> resource_version_of(const nlohmann::json& object) {
  const auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return std::nullopt;
  const auto rv = metadata->find("resourceVersion");
  if (rv == metadata->end() || !rv->is_string()) return std::nullopt;
  const std::string& text = rv->get_ref<const std::string&>();
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// True when `candidate` may replace `cached`: a strictly greater resourceVersion, or one that cannot be
// compared.
inline bool newer_than(const nlohmann::json& candidate, const nlohmann::json& cached) {
  const auto a = resource_version_of(candidate);
  const auto b = resource_version_of(cached);
  return !a || !b || *a > *b;
}

class InformerCache {
 public:
  using Version = std::optional<std::uint64_t>;
  // One object as the cache keeps it. Made before taking the lock (dumping costs microseconds per object).
  struct Entry {
    std::string key{};
    Version version{};
    std::string text{};  // the object, dumped compactly
  };
  static Entry entry_of(const nlohmann::json& object) {
    std::string text = object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    text.shrink_to_fit();
    return Entry{object_key(object), resource_version_of(object), std::move(text)};
  }

  // A complete list replaces the cache. Returns the keys that were added, changed (another resourceVersion)
  // or removed, sorted. A cached object newer than its listed version (our write, after the list's snapshot)
  // stays. The informer converts each page as it arrives, so a list never holds every object as a tree.
  std::vector<std::string> replace_entries(std::vector<Entry> items) {
    std::map<std::string, Entry*> listed;
    for (auto& item : items)
      listed.emplace(item.key, &item);
    std::vector<std::string> changed;
    const std::unique_lock lock(mutex_);
    for (auto it = objects_.begin(); it != objects_.end();) {
      if (!listed.contains(it->first)) {
        changed.push_back(it->first);
        it = objects_.erase(it);
      } else {
        ++it;
      }
    }
    for (const auto& [key, item] : listed) {
      if (stale_after_delete(key, item->version)) continue;
      const auto cached = objects_.find(key);
      if (cached == objects_.end()) {
        changed.push_back(key);
        objects_.emplace(key, Stored{item->version, std::move(item->text)});
      } else if (newer(item->version, cached->second.version)) {
        if (item->version != cached->second.version) changed.push_back(key);
        cached->second = Stored{item->version, std::move(item->text)};
      }
    }
    deleted_.clear();  // the list is authoritative: what it holds exists, what it lacks is gone
    std::sort(changed.begin(), changed.end());
    return changed;
  }
  std::vector<std::string> replace(const std::vector<nlohmann::json>& items) {
    std::vector<Entry> entries;
    entries.reserve(items.size());
    for (const auto& item : items)
      entries.push_back(entry_of(item));
    return replace_entries(std::move(entries));
  }

  // ADDED or MODIFIED (or our own write's reply): stored unless the cache holds the same or a newer version,
  // or we already saw this version of the object deleted. Returns whether it was stored.
  bool upsert(const nlohmann::json& object) {
    Entry entry = entry_of(object);
    const std::unique_lock lock(mutex_);
    if (stale_after_delete(entry.key, entry.version)) return false;
    const auto cached = objects_.find(entry.key);
    if (cached == objects_.end()) {
      objects_.emplace(std::move(entry.key), Stored{entry.version, std::move(entry.text)});
      return true;
    }
    if (!newer(entry.version, cached->second.version)) return false;
    cached->second = Stored{entry.version, std::move(entry.text)};
    return true;
  }

  // Whether the cache holds exactly `version` of `key` (a version that cannot be compared never matches).
  bool holds(const std::string& key, const Version& version) const {
    const std::shared_lock lock(mutex_);
    const auto cached = objects_.find(key);
    return version && cached != objects_.end() && cached->second.version == version;
  }

  // DELETED: removes the cached object unless it is newer than the deleted version (the name was re-created).
  // Returns whether it removed it.
  bool erase(const nlohmann::json& object) {
    const std::string key = object_key(object);
    const auto version = resource_version_of(object);
    const std::unique_lock lock(mutex_);
    deleted_.erase(key);
    const auto cached = objects_.find(key);
    if (cached == objects_.end() || !same_or_newer(version, cached->second.version)) return false;
    objects_.erase(cached);
    return true;
  }

  // We learnt of the deletion first-hand (a 404 after our delete). The watch may still deliver versions up to
  // the one we last knew; they must not bring the object back. The tombstone lasts until the watch's DELETED
  // event or the next list.
  void erase_key(const std::string& key) {
    const std::unique_lock lock(mutex_);
    const auto cached = objects_.find(key);
    if (cached == objects_.end()) return;
    deleted_[key] = cached->second.version;
    objects_.erase(cached);
  }

  std::optional<nlohmann::json> get(const std::string& key) const {
    std::string text;
    {
      const std::shared_lock lock(mutex_);
      const auto it = objects_.find(key);
      if (it == objects_.end()) return std::nullopt;
      text = it->second.text;
    }
    return nlohmann::json::parse(text);  // outside the lock: the workers and the watch do not wait on it
  }

  // The cached object's resourceVersion, without parsing the object; nullopt when absent or not a number.
  Version version_of(const std::string& key) const {
    const std::shared_lock lock(mutex_);
    const auto it = objects_.find(key);
    return it == objects_.end() ? std::nullopt : it->second.version;
  }

  std::vector<std::string> keys() const {
    std::vector<std::string> out;
    {
      const std::shared_lock lock(mutex_);
      out.reserve(objects_.size());
      for (const auto& entry : objects_)
        out.push_back(entry.first);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  struct Stored {
    Version version{};
    std::string text{};
  };

  // newer_than() on versions already read: a version that cannot be compared counts as newer.
  static bool newer(const Version& candidate, const Version& cached) {
    return !candidate || !cached || *candidate > *cached;
  }

  // The converse of newer(), for deletes: the same version or a later one (or one that cannot be compared).
  static bool same_or_newer(const Version& candidate, const Version& cached) {
    return !candidate || !cached || *candidate >= *cached;
  }

  bool stale_after_delete(const std::string& key, const Version& version) const {
    const auto tombstone = deleted_.find(key);
    return tombstone != deleted_.end() && !newer(version, tombstone->second);
  }

  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, Stored> objects_;
  std::unordered_map<std::string, Version> deleted_;  // key → last version seen before our delete
};

}  // namespace detail
}  // namespace zpo::kube
