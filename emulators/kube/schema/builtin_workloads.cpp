// apps/v1 Deployment and policy/v1 PodDisruptionBudget. No controller runs: a Deployment is stored (with the
// defaults and validation of the real apiserver that a chart can trip over) and never gets pods, so its
// READY column reads 0/N unless a test writes its status.
#include <memory>

#include "builtin_kind.hpp"
#include "field_error.hpp"
#include "structural_schema.hpp"

namespace kubeemu::builtin {
namespace {

json probe() {
  return object_of({{"httpGet", object_of({{"path", string_type()}, {"port", int_or_string()}})},
                    {"initialDelaySeconds", integer_type()},
                    {"periodSeconds", integer_type()},
                    {"timeoutSeconds", integer_type()},
                    {"failureThreshold", integer_type()},
                    {"successThreshold", integer_type()}});
}

json container() {
  json port = object_of({{"containerPort", integer_type()},
                         {"name", string_type()},
                         {"protocol", string_type()},
                         {"hostPort", integer_type()},
                         {"hostIP", string_type()}});
  port["properties"]["protocol"]["default"] = "TCP";
  json quantities = {{"type", "object"}, {"additionalProperties", int_or_string()}};
  return object_of(
      {{"name", string_type()},
       {"image", string_type()},
       {"imagePullPolicy", string_type()},
       {"command", string_list()},
       {"args", string_list()},
       {"workingDir", string_type()},
       {"ports", merged_list(port, "containerPort")},
       {"env",
        merged_list(
            object_of({{"name", string_type()}, {"value", string_type()}, {"valueFrom", object_of({})}}),
            "name")},
       {"envFrom", array_of(object_of({}))},
       {"resources", object_of({{"limits", quantities}, {"requests", quantities}})},
       {"volumeMounts", merged_list(object_of({{"name", string_type()},
                                               {"mountPath", string_type()},
                                               {"subPath", string_type()},
                                               {"readOnly", boolean_type()}}),
                                    "mountPath")},
       {"livenessProbe", probe()},
       {"readinessProbe", probe()},
       {"startupProbe", probe()},
       {"securityContext",
        object_of({{"capabilities", object_of({{"add", string_list()}, {"drop", string_list()}})}})}});
}

json pod_template() {
  json volumes = merged_list(object_of({{"name", string_type()}}), "name");
  volumes["x-kubernetes-patch-strategy"] = "merge,retainKeys";
  json spec = object_of({{"containers", merged_list(container(), "name")},
                         {"initContainers", merged_list(container(), "name")},
                         {"volumes", volumes},
                         {"imagePullSecrets", merged_list(object_of({{"name", string_type()}}), "name")},
                         {"serviceAccountName", string_type()},
                         {"nodeSelector", string_map()},
                         {"tolerations", array_of(object_of({}))},
                         {"affinity", object_of({})},
                         {"securityContext", object_of({})},
                         {"terminationGracePeriodSeconds", integer_type("int64")},
                         {"priorityClassName", string_type()}});
  return object_of(
      {{"metadata", object_of({{"labels", string_map()}, {"annotations", string_map()}})}, {"spec", spec}});
}

json label_selector() {
  return object_of({{"matchLabels", string_map()}, {"matchExpressions", array_of(object_of({}))}});
}

// Go's %#v of a map[string]string, as the apiserver prints labels in its messages.
std::string go_string_map(const json& map) {
  std::string out = "map[string]string{";
  bool first = true;
  if (map.is_object())
    for (const auto& [k, v] : map.items()) {
      out += (first ? "" : ", ") + go_quote(k) + ":" + go_quote(v.is_string() ? v.get<std::string>() : "");
      first = false;
    }
  return out + "}";
}

// metav1.LabelSelectorAsSelector(selector).Matches(labels): matchLabels and the four set operators.
bool selector_matches(const json& selector, const json& labels) {
  auto label = [&](const std::string& key) -> const json* {
    auto it = labels.is_object() ? labels.find(key) : labels.end();
    return labels.is_object() && it != labels.end() ? &*it : nullptr;
  };
  const json match_labels = selector.value("matchLabels", json::object());
  for (const auto& [k, v] : match_labels.items()) {
    const json* have = label(k);
    if (!have || *have != v) return false;
  }
  for (const auto& e : selector.value("matchExpressions", json::array())) {
    const std::string op = e.value("operator", "");
    const json* have = label(e.value("key", ""));
    const json values = e.value("values", json::array());
    const bool in = have && std::find(values.begin(), values.end(), *have) != values.end();
    if ((op == "In" && !in) || (op == "NotIn" && in) || (op == "Exists" && !have) ||
        (op == "DoesNotExist" && have))
      return false;
  }
  return true;
}

// The apps/v1 validation a chart can hit: a selector is required, non-empty and must select the template.
void check_deployment(const json& d, std::vector<FieldCause>& causes) {
  const json spec = d.value("spec", json::object());
  if (!spec.contains("selector") || !spec["selector"].is_object()) {
    causes.push_back(required_error("spec.selector"));
    return;
  }
  const json& selector = spec["selector"];
  if (selector.value("matchLabels", json::object()).empty() &&
      selector.value("matchExpressions", json::array()).empty()) {
    causes.push_back(invalid_error("spec.selector", selector, "empty selector is invalid for deployment"));
    return;
  }
  const json labels = spec.contains("/template/metadata/labels"_json_pointer)
                          ? spec["template"]["metadata"]["labels"]
                          : json();
  if (!selector_matches(selector, labels))
    causes.push_back(
        {"FieldValueInvalid",
         "Invalid value: " + go_string_map(labels) + ": `selector` does not match template `labels`",
         "spec.template.metadata.labels"});
  if (spec.value("replicas", 0) < 0)
    causes.push_back(invalid_error("spec.replicas", spec["replicas"], "must be greater than or equal to 0"));
  const json containers = spec.contains("/template/spec/containers"_json_pointer)
                              ? spec["template"]["spec"]["containers"]
                              : json::array();
  if (!containers.is_array() || containers.empty())
    causes.push_back(required_error("spec.template.spec.containers"));
  for (std::size_t i = 0; containers.is_array() && i < containers.size(); ++i) {
    const std::string at = "spec.template.spec.containers[" + std::to_string(i) + "]";
    if (containers[i].value("name", "").empty()) causes.push_back(required_error(at + ".name"));
    if (containers[i].value("image", "").empty()) causes.push_back(required_error(at + ".image"));
  }
}

std::string joined(const json& containers, const char* field) {
  std::string out;
  if (containers.is_array())
    for (const auto& c : containers)
      out += (out.empty() ? "" : ",") + c.value(field, "");
  return out;
}

std::string selector_text(const json& selector) {
  std::string out;
  const json match_labels = selector.value("matchLabels", json::object());
  for (const auto& [k, v] : match_labels.items())
    out += (out.empty() ? "" : ",") + k + "=" + (v.is_string() ? v.get<std::string>() : "");
  return out.empty() ? "<none>" : out;
}

BuiltinKind deployments() {
  ResourceType t = kind_of("apps", "v1", "Deployment", "deployments", true);
  t.short_names = {"deploy"};
  t.categories = {"all"};
  t.has_status = true;
  t.has_generation = true;
  json strategy = object_of(
      {{"type", string_type()},
       {"rollingUpdate", object_of({{"maxSurge", int_or_string()}, {"maxUnavailable", int_or_string()}})}});
  strategy["x-kubernetes-patch-strategy"] = "retainKeys";
  strategy["default"] = {{"type", "RollingUpdate"},
                         {"rollingUpdate", {{"maxSurge", "25%"}, {"maxUnavailable", "25%"}}}};
  json spec = object_of({{"replicas", integer_type()},
                         {"selector", label_selector()},
                         {"template", pod_template()},
                         {"strategy", strategy},
                         {"minReadySeconds", integer_type()},
                         {"revisionHistoryLimit", integer_type()},
                         {"progressDeadlineSeconds", integer_type()},
                         {"paused", boolean_type()}});
  spec["properties"]["replicas"]["default"] = 1;
  spec["properties"]["revisionHistoryLimit"]["default"] = 10;
  spec["properties"]["progressDeadlineSeconds"]["default"] = 600;
  t.openapi_schema = root_schema(
      "Deployment enables declarative updates for Pods and ReplicaSets.",
      {{"spec", spec},
       {"status", object_of({{"observedGeneration", integer_type("int64")},
                             {"replicas", integer_type()},
                             {"updatedReplicas", integer_type()},
                             {"readyReplicas", integer_type()},
                             {"availableReplicas", integer_type()},
                             {"unavailableReplicas", integer_type()},
                             {"conditions", merged_list(object_of({{"type", string_type()}}), "type")}})}});
  auto schema = std::make_shared<const StructuralSchema>(t.openapi_schema);
  t.admit = [schema](json& d) {
    Admission result = schema->admit(d);
    if (result.causes.empty() && d.is_object()) check_deployment(d, result.causes);
    return result;
  };
  t.admit_update = [](json& next, const json& old, std::vector<FieldCause>& causes) {
    const json::json_pointer at("/spec/selector");
    if (old.contains(at) && next.contains(at) && next[at] != old[at])
      causes.push_back(invalid_error("spec.selector", next[at], "field is immutable"));
  };
  t.columns = {name_column(),
               column("Ready", "Number of the pod with ready state"),
               column("Up-to-date",
                      "Total number of non-terminated pods targeted by this deployment that "
                      "have the desired template spec."),
               column("Available",
                      "Total number of available pods (ready for at least minReadySeconds) "
                      "targeted by this deployment."),
               age_column(),
               column("Containers", "Names of each container in the template.", 1),
               column("Images", "Images referenced by each container in the template.", 1),
               column("Selector",
                      "Label selector for pods. Existing ReplicaSets whose pods are selected by "
                      "this will be the ones affected by this deployment.",
                      1)};
  return {t, [](const json& o, Clock::time_point now) {
            const json containers = o.contains("/spec/template/spec/containers"_json_pointer)
                                        ? o["spec"]["template"]["spec"]["containers"]
                                        : json::array();
            const std::string ready = std::to_string(number(o, "/status/readyReplicas"_json_pointer)) + "/" +
                                      std::to_string(number(o, "/spec/replicas"_json_pointer));
            const json selector =
                o.contains("/spec/selector"_json_pointer) ? o["spec"]["selector"] : json::object();
            return std::vector<json>{name_of(o),
                                     ready,
                                     number(o, "/status/updatedReplicas"_json_pointer),
                                     number(o, "/status/availableReplicas"_json_pointer),
                                     age_of(o, now),
                                     joined(containers, "name"),
                                     joined(containers, "image"),
                                     selector_text(selector)};
          }};
}

std::string int_or_percent(const json& o, const json::json_pointer& at) {
  if (!o.contains(at)) return "N/A";
  const json& v = o.at(at);
  return v.is_string() ? v.get<std::string>() : v.dump();
}

BuiltinKind pod_disruption_budgets() {
  ResourceType t = kind_of("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true);
  t.short_names = {"pdb"};
  t.has_status = true;
  t.has_generation = true;
  // As in the real schema: kubectl's three-way patch then always carries the selector, so re-applying an
  // unchanged PodDisruptionBudget says "configured" (and writes nothing), on a real cluster as here.
  json replaced_selector = label_selector();
  replaced_selector["x-kubernetes-patch-strategy"] = "replace";
  t.openapi_schema = root_schema(
      "PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of "
      "pods",
      {{"spec", object_of({{"minAvailable", int_or_string()},
                           {"maxUnavailable", int_or_string()},
                           {"selector", replaced_selector},
                           {"unhealthyPodEvictionPolicy", string_type()}})},
       {"status", object_of({{"disruptionsAllowed", integer_type()},
                             {"currentHealthy", integer_type()},
                             {"desiredHealthy", integer_type()},
                             {"expectedPods", integer_type()},
                             {"conditions", merged_list(object_of({{"type", string_type()}}), "type")}})}});
  auto schema = std::make_shared<const StructuralSchema>(t.openapi_schema);
  t.admit = [schema](json& pdb) {
    Admission result = schema->admit(pdb);
    if (pdb.contains("/spec/minAvailable"_json_pointer) && pdb.contains("/spec/maxUnavailable"_json_pointer))
      result.causes.push_back(
          invalid_error("spec", pdb["spec"], "minAvailable and maxUnavailable cannot be both set"));
    return result;
  };
  t.columns = {name_column(), column("Min Available", "The minimum number of pods that must be available"),
               column("Max Unavailable", "The maximum number of pods that may be unavailable"),
               column("Allowed Disruptions", "Calculated number of pods that may be disrupted at this time"),
               age_column()};
  return {t, [](const json& o, Clock::time_point now) {
            return std::vector<json>{name_of(o), int_or_percent(o, "/spec/minAvailable"_json_pointer),
                                     int_or_percent(o, "/spec/maxUnavailable"_json_pointer),
                                     number(o, "/status/disruptionsAllowed"_json_pointer), age_of(o, now)};
          }};
}

}  // namespace

std::vector<BuiltinKind> workload_kinds() {
  return {deployments(), pod_disruption_budgets()};
}

}  // namespace kubeemu::builtin
