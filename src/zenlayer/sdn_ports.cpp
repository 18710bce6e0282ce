#include "zenlayer/sdn_ports.hpp"

#include <algorithm>

namespace zenlayer {

namespace {

using Json = nlohmann::json;

ApiCall sdn_call(const char* action, Json body, bool mutation) {
  return ApiCall{kSdnService, kSdnVersion, action, std::move(body), mutation};
}

// A success reply whose content we cannot use. For a mutation the call did happen, so it may have taken
// effect.
ApiError unreadable(const ApiCall& call, const ApiReply& reply, const std::string& why) {
  return ApiError(ApiErrorDetails{.action = call.action,
                                  .http_status = 200,
                                  .message = "malformed reply: " + why,
                                  .request_id = reply.request_id,
                                  .error_class = ErrorClass::Transport,
                                  .may_have_taken_effect = call.mutation});
}

void set_if(Json& body, const char* name, const std::optional<std::string>& value) {
  if (value) body[name] = *value;
}

}  // namespace

void SdnPorts::describe_pages(Json filter, int page_size, PortList& into, const std::stop_token& stop) {
  page_size = std::clamp(page_size, 1, 1000);
  for (long page = 1;; ++page) {
    auto body = filter;
    body["pageNum"] = page;
    body["pageSize"] = page_size;
    const auto call = sdn_call("DescribePorts", std::move(body), false);
    const auto reply = client_.call(call, stop);
    into.request_ids.push_back(reply.request_id);
    const auto total = reply.response.find("totalCount");
    const auto data = reply.response.find("dataSet");
    if (total == reply.response.end() || !total->is_number_integer()) {
      throw unreadable(call, reply, "totalCount missing or not an integer");
    }
    if (data != reply.response.end() && !data->is_null() && !data->is_array()) {
      throw unreadable(call, reply, "dataSet is not an array");
    }
    const bool empty = data == reply.response.end() || data->is_null() || data->empty();
    if (!empty) {
      try {
        for (const auto& item : *data)
          into.ports.push_back(port_info_from_json(item));
      } catch (const MalformedReply& e) {
        throw unreadable(call, reply, e.what());
      }
    }
    // An empty page ends the walk even if totalCount promised more, so a lying count cannot loop forever.
    if (empty || page * page_size >= total->get<long>()) break;
  }
}

PortList SdnPorts::describe_ports(const std::vector<std::string>& port_ids, const std::stop_token& stop) {
  PortList result;
  for (std::size_t first = 0; first < port_ids.size(); first += kMaxPortIdsPerDescribe) {
    const auto last = std::min(port_ids.size(), first + kMaxPortIdsPerDescribe);
    Json batch = Json::array();
    for (auto i = first; i < last; ++i)
      batch.push_back(port_ids[i]);
    describe_pages(Json{{"portIds", std::move(batch)}}, static_cast<int>(kMaxPortIdsPerDescribe), result,
                   stop);
  }
  return result;
}

PortList SdnPorts::list_ports(const PortFilter& filter, const std::stop_token& stop) {
  Json body = Json::object();
  set_if(body, "dcId", filter.dc_id);
  set_if(body, "portName", filter.port_name);
  PortList result;
  describe_pages(std::move(body), filter.page_size, result, stop);
  return result;
}

Reply<std::string> SdnPorts::create_port(const CreatePortRequest& request, const std::stop_token& stop) {
  Json body{{"dcId", request.dc_id},
            {"portName", request.port_name},
            {"portType", request.port_type},
            {"businessEntityName", request.business_entity_name}};
  set_if(body, "portRemarks", request.port_remarks);
  const auto call = sdn_call("CreatePort", std::move(body), true);
  const auto reply = client_.call(call, stop);
  const auto port_id = reply.response.find("portId");
  if (port_id == reply.response.end() || !port_id->is_string() || port_id->get<std::string>().empty()) {
    throw unreadable(call, reply, "portId missing");
  }
  return {port_id->get<std::string>(), reply.request_id};
}

Accepted SdnPorts::modify_port_attribute(const PortAttributes& attributes, const std::stop_token& stop) {
  Json body{{"portId", attributes.port_id}};
  set_if(body, "portName", attributes.port_name);
  set_if(body, "portRemarks", attributes.port_remarks);
  set_if(body, "businessEntityName", attributes.business_entity_name);
  return mutate("ModifyPortAttribute", std::move(body), stop);
}

Accepted SdnPorts::terminate_port(const std::string& port_id, const std::stop_token& stop) {
  return mutate("TerminatePort", Json{{"portId", port_id}}, stop);
}

Accepted SdnPorts::destroy_port(const std::string& port_id, const std::stop_token& stop) {
  return mutate("DestroyPort", Json{{"portId", port_id}}, stop);
}

Accepted SdnPorts::renew_port(const std::string& port_id, const std::stop_token& stop) {
  return mutate("RenewPort", Json{{"portId", port_id}}, stop);
}

Accepted SdnPorts::mutate(const char* action, Json body, const std::stop_token& stop) {
  return Accepted{client_.call(sdn_call(action, std::move(body), true), stop).request_id};
}

}  // namespace zenlayer
