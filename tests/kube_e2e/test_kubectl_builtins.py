#!/usr/bin/python3
"""The real kubectl (--kubectl-version 1.NN; 1.27 and 1.28 with --validate=false, as they need an OpenAPI v2
document the emulator does not serve) applying a multi-document file with one object of each built-in kind a Helm
chart emits: ServiceAccount, Service, Deployment, Role, RoleBinding, ClusterRole, ClusterRoleBinding,
PodDisruptionBudget and the project's own CustomResourceDefinition. Re-applying is a no-op, a changed file is
patched (strategic merge: containers merged by name, so a field added on the server survives), `kubectl get` prints
the real server's columns, and `kubectl delete -f` removes everything. Usage:
    /usr/bin/python3 test_kubectl_builtins.py --emulator BIN --crd CRD --kubectl-dir DIR --kubectl-version 1.33
"""

import json
import os
import re
import tempfile
import unittest

import e2e_support as e2e

# One object per kind, as a chart renders them: the Deployment carries what a hardened operator Deployment has
# (security contexts, probes, resources, a Secret volume), so each of those must round-trip unchanged.
CHART = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: zpo
  labels: {app.kubernetes.io/name: zpo}
---
apiVersion: v1
kind: Service
metadata:
  name: zpo-metrics
spec:
  selector: {app.kubernetes.io/name: zpo}
  ports:
    - name: metrics
      port: 8080
      targetPort: metrics
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: zpo
spec:
  replicas: REPLICAS
  selector:
    matchLabels: {app.kubernetes.io/name: zpo}
  template:
    metadata:
      labels: {app.kubernetes.io/name: zpo}
    spec:
      serviceAccountName: zpo
      securityContext:
        runAsNonRoot: true
        runAsUser: 65532
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: manager
          image: IMAGE
          args: ["--leader-elect=true", "--metrics-bind-address=:8080"]
          ports:
            - {name: metrics, containerPort: 8080}
            - {name: health, containerPort: 8081}
          env:
            - {name: ZENLAYERCLOUD_ACCESS_KEY_ID, valueFrom: {secretKeyRef: {name: zpo-credentials, key: id}}}
            - {name: LOG_LEVEL, value: info}
          resources:
            limits: {cpu: 500m, memory: 128Mi}
            requests: {cpu: 10m, memory: 64Mi}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
          livenessProbe:
            httpGet: {path: /healthz, port: health}
            initialDelaySeconds: 15
          readinessProbe:
            httpGet: {path: /readyz, port: health}
          volumeMounts:
            - {name: credentials, mountPath: /credentials, readOnly: true}
      volumes:
        - name: credentials
          secret: {secretName: zpo-credentials}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: zpo-leader
rules:
  - apiGroups: [coordination.k8s.io]
    resources: [leases]
    verbs: [LEASE_VERBS]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: zpo-leader
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: zpo-leader}
subjects:
  - {kind: ServiceAccount, name: zpo, namespace: default}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: zpo
rules:
  - apiGroups: [sdn.zenlayer.com]
    resources: [zenlayerports]
    verbs: [get, list, watch, update, patch]
  - apiGroups: [sdn.zenlayer.com]
    resources: [zenlayerports/status]
    verbs: [get, update, patch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: zpo
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: zpo}
subjects:
  - {kind: ServiceAccount, name: zpo, namespace: default}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: zpo
spec:
  minAvailable: 1
  selector:
    matchLabels: {app.kubernetes.io/name: zpo}
---
"""

CREATED_NAMES = [
    "serviceaccount/zpo", "service/zpo-metrics", "deployment.apps/zpo", "role.rbac.authorization.k8s.io/zpo-leader",
    "rolebinding.rbac.authorization.k8s.io/zpo-leader", "clusterrole.rbac.authorization.k8s.io/zpo",
    "clusterrolebinding.rbac.authorization.k8s.io/zpo", "poddisruptionbudget.policy/zpo",
    "customresourcedefinition.apiextensions.k8s.io/zenlayerports.sdn.zenlayer.com"]
CHART_OBJECTS = {"ServiceAccount/zpo", "Service/zpo-metrics", "Deployment/zpo", "Role/zpo-leader",
                 "RoleBinding/zpo-leader", "ClusterRole/zpo", "ClusterRoleBinding/zpo", "PodDisruptionBudget/zpo",
                 "CustomResourceDefinition/zenlayerports.sdn.zenlayer.com"}
PDB = CREATED_NAMES[7]
ALL_KINDS = "deploy,sa,svc,role,rolebinding,clusterrole,clusterrolebinding,pdb,crd"


def reapplied(configured=()):
    """kubectl's lines for a re-apply: the PodDisruptionBudget always says "configured", because its selector's
    patch strategy is "replace" and kubectl's three-way patch then always carries it (it writes nothing); this is
    kubectl against a real cluster too."""
    return [f"{n} {'configured' if n in configured or n == PDB else 'unchanged'}" for n in CREATED_NAMES]


def chart(replicas=1, image="zpo:1.0", lease_verbs="get, create, update"):
    """The multi-document file: the objects above, then the project's CRD file as the chart ships it."""
    with open(e2e.Options.crd) as f:
        crd = f.read()
    text = CHART.replace("REPLICAS", str(replicas)).replace("IMAGE", image).replace("LEASE_VERBS", lease_verbs)
    return text + crd


def header(table):
    return table.splitlines()[0].split()


def row(table, name):
    for line in table.splitlines()[1:]:
        if line.split()[0] == name:
            return re.split(r"\s{2,}", line.strip())
    raise AssertionError(f"no row {name} in:\n{table}")


class BuiltinKindsWithKubectl(e2e.KubectlTestCase):
    def setUp(self):
        minor = int(e2e.Options.kubectl_version.split(".")[1])
        # kubectl <= 1.28 validates against OpenAPI v2 only, which the emulator does not serve.
        self.validate = ["--validate=false"] if minor < 29 else []
        self.file = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        self.addCleanup(os.unlink, self.file.name)

    def write(self, text):
        with open(self.file.name, "w") as f:
            f.write(text)

    def apply(self):
        r = self.kubectl.run("apply", *self.validate, "-f", self.file.name)
        self.assertEqual(r.returncode, 0, f"apply failed:\n{r.stderr}\n{r.stdout}")
        self.assertNotIn("warning", r.stderr.lower(), "kubectl must compute its patches without falling back")
        return r.stdout.splitlines()

    def deployment(self):
        return json.loads(self.ok("get", "deployment", "zpo", "-o", "json"))

    def test_apply_reapply_change_get_and_delete_every_kind(self):
        self.write(chart())
        self.assertEqual(self.apply(), [f"{name} created" for name in CREATED_NAMES])
        # Read back by kind names, as a user would (other tests' objects share the server: filter to ours).
        listed = json.loads(self.ok("get", ALL_KINDS, "-o", "json"))["items"]
        listed = {f'{o["kind"]}/{o["metadata"]["name"]}' for o in listed}
        self.assertEqual(len(listed & CHART_OBJECTS), len(CHART_OBJECTS), listed)
        before = json.loads(self.ok("get", "-f", self.file.name, "-o", "json"))["items"]
        self.assertEqual(len(before), len(CREATED_NAMES))

        # Unchanged: nothing is written, not even a resourceVersion.
        self.assertEqual(self.apply(), reapplied())
        again = json.loads(self.ok("get", "-f", self.file.name, "-o", "json"))["items"]
        self.assertEqual([o["metadata"]["resourceVersion"] for o in again],
                         [o["metadata"]["resourceVersion"] for o in before])

        deployment = self.deployment()
        self.assertEqual(deployment["metadata"]["generation"], 1)
        manager = deployment["spec"]["template"]["spec"]["containers"][0]
        self.assertEqual(manager["securityContext"]["capabilities"]["drop"], ["ALL"])
        self.assertEqual(manager["livenessProbe"]["httpGet"], {"path": "/healthz", "port": "health"})
        self.assertEqual(manager["resources"]["limits"], {"cpu": "500m", "memory": "128Mi"})
        self.assertEqual(deployment["spec"]["template"]["spec"]["volumes"][0]["secret"],
                         {"secretName": "zpo-credentials"})

        # A strategic merge patch adds one env var to the container named manager; the others stay.
        self.ok("patch", "deployment", "zpo", "-p", json.dumps(
            {"spec": {"template": {"spec": {"containers": [
                {"name": "manager", "env": [{"name": "EXTRA", "value": "1"}]}]}}}}))
        patched = self.deployment()
        env = [e["name"] for e in patched["spec"]["template"]["spec"]["containers"][0]["env"]]
        self.assertEqual(env, ["ZENLAYERCLOUD_ACCESS_KEY_ID", "LOG_LEVEL", "EXTRA"])
        self.assertEqual(patched["metadata"]["generation"], 2, "a template change is a spec change")
        # kubectl now sends only `$setElementOrder/env` for the Deployment (so it says "configured", as against a
        # real cluster); keeping the server-only var after the listed ones changes nothing: no write.
        self.assertEqual(self.apply(), reapplied(configured=[CREATED_NAMES[2]]))
        self.assertEqual(self.deployment()["metadata"]["resourceVersion"], patched["metadata"]["resourceVersion"])

        # Changed: the Deployment and the Role are patched.
        self.write(chart(replicas=2, image="zpo:1.1", lease_verbs="get, create, update, delete"))
        self.assertEqual(self.apply(), reapplied(configured=CREATED_NAMES[2:4]))
        deployment = self.deployment()
        self.assertEqual(deployment["spec"]["replicas"], 2)
        self.assertEqual(deployment["metadata"]["generation"], 3)
        manager = deployment["spec"]["template"]["spec"]["containers"][0]
        self.assertEqual(manager["image"], "zpo:1.1")
        self.assertEqual([e["name"] for e in manager["env"]], ["ZENLAYERCLOUD_ACCESS_KEY_ID", "LOG_LEVEL", "EXTRA"],
                         "containers merge by name: a var added on the server survives the apply")
        self.assertEqual([p["containerPort"] for p in manager["ports"]], [8080, 8081])
        role = json.loads(self.ok("get", "role", "zpo-leader", "-o", "json"))
        self.assertEqual(role["rules"][0]["verbs"], ["get", "create", "update", "delete"])

        # The real server's columns.
        deploy = self.ok("get", "deploy")
        self.assertEqual(header(deploy), ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"])
        self.assertEqual(row(deploy, "zpo")[:4], ["zpo", "0/2", "0", "0"])
        wide = self.ok("get", "deploy", "-o", "wide")
        self.assertEqual(row(wide, "zpo")[5:], ["manager", "zpo:1.1", "app.kubernetes.io/name=zpo"])
        svc = self.ok("get", "svc")
        self.assertEqual(header(svc), ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"])
        cells = row(svc, "zpo-metrics")
        self.assertEqual(cells[1], "ClusterIP")
        self.assertRegex(cells[2], r"^10\.96\.\d+\.\d+$")
        self.assertEqual(cells[3:5], ["<none>", "8080/TCP"])
        pdb = self.ok("get", "pdb")
        self.assertEqual(header(pdb), ["NAME", "MIN", "AVAILABLE", "MAX", "UNAVAILABLE", "ALLOWED", "DISRUPTIONS",
                                       "AGE"])
        self.assertEqual(row(pdb, "zpo")[:4], ["zpo", "1", "N/A", "0"])
        self.assertEqual(row(self.ok("get", "sa"), "zpo")[:2], ["zpo", "0"])
        self.assertEqual(row(self.ok("get", "rolebinding"), "zpo-leader")[:2], ["zpo-leader", "Role/zpo-leader"])
        self.assertEqual(row(self.ok("get", "clusterrolebinding"), "zpo")[:2], ["zpo", "ClusterRole/zpo"])
        for kind, name in (("role", "zpo-leader"), ("clusterrole", "zpo"), ("crd", "zenlayerports.sdn.zenlayer.com")):
            table = self.ok("get", kind)
            self.assertEqual(header(table), ["NAME", "CREATED", "AT"], kind)
            self.assertRegex(row(table, name)[1], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", kind)
        crd = json.loads(self.ok("get", "crd", "zenlayerports.sdn.zenlayer.com", "-o", "json"))
        self.assertIn({"type": "Established", "status": "True"},
                      [{"type": c["type"], "status": c["status"]} for c in crd["status"]["conditions"]])
        # The ZenlayerPort resource given with --crd is still served.
        self.ok("get", "zenlayerports")

        r = self.kubectl.run("delete", "-f", self.file.name)
        self.assertEqual(r.returncode, 0, r.stderr)
        deleted = r.stdout.splitlines()
        self.assertEqual(len(deleted), len(CREATED_NAMES), r.stdout)
        for line, name in zip(deleted, CREATED_NAMES):
            self.assertIn(f'"{name.split("/")[1]}" deleted', line)
        self.assertEqual(self.ok("get", "-f", self.file.name, "--ignore-not-found", "-o", "name"), "")

    def test_a_deployment_whose_selector_misses_its_template_is_refused(self):
        manifest = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "bad-selector"},
                    "spec": {"selector": {"matchLabels": {"app": "a"}},
                             "template": {"metadata": {"labels": {"app": "b"}},
                                          "spec": {"containers": [{"name": "c", "image": "i"}]}}}}
        r = self.kubectl.run("apply", *self.validate, "-f", "-", stdin=json.dumps(manifest))
        self.assertEqual(r.returncode, 1, r.stdout)
        # kubectl words the server's `Deployment.apps "bad-selector" is invalid: ...` this way.
        self.assertIn('The Deployment "bad-selector" is invalid: spec.template.metadata.labels: Invalid value: '
                      'map[string]string{"app":"b"}: `selector` does not match template `labels`', r.stderr)
        self.assertEqual(self.ok("get", "deploy", "-o", "name"), "")

    def test_a_bindings_role_ref_cannot_change(self):
        binding = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                   "metadata": {"name": "fixed-ref"},
                   "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "one"},
                   "subjects": [{"kind": "ServiceAccount", "name": "x", "namespace": "default"}]}
        self.ok("apply", *self.validate, "-f", "-", stdin=json.dumps(binding))
        binding["roleRef"]["name"] = "two"
        r = self.kubectl.run("apply", *self.validate, "-f", "-", stdin=json.dumps(binding))
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("cannot change roleRef", r.stderr)
        stored = json.loads(self.ok("get", "rolebinding", "fixed-ref", "-o", "json"))
        self.assertEqual(stored["roleRef"]["name"], "one")


if __name__ == "__main__":
    e2e.main()
