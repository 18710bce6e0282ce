#pragma once
// Resources and observations for the decision and reconciler tests, written the way a reader thinks of them:
// "a live port with our finalizer", "a deleting Delete-policy resource whose TerminatePort was accepted 2
// minutes ago", "the cloud says RUNNING, PREPAID", "a resource that creates its port", "the port it created".

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "port/decide.hpp"
#include "port/observation.hpp"
#include "port/zenlayer_port.hpp"

namespace zpo::port::testing {

using namespace std::chrono_literals;

inline Time t0() {
  return *parse_time("2026-01-01T00:00:00Z");
}

inline PortResource live_resource(DeletionPolicy policy = DeletionPolicy::Delete, bool finalizer = true) {
  PortResource resource;
  resource.namespace_ = "team-a";
  resource.name = "edge-1";
  resource.uid = "uid-1";
  resource.generation = 2;
  resource.resource_version = "10";
  resource.spec.port_id = "port-1";
  resource.spec.deletion_policy = policy;
  resource.spec.deletion_policy_text = std::string(to_string(policy));
  if (finalizer) resource.finalizers.push_back(kFinalizer);
  return resource;
}

inline PortResource deleting_resource(DeletionPolicy policy = DeletionPolicy::Delete, bool finalizer = true,
                                      Time deleted_at = t0()) {
  PortResource resource = live_resource(policy, finalizer);
  resource.deletion_timestamp = deleted_at;
  return resource;
}

inline PortResource with_operation(PortResource resource, std::string action, std::string code, Time at) {
  resource.status.last_operation = LastOperation{action, "req-9", std::move(code), at};
  if (action == "TerminatePort") resource.status.terminate_requested_at = at;
  if (action == "DestroyPort") resource.status.destroy_requested_at = at;
  return resource;
}

inline zenlayer::PortInfo port_info(std::string status, std::optional<std::string> charge = "POSTPAID",
                                    std::string expires = "") {
  zenlayer::PortInfo port;
  port.port_id = "port-1";
  port.port_status = std::move(status);
  port.port_charge_type = std::move(charge);
  port.expired_time = std::move(expires);
  return port;
}

inline Observation seen(std::string status, Time at, std::optional<std::string> charge = "POSTPAID",
                        std::string expires = "") {
  return Observation::found(port_info(std::move(status), std::move(charge), std::move(expires)), at);
}

inline Observation cloud_failure(zenlayer::ErrorClass error_class, std::string code, Time at) {
  return Observation::cloud_error(CloudFailure{error_class, std::move(code), "server text"}, at);
}

// ---- Resources that create their port (issue 5) ----

// A resource with the creation fields and no spec.portId: it creates port "edge-1" (10G) in SIN1.
// A 429 REQUEST_LIMIT_EXCEEDED, as FakeCloud::fail_next takes it.
inline zenlayer::ApiErrorDetails throttled_reply() {
  zenlayer::ApiErrorDetails throttled;
  throttled.http_status = 429;
  throttled.code = "REQUEST_LIMIT_EXCEEDED";
  throttled.message = "slow down";
  throttled.error_class = zenlayer::ErrorClass::Throttled;
  return throttled;
}

inline PortResource new_resource(DeletionPolicy policy = DeletionPolicy::Delete, bool finalizer = true) {
  PortResource resource = live_resource(policy, finalizer);
  resource.spec.port_id.clear();
  resource.spec.dc_id = "SIN1";
  resource.spec.port_type = "10G";
  resource.spec.port_name = "edge-1";
  resource.spec.port_remarks = "uplink";
  resource.spec.business_entity_name = "Example Ltd";
  return resource;
}

// The same resource once its CreatePort was accepted: status.portId is its identity.
inline PortResource created_resource(DeletionPolicy policy = DeletionPolicy::Delete, bool finalizer = true) {
  PortResource resource = new_resource(policy, finalizer);
  resource.status.port_id = "port-1";
  return resource;
}

// A port as DescribePorts lists it, with every attribute new_resource() sets.
inline zenlayer::PortInfo cloud_port(std::string id, std::string status = "RUNNING",
                                     std::string name = "edge-1", std::string dc = "SIN1") {
  zenlayer::PortInfo port;
  port.port_id = std::move(id);
  port.port_status = std::move(status);
  port.port_name = std::move(name);
  port.dc_id = std::move(dc);
  port.port_type = "10G";
  port.port_remarks = "uplink";
  port.business_entity_name = "Example Ltd";
  port.loa_status = "LOA_NOT_UPLOAD";
  port.port_charge_type = "POSTPAID";
  return port;
}

inline PortLookup found_ports(std::vector<zenlayer::PortInfo> ports) {
  return PortLookup{std::move(ports), std::nullopt};
}

inline PortLookup lookup_failure(zenlayer::ErrorClass error_class, std::string code, Time at) {
  return PortLookup{{}, cloud_failure(error_class, std::move(code), at)};
}

}  // namespace zpo::port::testing
