#include "kube/finalizer_patch.hpp"

#include <stdexcept>
#include <string>

namespace zpo::kube {

namespace {

using nlohmann::json;

// metadata.finalizers when it is a list; null when the object has none (absent or null).
const json* finalizers_of(const json& object) {
  const auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return nullptr;
  const auto finalizers = metadata->find("finalizers");
  if (finalizers == metadata->end() || !finalizers->is_array()) return nullptr;
  return &*finalizers;
}

}  // namespace

bool has_finalizer(const json& object, std::string_view finalizer) {
  const json* finalizers = finalizers_of(object);
  if (finalizers == nullptr) return false;
  for (const json& f : *finalizers) {
    if (f.is_string() && f.get_ref<const std::string&>() == finalizer) return true;
  }
  return false;
}

std::optional<json> add_finalizer_patch(const json& object, std::string_view finalizer) {
  if (has_finalizer(object, finalizer)) return std::nullopt;
  const json* finalizers = finalizers_of(object);
  if (finalizers != nullptr) {
    // The list we read must still be the list on the server; otherwise someone else changed it and we
    // re-read.
    return json::array({{{"op", "test"}, {"path", "/metadata/finalizers"}, {"value", *finalizers}},
                        {{"op", "add"}, {"path", "/metadata/finalizers/-"}, {"value", finalizer}}});
  }
  // A `test` on a missing path fails whatever its value (RFC 6902 and nlohmann alike), so "still no
  // finalizers" cannot be tested directly: the object's resourceVersion guards it instead (any change since
  // our read fails).
  static const json::json_pointer rv_path("/metadata/resourceVersion");
  if (!object.contains(rv_path) || !object.at(rv_path).is_string()) {
    throw std::invalid_argument(
        "add_finalizer_patch: the object has no metadata.resourceVersion to guard on");
  }
  return json::array(
      {{{"op", "test"}, {"path", "/metadata/resourceVersion"}, {"value", object.at(rv_path)}},
       {{"op", "add"}, {"path", "/metadata/finalizers"}, {"value", json::array({finalizer})}}});
}

std::optional<json> remove_finalizer_patch(const json& object, std::string_view finalizer) {
  const json* finalizers = finalizers_of(object);
  if (finalizers == nullptr) return std::nullopt;
  json patch = json::array();
  // Every occurrence goes (a list may hold one twice); from the end, so earlier indices stay valid as we
  // remove.
  for (std::size_t i = finalizers->size(); i-- > 0;) {
    const json& f = (*finalizers)[i];
    if (!f.is_string() || f.get_ref<const std::string&>() != finalizer) continue;
    const std::string path = "/metadata/finalizers/" + std::to_string(i);
    patch.push_back({{"op", "test"}, {"path", path}, {"value", finalizer}});
    patch.push_back({{"op", "remove"}, {"path", path}});
  }
  if (patch.empty()) return std::nullopt;
  return patch;
}

}  // namespace zpo::kube
