#pragma once
// Request bodies in Kubernetes' protobuf encoding, as kubectl >= 1.32 sends them for typed commands such as
// `kubectl create secret generic`, `create configmap` and `create namespace` (Content-Type
// application/vnd.kubernetes.protobuf). client-go does not fall back to JSON after a 415 for protobuf, so the
// emulator reads these: the envelope is "k8s\0" followed by a runtime.Unknown {1 typeMeta {1 apiVersion, 2
// kind}, 2 raw, 3 contentEncoding, 4 contentType}, and raw is the kind's generated.proto message. Only the
// kinds kubectl creates that way are described (Secret, ConfigMap, Namespace); the reply may be JSON.

#include <string>

#include "resource_type.hpp"

namespace kubeemu {

inline constexpr const char* kProtobufContentType = "application/vnd.kubernetes.protobuf";

// Whether a body starts with the protobuf envelope's magic bytes "k8s\0".
bool is_kubernetes_protobuf(const std::string& body);

// The JSON form of a protobuf-encoded built-in object, with Go's omitempty rules (empty strings, zero numbers
// and empty maps are left out). Throws StatusError: 415 UnsupportedMediaType for a kind it cannot decode, 400
// BadRequest for a malformed body.
json protobuf_to_json(const std::string& body);

}  // namespace kubeemu
