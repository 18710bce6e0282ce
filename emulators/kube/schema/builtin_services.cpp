// core v1 ServiceAccount and Service, as a Helm chart emits them. A Service gets what the real apiserver
// fills in (type ClusterIP, a cluster IP from 10.96.0.0/12, TCP, targetPort = port), so `kubectl get svc`
// reads as on a cluster; nothing routes traffic.
#include <atomic>
#include <memory>

#include "builtin_kind.hpp"
#include "field_error.hpp"
#include "structural_schema.hpp"

namespace kubeemu::builtin {
namespace {

BuiltinKind service_accounts() {
  ResourceType t = kind_of("", "v1", "ServiceAccount", "serviceaccounts", true);
  t.short_names = {"sa"};
  t.openapi_schema = root_schema(
      "ServiceAccount binds together: a name, understood by users, and perhaps by peripheral systems, for an "
      "identity; a principal that can be authenticated and authorized; a set of secrets",
      {{"secrets", merged_list(object_reference(), "name")},
       {"imagePullSecrets", array_of(object_of({{"name", string_type()}}))},
       {"automountServiceAccountToken", boolean_type()}});
  t.admit = make_admit(t.openapi_schema);
  t.columns = {name_column(), column("Secrets", "Secrets is a list of the secrets in the same namespace"),
               age_column()};
  return {t, [](const json& o, Clock::time_point now) {
            auto it = o.find("secrets");
            int64_t secrets = it != o.end() && it->is_array() ? static_cast<int64_t>(it->size()) : 0;
            return std::vector<json>{name_of(o), secrets, age_of(o, now)};
          }};
}

json service_schema() {
  json port = object_of({{"name", string_type()},
                         {"protocol", string_type()},
                         {"appProtocol", string_type()},
                         {"port", integer_type()},
                         {"targetPort", int_or_string()},
                         {"nodePort", integer_type()}});
  port["properties"]["protocol"]["default"] = "TCP";
  json spec = object_of({{"type", string_type()},
                         {"selector", string_map()},
                         {"ports", merged_list(port, "port")},
                         {"clusterIP", string_type()},
                         {"clusterIPs", string_list()},
                         {"externalIPs", string_list()},
                         {"externalName", string_type()},
                         {"sessionAffinity", string_type()},
                         {"ipFamilies", string_list()},
                         {"ipFamilyPolicy", string_type()},
                         {"internalTrafficPolicy", string_type()},
                         {"externalTrafficPolicy", string_type()},
                         {"loadBalancerIP", string_type()},
                         {"publishNotReadyAddresses", boolean_type()}});
  spec["properties"]["type"]["default"] = "ClusterIP";
  spec["properties"]["sessionAffinity"]["default"] = "None";
  json schema = root_schema("Service is a named abstraction of software service (for example, mysql) ...",
                            {{"spec", spec},
                             {"status", object_of({{"loadBalancer", object_of({})},
                                                   {"conditions", merged_list(object_of({}), "type")}})}});
  schema["properties"]["spec"]["default"] = json::object();
  return schema;
}

// The Service registry's allocation: an IP for every Service but headless ones and ExternalName.
void fill_service_spec(json& spec, std::atomic<uint32_t>& next_ip) {
  const std::string type = spec.value("type", "ClusterIP");
  if (auto ports = spec.find("ports"); ports != spec.end() && ports->is_array())
    for (auto& p : *ports)
      if (p.is_object() && !p.contains("targetPort") && p.contains("port")) p["targetPort"] = p["port"];
  if (type == "ExternalName") return;
  if (spec.value("clusterIP", "").empty()) {
    const uint32_t n = next_ip++;
    spec["clusterIP"] = "10.96." + std::to_string((n >> 8) & 255) + "." + std::to_string(n & 255);
  }
  if (!spec.contains("clusterIPs")) spec["clusterIPs"] = json::array({spec["clusterIP"]});
  if (!spec.contains("ipFamilies")) spec["ipFamilies"] = json::array({"IPv4"});
  if (!spec.contains("ipFamilyPolicy")) spec["ipFamilyPolicy"] = "SingleStack";
  if (!spec.contains("internalTrafficPolicy")) spec["internalTrafficPolicy"] = "Cluster";
}

std::string service_ports(const json& spec) {
  std::string out;
  auto ports = spec.find("ports");
  if (ports != spec.end() && ports->is_array())
    for (const auto& p : *ports) {
      std::string one = std::to_string(number(p, "/port"_json_pointer));
      if (p.contains("nodePort")) one += ":" + std::to_string(number(p, "/nodePort"_json_pointer));
      out += (out.empty() ? "" : ",") + one + "/" + p.value("protocol", "TCP");
    }
  return out.empty() ? "<none>" : out;
}

BuiltinKind services() {
  ResourceType t = kind_of("", "v1", "Service", "services", true);
  t.short_names = {"svc"};
  t.categories = {"all"};
  t.has_status = true;
  t.openapi_schema = service_schema();
  auto schema = std::make_shared<const StructuralSchema>(t.openapi_schema);
  auto next_ip = std::make_shared<std::atomic<uint32_t>>(10);  // 10.96.0.1 is the `kubernetes` Service
  t.admit = [schema, next_ip](json& service) {
    Admission result = schema->admit(service);
    if (!result.causes.empty() || !service.is_object() || !service["spec"].is_object()) return result;
    json& spec = service["spec"];
    const bool headless = spec.value("clusterIP", "") == "None";
    if (spec.value("type", "") != "ExternalName" && !headless &&
        (!spec.contains("ports") || spec["ports"].empty()))
      result.causes.push_back(required_error("spec.ports"));
    fill_service_spec(spec, *next_ip);
    return result;
  };
  // The cluster IP stays once allocated: an update without it keeps it, one changing it is refused.
  t.admit_update = [](json& next, const json& old, std::vector<FieldCause>& causes) {
    const json::json_pointer ip("/spec/clusterIP"), ips("/spec/clusterIPs");
    if (!old.contains(ip) || !next.contains("spec") || !next["spec"].is_object()) return;
    if (next.value(ip, "").empty()) {
      next[ip] = old[ip];
      if (old.contains(ips) && !next.contains(ips)) next[ips] = old[ips];
    } else if (next[ip] != old[ip]) {
      causes.push_back(invalid_error("spec.clusterIPs[0]", next[ip], "may not change once set"));
    }
  };
  t.columns = {name_column(),
               column("Type", "The type of the service"),
               column("Cluster-IP", "The IP address of the service"),
               column("External-IP", "The external IP address of the service"),
               column("Port(s)", "The ports that the service exposes"),
               age_column(),
               column("Selector", "The label selector of the service", 1)};
  return {t, [](const json& o, Clock::time_point now) {
            const json spec = o.value("spec", json::object());
            const std::string type = spec.value("type", "ClusterIP");
            std::string external = type == "ExternalName" ? spec.value("externalName", "") : "<none>";
            std::string cluster_ip = spec.value("clusterIP", "");
            return std::vector<json>{name_of(o),
                                     type,
                                     cluster_ip.empty() ? "<none>" : cluster_ip,
                                     external,
                                     service_ports(spec),
                                     age_of(o, now),
                                     format_labels(spec.value("selector", json::object()))};
          }};
}

}  // namespace

std::vector<BuiltinKind> service_kinds() {
  return {service_accounts(), services()};
}

}  // namespace kubeemu::builtin
