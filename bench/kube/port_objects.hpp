#pragma once
// ZenlayerPorts as the operator's users and the operator itself write them, so memory figures reflect real
// objects: a manifest applied by kubectl (with its last-applied annotation, labels, the operator's finalizer)
// and the status the operator keeps (phase, cloud status, conditions, last operation).

#include <nlohmann/json.hpp>
#include <string>

namespace kubebench {

inline constexpr const char* kPortsPath = "/apis/sdn.zenlayer.com/v1alpha1/namespaces/default/zenlayerports";

std::string port_name(int index);

// The object a user creates (POST body).
nlohmann::json port_manifest(int index);

// A status merge patch as the operator writes it after observing the port; `sequence` varies the request id
// and time so that every patch is a real change.
nlohmann::json port_status_patch(int index, int sequence);

}  // namespace kubebench
