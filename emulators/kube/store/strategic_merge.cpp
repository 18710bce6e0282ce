#include "strategic_merge.hpp"

#include <algorithm>

#include "status_error.hpp"

namespace kubeemu {
namespace {

const std::string kPatch = "$patch";
const std::string kRetainKeys = "$retainKeys";
const std::string kSetOrder = "$setElementOrder/";
const std::string kDeleteFromList = "$deleteFromPrimitiveList/";

[[noreturn]] void invalid(const std::string& why) {
  throw StatusError(422, "Invalid", why);
}

class Merger {
 public:
  explicit Merger(const std::map<std::string, std::string>& keys) : keys_(keys) {}

  // Merges `patch` into `original`; returns false when the patch deletes the map (`$patch: delete`).
  bool merge_map(json& original, const json& patch, const std::string& path) const {
    if (!original.is_object()) original = json::object();
    if (auto d = patch.find(kPatch); d != patch.end()) {
      const std::string directive = d->is_string() ? d->get<std::string>() : "";
      if (directive == "delete") return false;
      if (directive == "replace") {
        original = without_directives(patch);
        return true;
      }
      if (directive != "merge") invalid("Unknown patch type: " + d->dump() + " in map: " + patch.dump());
    }
    if (auto r = patch.find(kRetainKeys); r != patch.end()) {
      if (!r->is_array()) invalid("$retainKeys must be a list of field names, got " + r->dump());
      for (auto it = original.begin(); it != original.end();) {
        if (std::find(r->begin(), r->end(), json(it.key())) == r->end())
          it = original.erase(it);
        else
          ++it;
      }
    }
    std::map<std::string, json> orders;
    for (const auto& [key, value] : patch.items()) {
      if (key == kPatch || key == kRetainKeys) continue;
      if (key.rfind(kDeleteFromList, 0) == 0) {
        delete_from_list(original, key.substr(kDeleteFromList.size()), value);
      } else if (key.rfind(kSetOrder, 0) == 0) {
        if (!value.is_array()) invalid("invalid type for " + key + ": " + value.dump());
        orders[key.substr(kSetOrder.size())] = value;
      } else if (value.is_null()) {
        original.erase(key);
      } else {
        merge_field(original, key, value, join(path, key));
      }
    }
    for (const auto& [field, order] : orders) {
      auto it = original.find(field);
      if (it != original.end() && it->is_array()) reorder(*it, order, key_of(join(path, field)));
    }
    return true;
  }

 private:
  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  const std::string* key_of(const std::string& path) const {
    auto it = keys_.find(path);
    return it == keys_.end() ? nullptr : &it->second;
  }

  void merge_field(json& original, const std::string& key, const json& value, const std::string& path) const {
    json& slot = original[key];
    if (value.is_object()) {
      if (!merge_map(slot, value, path)) original.erase(key);
      return;
    }
    const std::string* merge_key = key_of(path);
    if (value.is_array() && merge_key != nullptr) {
      if (!slot.is_array()) slot = json::array();
      merge_list(slot, value, *merge_key, path);
      return;
    }
    slot = value;
  }

  void merge_list(json& original, const json& patch, const std::string& merge_key,
                  const std::string& path) const {
    for (const auto& item : patch) {
      if (merge_key.empty() || !item.is_object()) {  // a merged list of scalars: a union
        if (std::find(original.begin(), original.end(), item) == original.end()) original.push_back(item);
        continue;
      }
      const std::string directive = item.value(kPatch, "");
      if (directive == "replace") {  // {"$patch": "replace"}: the rest of the patch list is the list
        json replaced = json::array();
        for (const auto& other : patch)
          if (!(other.is_object() && other.value(kPatch, "") == "replace"))
            replaced.push_back(without_directives(other));
        original = std::move(replaced);
        return;
      }
      auto key_value = item.find(merge_key);
      if (key_value == item.end())
        invalid("map: " + item.dump() + " does not contain declared merge key: " + merge_key);
      auto match = std::find_if(original.begin(), original.end(), [&](const json& e) {
        return e.is_object() && e.contains(merge_key) && e[merge_key] == *key_value;
      });
      if (directive == "delete") {
        if (match != original.end()) original.erase(match);
        continue;
      }
      if (match != original.end()) {
        if (!merge_map(*match, item, path)) original.erase(match);
      } else {
        json added = json::object();
        if (merge_map(added, item, path)) original.push_back(std::move(added));
      }
    }
  }

  static void delete_from_list(json& original, const std::string& field, const json& values) {
    if (!values.is_array())
      invalid("invalid type for $deleteFromPrimitiveList/" + field + ": " + values.dump());
    auto it = original.find(field);
    if (it == original.end() || !it->is_array()) return;
    json kept = json::array();
    for (const auto& v : *it)
      if (std::find(values.begin(), values.end(), v) == values.end()) kept.push_back(v);
    *it = std::move(kept);
  }

  // $setElementOrder: the listed elements in that order, then the ones only the server has, as they were.
  static void reorder(json& list, const json& order, const std::string* merge_key) {
    auto identity = [&](const json& e) -> json {
      if (merge_key && !merge_key->empty() && e.is_object()) return e.value(*merge_key, json());
      return e;
    };
    json ordered = json::array();
    std::vector<bool> taken(list.size(), false);
    for (const auto& wanted : order) {
      const json id = identity(wanted);
      for (std::size_t i = 0; i < list.size(); ++i) {
        if (!taken[i] && identity(list[i]) == id) {
          ordered.push_back(list[i]);
          taken[i] = true;
          break;
        }
      }
    }
    for (std::size_t i = 0; i < list.size(); ++i)
      if (!taken[i]) ordered.push_back(list[i]);
    list = std::move(ordered);
  }

  // A map or list added whole: its directives and nulls do not belong in the stored object.
  static json without_directives(const json& value) {
    if (value.is_object()) {
      json out = json::object();
      for (const auto& [k, v] : value.items())
        if (!k.empty() && k[0] != '$' && !v.is_null()) out[k] = without_directives(v);
      return out;
    }
    if (value.is_array()) {
      json out = json::array();
      for (const auto& v : value)
        out.push_back(without_directives(v));
      return out;
    }
    return value;
  }

  const std::map<std::string, std::string>& keys_;
};

}  // namespace

json apply_strategic_merge_patch(const json& target, const std::string& body,
                                 const std::map<std::string, std::string>& merge_keys) {
  json patch;
  try {
    patch = json::parse(body);
  } catch (const json::exception& e) {
    throw StatusError::bad_request(std::string("error decoding patch: ") + e.what());
  }
  if (!patch.is_object()) throw StatusError::bad_request("a strategic merge patch must be a JSON object");
  std::map<std::string, std::string> keys = merge_keys;
  keys.emplace("metadata.finalizers", "");
  keys.emplace("metadata.ownerReferences", "uid");
  json out = target;
  if (!Merger(keys).merge_map(out, patch, "")) invalid("a strategic merge patch cannot delete the object");
  return out;
}

}  // namespace kubeemu
