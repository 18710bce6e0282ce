#pragma once
// The cloud as the reconciler uses it: observe ports, look ports up by name, create, modify, renew, terminate
// and destroy one. Two implementations: the real one over zenlayer::SdnPorts (below) and a scripted fake in
// the tests.

#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "zenlayer/client.hpp"
#include "zenlayer/sdn_ports.hpp"

namespace zpo::port {

class CloudPorts {
 public:
  virtual ~CloudPorts() = default;
  // Observes: never changes anything. Ports not in the result are absent (destroyed or unknown). At most
  // zenlayer::kMaxPortIdsPerDescribe ids per call. Throws zenlayer::ApiError.
  virtual zenlayer::PortList describe(const std::vector<std::string>& port_ids,
                                      const std::stop_token& stop) = 0;
  // Observes: every port DescribePorts lists for dcId and portName (the API matches names loosely: the
  // caller keeps exact matches). Throws zenlayer::ApiError.
  virtual zenlayer::PortList find(const std::string& dc_id, const std::string& port_name,
                                  const std::stop_token& stop) = 0;
  // Mutations: return the accepted call's request id (and CreatePort the new portId); throw
  // zenlayer::ApiError (see may_have_taken_effect()).
  virtual zenlayer::Reply<std::string> create(const zenlayer::CreatePortRequest& request,
                                              const std::stop_token& stop) = 0;
  virtual std::string modify(const zenlayer::PortAttributes& attributes, const std::stop_token& stop) = 0;
  virtual std::string renew(const std::string& port_id, const std::stop_token& stop) = 0;
  virtual std::string terminate(const std::string& port_id, const std::stop_token& stop) = 0;
  virtual std::string destroy(const std::string& port_id, const std::stop_token& stop) = 0;
};

class ZenlayerCloudPorts final : public CloudPorts {
 public:
  explicit ZenlayerCloudPorts(std::unique_ptr<zenlayer::Client> client)
      : client_(std::move(client)), ports_(*client_) {}

  zenlayer::PortList describe(const std::vector<std::string>& port_ids,
                              const std::stop_token& stop) override {
    return ports_.describe_ports(port_ids, stop);
  }
  zenlayer::PortList find(const std::string& dc_id, const std::string& port_name,
                          const std::stop_token& stop) override {
    return ports_.list_ports(zenlayer::PortFilter{dc_id, port_name}, stop);
  }
  zenlayer::Reply<std::string> create(const zenlayer::CreatePortRequest& request,
                                      const std::stop_token& stop) override {
    return ports_.create_port(request, stop);
  }
  std::string modify(const zenlayer::PortAttributes& attributes, const std::stop_token& stop) override {
    return ports_.modify_port_attribute(attributes, stop).request_id;
  }
  std::string renew(const std::string& port_id, const std::stop_token& stop) override {
    return ports_.renew_port(port_id, stop).request_id;
  }
  std::string terminate(const std::string& port_id, const std::stop_token& stop) override {
    return ports_.terminate_port(port_id, stop).request_id;
  }
  std::string destroy(const std::string& port_id, const std::stop_token& stop) override {
    return ports_.destroy_port(port_id, stop).request_id;
  }

 private:
  std::unique_ptr<zenlayer::Client> client_;
  zenlayer::SdnPorts ports_;
};

}  // namespace zpo::port
