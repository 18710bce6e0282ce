#pragma once
// The ZenlayerPort resource as the operator reads it, and its status as the operator writes it. Parsing never
// throws: an object the operator cannot act on (neither a portId to adopt nor the fields to create one, an
// unknown deletionPolicy or portType, fields of the wrong type, a portId changed after the fact — objects
// written before a schema change or by a server without validation exist) comes back with `invalid_spec`
// saying why, so the decision can answer it on the status instead of crashing or looping.
//
// A resource stands for one cloud port, its identity: spec.portId when the resource adopts an existing port,
// otherwise status.portId once the operator has created the port (see PortResource::port_id()).

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "port/rfc3339.hpp"

namespace zpo::port {

inline constexpr const char* kFinalizer = "sdn.zenlayer.com/finalizer";
inline constexpr const char* kApiVersion = "sdn.zenlayer.com/v1alpha1";
inline constexpr const char* kKind = "ZenlayerPort";

enum class DeletionPolicy { Delete, RecycleBin, Orphan };
enum class Phase { Pending, Ready, Terminating, Recycled, Destroying, Destroyed, Orphaned, Blocked, Failed };

std::string_view to_string(DeletionPolicy);
std::optional<DeletionPolicy> parse_deletion_policy(std::string_view text);
std::string_view to_string(Phase);
std::optional<Phase> parse_phase(std::string_view text);
// Every phase, in the order of the enum (for metrics that report each one, zero included).
std::vector<Phase> all_phases();

// A condition by the Kubernetes API conventions.
struct Condition {
  std::string type{};    // "Ready" | "Synced"
  std::string status{};  // "True" | "False" | "Unknown"
  std::int64_t observed_generation = 0;
  std::optional<Time> last_transition_time{};
  std::string reason{};   // CamelCase, stable
  std::string message{};  // for people; never a request id or a changing timestamp
  friend bool operator==(const Condition&, const Condition&) = default;
};

// The last cloud mutation the operator sent for this resource. An empty `code` means the cloud accepted it.
struct LastOperation {
  // "CreatePort" | "ModifyPortAttribute" | "RenewPort" | "TerminatePort" | "DestroyPort". A CreatePort with
  // an empty code and no status.portId is a create in flight: written before the call is sent, so a crash or
  // a lost reply is never followed by a second CreatePort without first looking for the port by name.
  std::string action{};
  std::string request_id{};
  std::string code{};  // the cloud's error code; kNoReplyCode when no reply came back
  std::optional<Time> time{};
  // CreatePort: the data center and name it asked for. A lookup after a lost reply looks for these, not for
  // what the spec says now (a rename while the create is in flight must not lead to a second port).
  std::string dc_id{};
  std::string port_name{};
  friend bool operator==(const LastOperation&, const LastOperation&) = default;
};

// The code recorded when a mutation got no reply (connect failure, timeout, garbled body): it may have
// happened.
inline constexpr const char* kNoReplyCode = "NoReply";

struct PortResourceStatus {
  std::optional<Phase> phase{};
  std::string port_id{};      // the port this resource stands for: adopted (= spec.portId) or created
  std::string port_status{};  // verbatim from the cloud
  std::string port_charge_type{};
  std::string expired_time{};
  std::optional<std::int64_t> observed_generation{};
  std::vector<Condition> conditions{};
  std::optional<LastOperation> last_operation{};
  std::optional<Time> terminate_requested_at{};
  std::optional<Time> recycled_at{};
  std::optional<Time> destroy_requested_at{};
  std::optional<Time> destroyed_at{};

  const Condition* condition(std::string_view type) const;
  friend bool operator==(const PortResourceStatus&, const PortResourceStatus&) = default;
};

struct CredentialsSecretRef {
  std::string name{};
  std::string access_key_id_key = "accessKeyId";
  std::string access_key_password_key = "accessKeyPassword";
  friend bool operator==(const CredentialsSecretRef&, const CredentialsSecretRef&) = default;
};

// The port types CreatePort accepts.
inline constexpr std::array<std::string_view, 5> kPortTypes{"1G", "10G", "40G", "100G", "400G"};

struct PortResourceSpec {
  std::string port_id{};  // adopt this existing port; empty: the resource creates its port
  // Creation fields. dcId and portType are immutable: a difference from the port is reported, never applied.
  std::string dc_id{};
  std::string port_type{};
  // Attributes kept in line with ModifyPortAttribute. nullopt: not managed (an adopted port is left as it
  // is); businessEntityName can change only while the port's LOA is not uploaded.
  std::optional<std::string> port_name{};
  std::optional<std::string> port_remarks{};
  std::optional<std::string> business_entity_name{};
  // Bring the port back with RenewPort whenever it is found in the recycle bin while the resource is not
  // being deleted.
  bool restore = false;
  std::optional<DeletionPolicy> deletion_policy{};  // nullopt when the value is not one we know
  std::string deletion_policy_text{};               // as written, for the message about an unknown value
  std::optional<CredentialsSecretRef> credentials_secret_ref{};
};

struct PortResource {
  std::string namespace_{};
  std::string name{};
  std::string uid{};
  std::int64_t generation = 0;
  std::string resource_version{};
  std::optional<Time> deletion_timestamp{};
  std::vector<std::string> finalizers{};
  PortResourceSpec spec{};
  PortResourceStatus status{};
  // Why the spec cannot be acted on ("spec.portId is missing"); empty when it can.
  std::string invalid_spec{};

  std::string key() const { return namespace_.empty() ? name : namespace_ + "/" + name; }
  // The port this resource stands for: spec.portId, else status.portId; empty while no port is known yet.
  const std::string& port_id() const { return spec.port_id.empty() ? status.port_id : spec.port_id; }
  // The resource creates its port (no spec.portId).
  bool creates_port() const { return spec.port_id.empty(); }
  bool deleting() const { return deletion_timestamp.has_value(); }
  bool has_finalizer() const;
};

PortResource parse_port_resource(const nlohmann::json& object);

// Fields the status did not parse are dropped (they are rewritten whole on the next write).
PortResourceStatus parse_status(const nlohmann::json& status);
nlohmann::json to_json(const PortResourceStatus& status);

}  // namespace zpo::port
