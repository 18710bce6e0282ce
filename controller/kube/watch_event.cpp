#include "kube/watch_event.hpp"

#include <cstdint>
#include <stdexcept>
#include <utility>

namespace zpo::kube {

namespace detail {

namespace {

// metav1.Status.code, an int32; 0 when absent or not one. json::value("code", 0) would convert 1e300 to int
// (undefined behaviour) and wrap 4294967706 to 410.
int status_code(const nlohmann::json& status) {
  const auto code = status.is_object() ? status.find("code") : status.end();
  if (code == status.end()) return 0;
  if (code->is_number_unsigned()) {
    const auto value = code->get<std::uint64_t>();
    return std::in_range<int>(value) ? static_cast<int>(value) : 0;
  }
  if (code->is_number_integer()) {
    const auto value = code->get<std::int64_t>();
    return std::in_range<int>(value) ? static_cast<int>(value) : 0;
  }
  return 0;
}

}  // namespace

std::string text_at(const nlohmann::json& object, const char* pointer) {
  const nlohmann::json::json_pointer ptr(pointer);
  if (!object.contains(ptr)) return {};
  const nlohmann::json& value = object.at(ptr);
  return value.is_string() ? value.get<std::string>() : std::string();
}

WatchEventOutcome apply_watch_event(InformerCache& cache, const WatchEvent& event) {
  WatchEventOutcome outcome;
  if (event.type == "ERROR") {
    // The object is a metav1.Status; 410 means our resourceVersion fell out of the server's history.
    outcome.error_code = status_code(event.object);
    outcome.kind =
        outcome.error_code == 410 ? WatchEventOutcome::Kind::Relist : WatchEventOutcome::Kind::Failed;
    outcome.error_message = text_at(event.object, "/message");
    return outcome;
  }
  outcome.resource_version = text_at(event.object, "/metadata/resourceVersion");
  if (event.type == "BOOKMARK") {
    outcome.kind = WatchEventOutcome::Kind::Bookmark;
    return outcome;
  }
  outcome.key = object_key(event.object);
  if (event.type == "ADDED" || event.type == "MODIFIED") {
    outcome.echo = cache.holds(outcome.key, resource_version_of(event.object));
    cache.upsert(event.object);
  } else if (event.type == "DELETED") {
    cache.erase(event.object);
  } else {
    throw std::runtime_error("unknown watch event type " + event.type);
  }
  return outcome;
}

}  // namespace detail

std::string object_key(const nlohmann::json& object) {
  const std::string name = detail::text_at(object, "/metadata/name");
  if (name.empty()) throw std::invalid_argument("object_key: the object has no metadata.name");
  const std::string ns = detail::text_at(object, "/metadata/namespace");
  return ns.empty() ? name : ns + "/" + name;
}

}  // namespace zpo::kube
