"""Renders charts/zenlayer-port-operator with chart-render (Helm's engine: text/template + Sprig + Helm's built-ins)
for the default values and each documented override, and checks what a platform team relies on: the security
settings, the exact RBAC rules, the operator flags, the CRD from the single source, the credentials Secret, and
clear errors for missing required values and values the schema refuses.

    /usr/bin/python3 tests/chart/test_chart_render.py --chart-render BUILD/tools/chart-render/bin/chart-render \
        --chart charts/zenlayer-port-operator --crd crds/sdn.zenlayer.com_zenlayerports.yaml \
        --examples examples/helm [--operator BUILD/controller/zenlayer-port-operator]
"""

import base64
import copy
import os
import re
import subprocess
import tempfile
import unittest

import yaml

import chart_support as cs
from chart_support import NAMESPACE, RELEASE, Options, Render, RenderError, sets

# The calls the operator makes (controller/kube/informer.cpp list+watch, port/resource_store.cpp JSON patch of the
# finalizer and merge patch of the status, kube/event_recorder.cpp create+patch of core Events,
# port/cloud_access.cpp get of a credentialsSecretRef Secret), as RBAC rules.
PORT_RULES = [
    {"apiGroups": ["sdn.zenlayer.com"], "resources": ["zenlayerports"], "verbs": ["list", "watch", "patch"]},
    {"apiGroups": ["sdn.zenlayer.com"], "resources": ["zenlayerports/status"], "verbs": ["patch"]},
    {"apiGroups": [""], "resources": ["events"], "verbs": ["create", "patch"]},
]
SECRET_RULE = {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}
# runtime/leader_election.cpp: get, create and replace (PUT) of its Lease.
LEASE_RULES = [{"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": ["get", "create", "update"]}]

DEFAULT_KINDS = sorted(["ServiceAccount", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "Service",
                        "Deployment"])


def values_file(test, content):
    """A temporary --values file holding `content` (a dict), removed after the test."""
    fd, path = tempfile.mkstemp(prefix="chart-values-", suffix=".yaml")
    with os.fdopen(fd, "w") as f:
        yaml.safe_dump(content, f)
    test.addCleanup(os.remove, path)
    return path


class Defaults(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.r = Render()

    def test_the_default_objects(self):
        self.assertEqual(self.r.kinds(), DEFAULT_KINDS)
        for doc in self.r.docs:
            if doc["kind"] not in ("CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding"):
                self.assertEqual(doc["metadata"]["namespace"], NAMESPACE, doc["kind"])
            if doc["kind"] != "CustomResourceDefinition":
                labels = doc["metadata"]["labels"]
                self.assertEqual(labels["app.kubernetes.io/instance"], RELEASE)
                self.assertEqual(labels["app.kubernetes.io/managed-by"], "Helm")
                self.assertEqual(labels["app.kubernetes.io/version"], "0.1.0")
        self.assertEqual(self.r.deployment()["metadata"]["name"], "zenlayer-port-operator")

    def test_pod_security(self):
        pod = self.r.pod()
        self.assertIs(pod["securityContext"]["runAsNonRoot"], True)
        self.assertEqual(pod["securityContext"]["runAsUser"], 65532)
        self.assertEqual(pod["securityContext"]["runAsGroup"], 65532)
        self.assertEqual(pod["securityContext"]["seccompProfile"], {"type": "RuntimeDefault"})
        sc = self.r.container()["securityContext"]
        self.assertIs(sc["allowPrivilegeEscalation"], False)
        self.assertIs(sc["readOnlyRootFilesystem"], True)
        self.assertIs(sc["runAsNonRoot"], True)
        self.assertEqual(sc["capabilities"], {"drop": ["ALL"]})
        self.assertNotIn("privileged", sc)
        self.assertNotIn("hostNetwork", pod)

    def test_resources_have_requests_and_limits(self):
        resources = self.r.container()["resources"]
        for part in ("requests", "limits"):
            self.assertEqual(sorted(resources[part]), ["cpu", "memory"], part)

    def test_probes_hit_the_operators_health_server(self):
        container = self.r.container()
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        self.assertEqual(ports, {"metrics": 8080, "health": 8081})
        self.assertEqual(container["livenessProbe"]["httpGet"], {"path": "/healthz", "port": "health"})
        self.assertEqual(container["readinessProbe"]["httpGet"], {"path": "/readyz", "port": "health"})
        self.assertEqual(self.r.flag("health-probe-bind-address"), ":8081")
        self.assertEqual(self.r.flag("metrics-bind-address"), ":8080")

    def test_image_defaults_to_the_app_version(self):
        self.assertEqual(self.r.container()["image"], "zenlayer-port-operator:0.1.0")
        self.assertEqual(self.r.container()["imagePullPolicy"], "IfNotPresent")
        self.assertNotIn("imagePullSecrets", self.r.pod())

    def test_exact_cluster_rbac(self):
        role = self.r.one("ClusterRole")
        self.assertEqual(role["rules"], PORT_RULES + [SECRET_RULE])
        binding = self.r.one("ClusterRoleBinding")
        self.assertEqual(binding["roleRef"], {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                                              "name": role["metadata"]["name"]})
        sa = self.r.one("ServiceAccount")
        self.assertEqual(binding["subjects"], [{"kind": "ServiceAccount", "name": sa["metadata"]["name"],
                                                "namespace": NAMESPACE}])
        self.assertEqual(self.r.pod()["serviceAccountName"], sa["metadata"]["name"])
        # One replica: no leader election, so no Lease permission at all.
        self.assertEqual(self.r.all("Role"), [])
        self.assertIsNone(self.r.flag("leader-elect"))

    def test_credentials_come_from_the_existing_secret_as_files(self):
        container, pod = self.r.container(), self.r.pod()
        self.assertEqual(self.r.flag("zenlayer-credentials-dir"), "/etc/zenlayer/credentials")
        self.assertEqual(container["volumeMounts"], [{"name": "credentials", "mountPath": "/etc/zenlayer/credentials",
                                                      "readOnly": True}])
        self.assertEqual(pod["volumes"], [{"name": "credentials", "secret": {
            "secretName": "zenlayer-credentials",
            "items": [{"key": "accessKeyId", "path": "accessKeyId"},
                      {"key": "accessKeyPassword", "path": "accessKeyPassword"}]}}])
        self.assertEqual(self.r.all("Secret"), [])

    def test_the_crd_is_the_top_level_file_plus_the_keep_annotation(self):
        expected = cs.load_crd_file()
        expected["metadata"].setdefault("annotations", {})["helm.sh/resource-policy"] = "keep"
        self.assertEqual(self.r.one("CustomResourceDefinition"), expected)

    def test_metrics_service_selects_the_pods(self):
        service = self.r.one("Service")
        self.assertEqual(service["spec"]["selector"], self.r.deployment()["spec"]["selector"]["matchLabels"])
        pod_labels = self.r.deployment()["spec"]["template"]["metadata"]["labels"]
        for key, value in service["spec"]["selector"].items():
            self.assertEqual(pod_labels[key], value)
        self.assertEqual(service["spec"]["ports"], [{"name": "metrics", "port": 8080, "targetPort": "metrics",
                                                     "protocol": "TCP"}])

    def test_tuning_flags_are_the_operators_defaults(self):
        expected = {"zenlayer-endpoint": "https://console.zenlayer.com", "zenlayer-qps": "10",
                    "zenlayer-burst": "20", "zenlayer-timeout": "30s", "workers": "4", "resync-period": "10m",
                    "poll-interval": "5s", "max-poll-interval": "1m", "stuck-timeout": "30m",
                    "error-retry-interval": "5m", "terminate-grace": "10m", "log-format": "json",
                    "log-level": "info"}
        for name, value in expected.items():
            self.assertEqual(self.r.flag(name), value, name)
        self.assertIsNone(self.r.flag("namespace"))
        self.assertIsNone(self.r.flag("label-selector"))

    def test_every_flag_exists_in_the_operator(self):
        if not Options.operator or not os.access(Options.operator, os.X_OK):
            self.skipTest("no --operator binary given")
        help_text = subprocess.run([Options.operator, "--help"], capture_output=True, text=True,
                                   timeout=30).stdout
        known = set(re.findall(r"--([a-z][a-z-]*)", help_text))
        everything = Render(*sets("replicaCount=2", "watchNamespace=a", "labelSelector=x=y"))
        for arg in everything.args():
            name = arg[2:].split("=", 1)[0]
            self.assertIn(name, known, f"{arg}: not a flag of zenlayer-port-operator --help")

    def test_notes_tell_how_to_check_and_create_a_first_port(self):
        notes = cs.render(notes=True)
        self.assertIn("kubectl -n zenlayer-system rollout status deployment/zenlayer-port-operator", notes)
        self.assertIn("kind: ZenlayerPort", notes)
        self.assertIn("kubectl get zports -A", notes)
        self.assertIn("create secret generic zenlayer-credentials", notes)


class Overrides(unittest.TestCase):
    def test_watch_namespace_makes_rbac_a_role_there(self):
        r = Render(*sets("watchNamespace=team-a"))
        self.assertEqual(r.flag("namespace"), "team-a")
        self.assertEqual(r.all("ClusterRole") + r.all("ClusterRoleBinding"), [])
        role = r.one("Role")
        self.assertEqual(role["metadata"]["namespace"], "team-a")
        self.assertEqual(role["rules"], PORT_RULES + [SECRET_RULE])
        binding = r.one("RoleBinding")
        self.assertEqual(binding["metadata"]["namespace"], "team-a")
        self.assertEqual(binding["roleRef"]["kind"], "Role")
        self.assertEqual(binding["roleRef"]["name"], role["metadata"]["name"])
        self.assertEqual(binding["subjects"][0]["namespace"], NAMESPACE)

    def test_two_replicas_switch_leader_election_on_with_a_lease_role(self):
        r = Render(*sets("replicaCount=2"))
        self.assertEqual(r.deployment()["spec"]["replicas"], 2)
        self.assertEqual(r.flag("leader-elect"), "")
        self.assertEqual(r.flag("leader-election-namespace"), NAMESPACE)
        self.assertEqual(r.flag("leader-election-id"), "zenlayer-port-operator")
        self.assertEqual(r.flag("leader-elect-lease-duration"), "15s")
        self.assertEqual(r.flag("leader-elect-renew-deadline"), "10s")
        self.assertEqual(r.flag("leader-elect-retry-period"), "2s")
        lease_role = r.one("Role")
        self.assertEqual(lease_role["metadata"]["namespace"], NAMESPACE)
        self.assertEqual(lease_role["rules"], LEASE_RULES)
        binding = r.one("RoleBinding")
        self.assertEqual(binding["roleRef"]["name"], lease_role["metadata"]["name"])
        self.assertEqual(binding["metadata"]["namespace"], NAMESPACE)
        # The zenlayerports rules stay cluster-wide and never include leases.
        self.assertEqual(r.one("ClusterRole")["rules"], PORT_RULES + [SECRET_RULE])

    def test_leader_election_enabled_with_one_replica(self):
        r = Render(*sets("leaderElection.enabled=true", "leaderElection.leaseName=my-lease"))
        self.assertEqual(r.flag("leader-elect"), "")
        self.assertEqual(r.flag("leader-election-id"), "my-lease")
        self.assertEqual(r.one("Role")["rules"], LEASE_RULES)

    def test_pod_disruption_budget(self):
        self.assertEqual(Render().all("PodDisruptionBudget"), [])
        r = Render(*sets("replicaCount=2", "podDisruptionBudget.enabled=true"))
        pdb = r.one("PodDisruptionBudget")
        self.assertEqual(pdb["apiVersion"], "policy/v1")
        self.assertEqual(pdb["spec"], {"minAvailable": 1,
                                       "selector": {"matchLabels": r.deployment()["spec"]["selector"]["matchLabels"]}})
        r = Render(*sets("podDisruptionBudget.enabled=true", "podDisruptionBudget.maxUnavailable=1"))
        self.assertEqual(r.one("PodDisruptionBudget")["spec"]["maxUnavailable"], 1)
        self.assertNotIn("minAvailable", r.one("PodDisruptionBudget")["spec"])

    def test_created_secret(self):
        password = "pw-" + "Zq81x" * 5
        r = Render(*sets("credentials.create=true", "credentials.accessKeyId=AKID-1",
                         f"credentials.accessKeyPassword={password}"))
        secret = r.one("Secret")
        self.assertEqual(secret["metadata"]["name"], "zenlayer-port-operator-credentials")
        self.assertEqual(secret["type"], "Opaque")
        self.assertEqual({k: base64.b64decode(v).decode() for k, v in secret["data"].items()},
                         {"accessKeyId": "AKID-1", "accessKeyPassword": password})
        self.assertEqual(r.pod()["volumes"], [{"name": "credentials",
                                               "secret": {"secretName": "zenlayer-port-operator-credentials"}}])
        # The password is in the render only base64-encoded inside the Secret (not in the pod spec or elsewhere).
        self.assertNotIn(password, r.text)

    def test_existing_secret_with_other_key_names(self):
        r = Render(*sets("credentials.existingSecret=platform-key", "credentials.accessKeyIdKey=id",
                         "credentials.accessKeyPasswordKey=password"))
        self.assertEqual(r.all("Secret"), [])
        self.assertEqual(r.pod()["volumes"][0]["secret"], {
            "secretName": "platform-key",
            "items": [{"key": "id", "path": "accessKeyId"}, {"key": "password", "path": "accessKeyPassword"}]})

    def test_service_monitor_needs_the_value_and_the_api(self):
        self.assertEqual(Render(*sets("serviceMonitor.enabled=true")).all("ServiceMonitor"), [])
        self.assertEqual(Render("--api-versions", "monitoring.coreos.com/v1").all("ServiceMonitor"), [])
        r = Render("--api-versions", "monitoring.coreos.com/v1",
                   *sets("serviceMonitor.enabled=true", "serviceMonitor.labels.release=prom"))
        monitor = r.one("ServiceMonitor")
        service = r.one("Service")
        self.assertEqual(monitor["metadata"]["labels"]["release"], "prom")
        self.assertEqual(monitor["spec"]["selector"]["matchLabels"], {
            k: v for k, v in service["metadata"]["labels"].items() if k in monitor["spec"]["selector"]["matchLabels"]})
        self.assertEqual(monitor["spec"]["namespaceSelector"], {"matchNames": [NAMESPACE]})
        self.assertEqual(monitor["spec"]["endpoints"][0]["port"], service["spec"]["ports"][0]["name"])
        self.assertEqual(monitor["spec"]["endpoints"][0]["path"], "/metrics")

    def test_crds_disabled(self):
        self.assertEqual(Render(*sets("crds.enabled=false")).all("CustomResourceDefinition"), [])

    def test_crds_not_kept_is_the_file_unchanged(self):
        crd = Render(*sets("crds.keep=false")).one("CustomResourceDefinition")
        self.assertEqual(crd, cs.load_crd_file())

    def test_crd_extra_annotations(self):
        r = Render(*sets("crds.annotations.argocd\\.argoproj\\.io/sync-options=Prune=false"))
        self.assertEqual(r.one("CustomResourceDefinition")["metadata"]["annotations"],
                         {"argocd.argoproj.io/sync-options": "Prune=false", "helm.sh/resource-policy": "keep"})

    def test_label_selector_with_set_syntax(self):
        r = Render(values=[values_file(self, {"labelSelector": "shard in (a, b),tier!=test"})])
        self.assertEqual(r.flag("label-selector"), "shard in (a, b),tier!=test")

    def test_custom_image_and_pull_secrets(self):
        r = Render(*sets("image.repository=registry.example.com/ops/zpo", "image.tag=1.2.3",
                         "image.pullPolicy=Always", "imagePullSecrets[0].name=regcred"))
        self.assertEqual(r.container()["image"], "registry.example.com/ops/zpo:1.2.3")
        self.assertEqual(r.container()["imagePullPolicy"], "Always")
        self.assertEqual(r.pod()["imagePullSecrets"], [{"name": "regcred"}])

    def test_names(self):
        r = Render(release="prod")
        self.assertEqual(r.deployment()["metadata"]["name"], "prod-zenlayer-port-operator")
        r = Render(*sets("fullnameOverride=zpo"), release="prod")
        self.assertEqual(r.deployment()["metadata"]["name"], "zpo")
        self.assertEqual(r.one("ServiceAccount")["metadata"]["name"], "zpo")
        r = Render(*sets("serviceAccount.create=false", "serviceAccount.name=ops-sa"))
        self.assertEqual(r.all("ServiceAccount"), [])
        self.assertEqual(r.pod()["serviceAccountName"], "ops-sa")
        self.assertEqual(r.one("ClusterRoleBinding")["subjects"][0]["name"], "ops-sa")

    def test_rbac_switches(self):
        r = Render(*sets("rbac.secrets=false"))
        self.assertEqual(r.one("ClusterRole")["rules"], PORT_RULES)
        r = Render(*sets("rbac.create=false", "replicaCount=2"))
        for kind in ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"):
            self.assertEqual(r.all(kind), [], kind)

    def test_tuning_values_become_flags(self):
        r = Render(values=[values_file(self, {
            "zenlayer": {"endpoint": "http://127.0.0.1:9999", "qps": 2.5, "burst": 5, "timeout": "5s"},
            "operator": {"workers": 16, "resyncPeriod": "1h", "pollInterval": "1s", "maxPollInterval": "30s",
                         "stuckTimeout": "2h", "errorRetryInterval": "1m", "terminateGrace": "20m"},
            "logFormat": "logfmt", "logLevel": "debug", "health": {"port": 9440}, "metrics": {"port": 9090},
            "extraArgs": ["--identity=fixed"]})])
        self.assertEqual(r.args()[-1], "--identity=fixed")
        for name, value in {"zenlayer-endpoint": "http://127.0.0.1:9999", "zenlayer-qps": "2.5",
                            "zenlayer-burst": "5", "zenlayer-timeout": "5s", "workers": "16",
                            "resync-period": "1h", "poll-interval": "1s", "max-poll-interval": "30s",
                            "stuck-timeout": "2h", "error-retry-interval": "1m", "terminate-grace": "20m",
                            "log-format": "logfmt", "log-level": "debug", "health-probe-bind-address": ":9440",
                            "metrics-bind-address": ":9090"}.items():
            self.assertEqual(r.flag(name), value, name)
        ports = {p["name"]: p["containerPort"] for p in r.container()["ports"]}
        self.assertEqual(ports, {"metrics": 9090, "health": 9440})
        self.assertEqual(r.one("Service")["spec"]["ports"][0]["port"], 9090)

    def test_scheduling_values(self):
        r = Render(values=[values_file(self, {
            "nodeSelector": {"kubernetes.io/os": "linux"},
            "tolerations": [{"key": "ops", "operator": "Exists", "effect": "NoSchedule"}],
            "affinity": {"nodeAffinity": {}}, "podAnnotations": {"a": "b"}, "podLabels": {"team": "net"},
            "priorityClassName": "system-cluster-critical"})])
        pod = r.pod()
        self.assertEqual(pod["nodeSelector"], {"kubernetes.io/os": "linux"})
        self.assertEqual(pod["tolerations"], [{"key": "ops", "operator": "Exists", "effect": "NoSchedule"}])
        self.assertEqual(pod["affinity"], {"nodeAffinity": {}})
        self.assertEqual(pod["priorityClassName"], "system-cluster-critical")
        self.assertEqual(r.deployment()["spec"]["template"]["metadata"]["annotations"], {"a": "b"})
        self.assertEqual(r.deployment()["spec"]["template"]["metadata"]["labels"]["team"], "net")


class Errors(unittest.TestCase):
    def assertRenderFails(self, *args, message, values=()):
        with self.assertRaises(RenderError) as caught:
            cs.render(*args, values=values)
        self.assertIn(message, str(caught.exception))
        return str(caught.exception)

    def test_no_credentials_is_a_clear_error(self):
        self.assertRenderFails(*sets("credentials.existingSecret="),
                               message="credentials.existingSecret is required")

    def test_created_secret_needs_both_values(self):
        self.assertRenderFails(*sets("credentials.create=true", "credentials.accessKeyPassword=x"),
                               message="credentials.accessKeyId is required when credentials.create is true")
        self.assertRenderFails(*sets("credentials.create=true", "credentials.accessKeyId=x"),
                               message="credentials.accessKeyPassword is required when credentials.create is true")

    def test_the_schema_refuses_wrong_values(self):
        self.assertRenderFails(*sets("logLevel=verbose"), message="logLevel")
        self.assertRenderFails(*sets("operator.workers=0"), message="workers")
        self.assertRenderFails(*sets("operator.pollInterval=fast"), message="pollInterval")
        self.assertRenderFails(*sets("replicaCount=two"), message="replicaCount")
        self.assertRenderFails(*sets("watchNamespace=Team_A"), message="watchNamespace")
        self.assertRenderFails(*sets("replicaCont=2"), message="replicaCont")


class ValuesFile(unittest.TestCase):
    def test_every_value_is_documented(self):
        """Each key in values.yaml has a comment on its own line or just above it; the plain Kubernetes fields
        inside the default blocks (resources, the security contexts) are described by their block's comment."""
        with open(os.path.join(Options.chart, "values.yaml")) as f:
            lines = f.read().splitlines()
        block = None
        undocumented = []
        for i, line in enumerate(lines):
            m = re.match(r"^(\s*)([A-Za-z][A-Za-z0-9]*):", line)
            if not m:
                continue
            if not m.group(1):
                block = m.group(2)
            elif block in ("resources", "podSecurityContext", "securityContext"):
                continue
            if "#" in line or (i > 0 and lines[i - 1].strip().startswith("#")):
                continue
            if block in ("metrics", "health") and m.group(1):
                continue  # "port:", described by the comment above metrics: / health:
            undocumented.append(f"values.yaml:{i + 1}: {line.strip()}")
        self.assertEqual(undocumented, [])

    def test_schema_accepts_every_value_and_its_types(self):
        """The schema types every value in values.yaml: a wrong type for any leaf makes the render fail."""
        with open(os.path.join(Options.chart, "values.yaml")) as f:
            values = yaml.safe_load(f)
        leaves = []

        def walk(node, path):
            if isinstance(node, dict) and node and path not in (("podSecurityContext",), ("securityContext",),
                                                                ("resources",)):
                for k, v in node.items():
                    walk(v, path + (k,))
            else:
                leaves.append((path, node))

        walk(values, ())
        for path, value in leaves:
            wrong = {"wrong": True} if not isinstance(value, dict) else "not-an-object"
            if value is None:
                continue  # podDisruptionBudget.maxUnavailable: null is its "unset"
            broken = copy.deepcopy(values)
            node = broken
            for k in path[:-1]:
                node = node[k]
            node[path[-1]] = wrong
            with self.subTest(value=".".join(path)):
                with self.assertRaises(RenderError):
                    cs.render(values=[values_file(self, broken)])


class Examples(unittest.TestCase):
    def example(self, name):
        return os.path.join(Options.examples, name)

    def test_namespace_scoped(self):
        r = Render(values=[self.example("namespace-scoped.yaml")])
        self.assertEqual(r.flag("namespace"), "team-a")
        self.assertEqual(r.one("Role")["metadata"]["namespace"], "team-a")
        self.assertEqual(r.all("ClusterRole"), [])

    def test_sharded(self):
        r = Render(values=[self.example("sharded.yaml")])
        self.assertEqual(r.flag("label-selector"), "shard=a")
        self.assertEqual(r.flag("leader-elect"), "")
        self.assertEqual(r.flag("leader-election-id"), "zenlayer-port-operator-shard-a")
        self.assertEqual(r.one("PodDisruptionBudget")["spec"]["minAvailable"], 1)

    def test_existing_secret(self):
        r = Render(values=[self.example("existing-secret.yaml")])
        self.assertEqual(r.pod()["volumes"][0]["secret"]["secretName"], "platform-zenlayer-key")
        self.assertEqual(r.all("Secret"), [])

    def test_every_example_renders(self):
        names = sorted(n for n in os.listdir(Options.examples) if n.endswith(".yaml"))
        self.assertEqual(names, ["existing-secret.yaml", "namespace-scoped.yaml", "sharded.yaml"])
        for name in names:
            with self.subTest(example=name):
                self.assertIn("Deployment", Render(values=[self.example(name)]).kinds())


if __name__ == "__main__":
    cs.main()
