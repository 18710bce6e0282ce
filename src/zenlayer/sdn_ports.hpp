#pragma once
// The SDN port actions (service "sdn", version 2023-08-30) as typed calls over Client. Every reply's
// requestId is handed back to the caller, who records it on the resource's status.

#include <cstddef>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "zenlayer/client.hpp"
#include "zenlayer/port_info.hpp"

namespace zenlayer {

inline constexpr const char* kSdnService = "sdn";
inline constexpr const char* kSdnVersion = "2023-08-30";
inline constexpr std::size_t kMaxPortIdsPerDescribe = 100;

struct PortFilter {
  std::optional<std::string> dc_id{};
  std::optional<std::string> port_name{};
  int page_size = 100;  // the API allows up to 1000
};

struct PortList {
  std::vector<PortInfo> ports{};
  std::vector<std::string> request_ids{};  // one per DescribePorts call made
};

struct CreatePortRequest {
  std::string dc_id{};
  std::string port_name{};
  std::string port_type{};  // "1G", "10G", "40G", "100G", "400G"
  std::string business_entity_name{};
  std::optional<std::string> port_remarks{};
};

struct PortAttributes {
  std::string port_id{};
  std::optional<std::string> port_name{};
  std::optional<std::string> port_remarks{};
  std::optional<std::string> business_entity_name{};  // accepted only before the LOA is uploaded
};

// The reply of an action that returns nothing but its requestId.
struct Accepted {
  std::string request_id{};
};

// All calls throw ApiError; an unreadable reply is ErrorClass::Transport.
class SdnPorts {
 public:
  explicit SdnPorts(Client& client) : client_(client) {}

  // The given ports, in calls of at most 100 ids, paging through totalCount. A destroyed or unknown port is
  // simply absent from the result. No ids: no call, empty result.
  PortList describe_ports(const std::vector<std::string>& port_ids, const std::stop_token& stop = {});
  // Every port matching the filter (all ports without one), page by page.
  PortList list_ports(const PortFilter& filter = {}, const std::stop_token& stop = {});

  Reply<std::string> create_port(const CreatePortRequest& request,
                                 const std::stop_token& stop = {});  // → portId
  Accepted modify_port_attribute(const PortAttributes& attributes, const std::stop_token& stop = {});
  // RUNNING → RECYCLED (recycle bin). Not for PREPAID ports.
  Accepted terminate_port(const std::string& port_id, const std::stop_token& stop = {});
  // RECYCLED → DESTROYING → DESTROYED. Only for ports observed RECYCLED; irreversible.
  Accepted destroy_port(const std::string& port_id, const std::stop_token& stop = {});
  // RECYCLED → RUNNING (restores a port from the recycle bin).
  Accepted renew_port(const std::string& port_id, const std::stop_token& stop = {});

 private:
  void describe_pages(nlohmann::json filter, int page_size, PortList& into, const std::stop_token& stop);
  Accepted mutate(const char* action, nlohmann::json body, const std::stop_token& stop);

  Client& client_;
};

}  // namespace zenlayer
