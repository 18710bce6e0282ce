package main

import (
	"fmt"
	"sort"
	"strconv"

	semver "github.com/Masterminds/semver/v3"
)

// Capabilities is .Capabilities: what `helm template` reports when it has no cluster to ask.
type Capabilities struct {
	KubeVersion KubeVersion
	APIVersions VersionSet
	HelmVersion HelmVersion
}

// KubeVersion is .Capabilities.KubeVersion; it prints as its Version, like Helm's.
type KubeVersion struct {
	Version string
	Major   string
	Minor   string
}

func (kv KubeVersion) String() string { return kv.Version }

// GitVersion is kept for charts written for Helm 2; Helm 3 also answers it with Version.
func (kv KubeVersion) GitVersion() string { return kv.Version }

// HelmVersion is .Capabilities.HelmVersion: the Helm release this tool's semantics follow.
type HelmVersion struct {
	Version      string
	GitCommit    string
	GitTreeState string
	GoVersion    string
}

// VersionSet is .Capabilities.APIVersions.
type VersionSet []string

// Has reports whether "group/version" or "group/version/Kind" is served.
func (v VersionSet) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

// builtinAPIs are the API groups a Kubernetes 1.30 API server serves, with the kinds a chart typically gates on.
// Helm's offline default is the same idea (the group/versions and kinds compiled into client-go). Anything else,
// notably monitoring.coreos.com/v1, is present only when passed with --api-versions.
var builtinAPIs = map[string][]string{
	"v1": {"ConfigMap", "Endpoints", "Event", "LimitRange", "Namespace", "Node", "PersistentVolume",
		"PersistentVolumeClaim", "Pod", "ReplicationController", "ResourceQuota", "Secret", "Service",
		"ServiceAccount"},
	"admissionregistration.k8s.io/v1":      {"MutatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "ValidatingWebhookConfiguration"},
	"apiextensions.k8s.io/v1":              {"CustomResourceDefinition"},
	"apiregistration.k8s.io/v1":            {"APIService"},
	"apps/v1":                              {"ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"},
	"authentication.k8s.io/v1":             {"TokenReview", "SelfSubjectReview"},
	"authorization.k8s.io/v1":              {"LocalSubjectAccessReview", "SelfSubjectAccessReview", "SelfSubjectRulesReview", "SubjectAccessReview"},
	"autoscaling/v1":                       {"HorizontalPodAutoscaler"},
	"autoscaling/v2":                       {"HorizontalPodAutoscaler"},
	"batch/v1":                             {"CronJob", "Job"},
	"certificates.k8s.io/v1":               {"CertificateSigningRequest"},
	"coordination.k8s.io/v1":               {"Lease"},
	"discovery.k8s.io/v1":                  {"EndpointSlice"},
	"events.k8s.io/v1":                     {"Event"},
	"flowcontrol.apiserver.k8s.io/v1":      {"FlowSchema", "PriorityLevelConfiguration"},
	"flowcontrol.apiserver.k8s.io/v1beta3": {"FlowSchema", "PriorityLevelConfiguration"},
	"networking.k8s.io/v1":                 {"Ingress", "IngressClass", "NetworkPolicy"},
	"node.k8s.io/v1":                       {"RuntimeClass"},
	"policy/v1":                            {"PodDisruptionBudget"},
	"rbac.authorization.k8s.io/v1":         {"ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"},
	"scheduling.k8s.io/v1":                 {"PriorityClass"},
	"storage.k8s.io/v1":                    {"CSIDriver", "CSINode", "CSIStorageCapacity", "StorageClass", "VolumeAttachment"},
}

// newCapabilities parses --kube-version as Helm does ("1.30" becomes v1.30.0) and appends --api-versions to the
// built-in set.
func newCapabilities(kubeVersion string, extraAPIs []string) (*Capabilities, error) {
	sv, err := semver.NewVersion(kubeVersion)
	if err != nil {
		return nil, fmt.Errorf("invalid kube version %q: %s", kubeVersion, err)
	}
	caps := &Capabilities{
		KubeVersion: KubeVersion{Version: "v" + sv.String(), Major: strconv.FormatUint(sv.Major(), 10),
			Minor: strconv.FormatUint(sv.Minor(), 10)},
		HelmVersion: HelmVersion{Version: "v3.14.4", GitTreeState: "clean", GoVersion: "go1.19"},
	}
	for gv, kinds := range builtinAPIs {
		caps.APIVersions = append(caps.APIVersions, gv)
		for _, k := range kinds {
			caps.APIVersions = append(caps.APIVersions, gv+"/"+k)
		}
	}
	sort.Strings(caps.APIVersions) // deterministic output if a chart prints the set
	caps.APIVersions = append(caps.APIVersions, extraAPIs...)
	return caps, nil
}
