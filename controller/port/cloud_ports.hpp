#pragma once
// The cloud as the reconciler uses it: observe ports, terminate one, destroy one. Two implementations: the
// real one over zenlayer::SdnPorts (below) and a scripted fake in the tests.

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
  // Mutations: return the accepted call's request id; throw zenlayer::ApiError (see may_have_taken_effect()).
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
