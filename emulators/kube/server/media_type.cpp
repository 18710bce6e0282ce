#include "media_type.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <vector>

namespace kubeemu {

namespace {

std::string trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return {};
  const auto end = s.find_last_not_of(" \t");
  return s.substr(begin, end - begin + 1);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::vector<std::string> split(const std::string& s, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto pos = s.find(separator, start);
    parts.push_back(trim(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start)));
    if (pos == std::string::npos) return parts;
    start = pos + 1;
  }
}

struct MediaRange {
  std::string type;  // lower case, e.g. application/json
  std::map<std::string, std::string> params;
};

MediaRange parse_media_range(const std::string& text) {
  const auto parts = split(text, ';');
  MediaRange range{lower(parts[0]), {}};
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const auto eq = parts[i].find('=');
    if (eq == std::string::npos) continue;
    range.params[lower(trim(parts[i].substr(0, eq)))] = trim(parts[i].substr(eq + 1));
  }
  return range;
}

}  // namespace

ResponseFormat negotiate_response_format(const std::string& accept) {
  for (const auto& text : split(accept, ',')) {
    if (text.empty()) continue;
    const MediaRange range = parse_media_range(text);
    const bool json_like =
        range.type == "application/json" || range.type == "*/*" || range.type == "application/*";
    if (!json_like) continue;
    const auto as = range.params.find("as");
    if (as == range.params.end()) return {};
    const auto g = range.params.find("g");
    const auto v = range.params.find("v");
    if (as->second == "Table" && g != range.params.end() && g->second == "meta.k8s.io" &&
        v != range.params.end() && (v->second == "v1" || v->second == "v1beta1")) {
      return {true, "meta.k8s.io/" + v->second};
    }
  }
  return {};
}

std::optional<PatchType> patch_type_from_content_type(const std::string& content_type) {
  const std::string type = lower(trim(split(content_type, ';')[0]));
  if (type == "application/merge-patch+json") return PatchType::Merge;
  if (type == "application/json-patch+json") return PatchType::Json;
  if (type == "application/apply-patch+yaml") return PatchType::Apply;
  if (type == "application/strategic-merge-patch+json") return PatchType::Strategic;
  return std::nullopt;
}

}  // namespace kubeemu
