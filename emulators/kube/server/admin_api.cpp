#include "admin_api.hpp"

#include <stdexcept>

namespace kubeemu {

namespace {

ApiResponse reply(int status, const json& document) {
  return {status, "application/json", to_body(document), {}};
}
ApiResponse error(int status, const std::string& message) {
  return reply(status, json{{"error", message}});
}

json parse_body(const std::string& body) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return json::object();
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object())
    throw std::invalid_argument("the body must be a JSON object");
  return parsed;
}

}  // namespace

ApiResponse AdminApi::handle(const std::string& method, const std::string& action, const std::string& body) {
  try {
    if (action == "faults") {
      if (method == "PUT")
        faults_.set(merge_fault_settings(faults_.settings(), parse_body(body)));
      else if (method != "GET")
        return error(405, "use GET or PUT");
      json settings = to_json(faults_.settings());
      settings["pauseRemainingSeconds"] = faults_.pause_remaining();
      return reply(200, settings);
    }
    if (action == "stats") {
      if (method != "GET") return error(405, "use GET");
      json stats = stats_.to_json();
      stats["openWatches"] = watches_.size();
      stats["objects"] = store_.object_count();
      stats["resourceVersion"] = std::to_string(store_.resource_version());
      return reply(200, stats);
    }
    if (method != "POST") {
      if (action == "close-watches" || action == "expire-watches" || action == "pause")
        return error(405, "use POST");
      return error(404, "unknown admin endpoint /admin/" + action);
    }
    if (action == "close-watches") return reply(200, {{"closed", watches_.end_all(WatchEnding::Close)}});
    if (action == "expire-watches") return reply(200, {{"expired", watches_.end_all(WatchEnding::Expire)}});
    if (action == "pause") {
      const json request = parse_body(body);
      if (!request.contains("seconds") || !request["seconds"].is_number() ||
          request["seconds"].get<double>() < 0) {
        return error(400, "pause needs {\"seconds\": N} with N >= 0");
      }
      faults_.pause_for(request["seconds"].get<double>());
      return reply(200, {{"pausedForSeconds", request["seconds"]}});
    }
    return error(404, "unknown admin endpoint /admin/" + action);
  } catch (const std::invalid_argument& e) {
    return error(400, e.what());
  }
}

}  // namespace kubeemu
