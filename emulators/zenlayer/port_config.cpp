#include "port_config.hpp"

#include <stdexcept>

namespace zenemu {
namespace {

using nlohmann::json;

void require_object(const json& patch, const char* what) {
  if (!patch.is_object()) throw std::invalid_argument(std::string(what) + " must be a JSON object");
}

std::int64_t non_negative(const json& value, const std::string& name) {
  if (!value.is_number_integer() || value.get<std::int64_t>() < 0) {
    throw std::invalid_argument(name + " must be a non-negative integer");
  }
  return value.get<std::int64_t>();
}

}  // namespace

json to_json(const Delays& d) {
  return {{"createMs", d.create.count()},
          {"terminateMs", d.terminate.count()},
          {"terminateLagPolls", d.terminate_lag_polls},
          {"destroyMs", d.destroy.count()},
          {"destroyedVisibleMs", d.destroyed_visible.count()},
          {"renewMs", d.renew.count()}};
}

void merge_json(Delays& d, const json& patch) {
  require_object(patch, "delays");
  Delays out = d;  // all or nothing: a bad field leaves the delays unchanged
  for (const auto& [key, value] : patch.items()) {
    if (key == "createMs") {
      out.create = Millis(non_negative(value, key));
    } else if (key == "terminateMs") {
      out.terminate = Millis(non_negative(value, key));
    } else if (key == "terminateLagPolls") {
      out.terminate_lag_polls = static_cast<int>(non_negative(value, key));
    } else if (key == "destroyMs") {
      out.destroy = Millis(non_negative(value, key));
    } else if (key == "destroyedVisibleMs") {
      out.destroyed_visible = Millis(non_negative(value, key));
    } else if (key == "renewMs") {
      out.renew = Millis(non_negative(value, key));
    } else {
      throw std::invalid_argument("unknown delay: " + key);
    }
  }
  d = out;
}

json to_json(const PortRules& r) {
  return {{"dcIds", r.dc_ids},
          {"notFoundHttpStatus", r.not_found_http_status},
          {"recycledTerminateCode", r.recycled_terminate_code}};
}

void merge_json(PortRules& r, const json& patch) {
  require_object(patch, "config");
  PortRules out = r;
  for (const auto& [key, value] : patch.items()) {
    if (key == "dcIds") {
      if (!value.is_array()) throw std::invalid_argument("dcIds must be an array of strings");
      out.dc_ids.clear();
      for (const auto& id : value) {
        if (!id.is_string() || id.get<std::string>().empty()) {
          throw std::invalid_argument("dcIds must be an array of non-empty strings");
        }
        out.dc_ids.push_back(id.get<std::string>());
      }
    } else if (key == "notFoundHttpStatus") {
      if (!value.is_number_integer() || value.get<int>() < 200 || value.get<int>() > 599) {
        throw std::invalid_argument("notFoundHttpStatus must be an HTTP status (200-599)");
      }
      out.not_found_http_status = value.get<int>();
    } else if (key == "recycledTerminateCode") {
      if (value != "OPERATION_FAILED_FOR_RECYCLE_RESOURCE" && value != "OPERATION_DENIED_INSTANCE_RECYCLED") {
        throw std::invalid_argument(
            "recycledTerminateCode must be OPERATION_FAILED_FOR_RECYCLE_RESOURCE or "
            "OPERATION_DENIED_INSTANCE_RECYCLED");
      }
      out.recycled_terminate_code = value.get<std::string>();
    } else {
      throw std::invalid_argument("unknown config field: " + key);
    }
  }
  r = out;
}

}  // namespace zenemu
