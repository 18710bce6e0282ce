"""Applies renders of charts/zenlayer-port-operator with the real kubectl to kube-emulator and reads every object
back; then runs the real operator binary with exactly the arguments of the applied Deployment (read back from the
API server) and the credentials of the applied Secret written as the files the kubelet would mount, and checks it
becomes ready, takes its Lease, and adopts a port over HTTP from zenlayer-emulator.

    /usr/bin/python3 tests/chart/test_chart_apply.py --chart-render BUILD/tools/chart-render/bin/chart-render \
        --chart charts/zenlayer-port-operator --crd crds/sdn.zenlayer.com_zenlayerports.yaml \
        --examples examples/helm --servicemonitor-crd tests/chart/servicemonitor-crd.yaml \
        --kube-emulator BUILD/emulators/kube/server/kube-emulator --kubectl "$(which kubectl)" \
        --operator BUILD/controller/zenlayer-port-operator --zenlayer-emulator BUILD/emulators/zenlayer/zenlayer-emulator
"""

import base64
import json
import re
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest
import urllib.request

import yaml

import chart_support as cs
from chart_support import Options, Render, sets

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "kube_e2e"))
sys.path.insert(0, os.path.join(HERE, "..", "operator_e2e"))
import e2e_support  # noqa: E402  (needs the paths above)
from operator_support import free_port, http_get, wait_until  # noqa: E402

# The fields kubectl apply sends that an API server may change (or add) on the way; the rest must read back equal.
SERVER_FIELDS = ("uid", "resourceVersion", "generation", "creationTimestamp", "managedFields")
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def contains(actual, expected, path=""):
    """Returns the first path where `expected` is not a subset of `actual` (None when it is). Lists compare item by
    item; maps need every expected key. Defaults the server adds (e.g. a Service's clusterIP) are allowed."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{path}: expected a map, got {actual!r}"
        for key, value in expected.items():
            if key not in actual:
                return f"{path}.{key}: missing"
            problem = contains(actual[key], value, f"{path}.{key}")
            if problem:
                return problem
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return f"{path}: expected {expected!r}, got {actual!r}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            problem = contains(a, e, f"{path}[{i}]")
            if problem:
                return problem
        return None
    if actual != expected:
        return f"{path}: expected {expected!r}, got {actual!r}"
    return None


class ChartApplyCase(unittest.TestCase):
    """One kube-emulator for the class, serving the ZenlayerPort CRD and the ServiceMonitor stand-in. (kube-emulator
    stores a CRD written through the API, as the chart's is, but serves only the CRDs given with --crd.)"""

    @classmethod
    def setUpClass(cls):
        e2e_support.Options.emulator = Options.kube_emulator
        e2e_support.Options.crd = Options.crd
        cls.emulator = e2e_support.Emulator(extra_args=("--crd", Options.servicemonitor_crd))
        cls.kubectl = e2e_support.Kubectl(Options.kubectl, cls.emulator.kubeconfig)
        cls.namespaces = set()

    @classmethod
    def tearDownClass(cls):
        cls.emulator.stop()

    def ok(self, *args, stdin=None):
        result = self.kubectl.run(*args, stdin=stdin)
        self.assertEqual(result.returncode, 0, f"kubectl {' '.join(args)}: {result.stderr}")
        return result.stdout

    def ensure_namespace(self, name):
        if name in self.namespaces:
            return
        result = self.kubectl.run("create", "namespace", name)
        if result.returncode != 0 and "AlreadyExists" not in result.stderr:
            self.fail(f"kubectl create namespace {name}: {result.stderr}")
        self.namespaces.add(name)

    def apply_and_read_back(self, render):
        """kubectl apply -f the render, then kubectl get each object and compare with what was applied."""
        for doc in render.docs:
            if doc["metadata"].get("namespace"):
                self.ensure_namespace(doc["metadata"]["namespace"])
        out = self.ok("apply", "-f", "-", stdin=render.text)
        # One kubectl get for every object of the render (each kubectl run does a full discovery).
        listed = json.loads(self.ok("get", "-f", "-", "-o", "json", stdin=render.text))
        items = listed["items"] if listed.get("kind") == "List" else [listed]
        self.assertEqual([(i["kind"], i["metadata"]["name"]) for i in items],
                         [(d["kind"], d["metadata"]["name"]) for d in render.docs])
        back = {}
        for doc, got in zip(render.docs, items):
            kind, name = doc["kind"], doc["metadata"]["name"]
            self.assertRegex(out, rf"(?m)^{kind.lower()}(\.[a-z0-9.]+)?/{re.escape(name)} "
                                  r"(created|configured|unchanged)$")
            expected = json.loads(json.dumps(doc))  # the YAML's ints/bools as JSON would carry them
            got_annotations = got["metadata"].get("annotations", {})
            self.assertIn(LAST_APPLIED, got_annotations, f"{kind}/{name}")
            got["metadata"]["annotations"] = {k: v for k, v in got_annotations.items() if k != LAST_APPLIED}
            if not got["metadata"]["annotations"]:
                del got["metadata"]["annotations"]
            problem = contains(got, expected)
            self.assertIsNone(problem, f"{kind}/{name} read back differs at {problem}")
            for field in SERVER_FIELDS[:2]:
                self.assertIn(field, got["metadata"], f"{kind}/{name} has no metadata.{field}")
            back[(kind, name)] = got
        return back


class ApplyRenders(ChartApplyCase):
    def test_defaults(self):
        back = self.apply_and_read_back(Render())
        self.assertIn(("CustomResourceDefinition", "zenlayerports.sdn.zenlayer.com"), back)
        crd = back[("CustomResourceDefinition", "zenlayerports.sdn.zenlayer.com")]
        self.assertEqual(crd["metadata"]["annotations"], {"helm.sh/resource-policy": "keep"})

    def test_the_first_port_in_the_notes_applies(self):
        notes = cs.render(notes=True).split("templates/NOTES.txt", 1)[1]
        block = notes.split("save this as port.yaml", 1)[1].split("\nthen apply it", 1)[0].split("\n", 1)[1]
        manifest = textwrap.dedent(block).replace("YOUR_PORT_ID", "port-from-notes")
        self.ok("apply", "-f", "-", stdin=manifest)
        port = json.loads(self.ok("get", "zport", "my-port", "-o", "json"))
        self.assertEqual(port["spec"]["portId"], "port-from-notes")
        self.assertEqual(port["spec"]["deletionPolicy"], "Delete")

    def test_namespace_scoped_leader_elected_pdb_secret(self):
        self.apply_and_read_back(Render(*sets("watchNamespace=team-a", "replicaCount=2",
                                              "podDisruptionBudget.enabled=true", "credentials.create=true",
                                              "credentials.accessKeyId=id", "credentials.accessKeyPassword=pw"),
                                        release="scoped", namespace="ops-scoped"))

    def test_service_monitor(self):
        back = self.apply_and_read_back(Render("--api-versions", "monitoring.coreos.com/v1",
                                               *sets("serviceMonitor.enabled=true", "crds.enabled=false"),
                                               release="monitored", namespace="ops-monitored"))
        self.assertIn(("ServiceMonitor", "monitored-zenlayer-port-operator"), back)

    def test_custom_image_and_no_crd_keep(self):
        self.apply_and_read_back(Render(*sets("image.repository=registry.example.com/zpo", "image.tag=9.9.9",
                                              "imagePullSecrets[0].name=regcred", "crds.keep=false",
                                              "labelSelector=shard=b"),
                                        release="custom", namespace="ops-custom"))

    def test_every_example(self):
        for name in sorted(n for n in os.listdir(Options.examples) if n.endswith(".yaml")):
            with self.subTest(example=name):
                release = "ex-" + name[:-len(".yaml")]
                self.apply_and_read_back(Render(*sets("crds.enabled=false"),
                                                values=[os.path.join(Options.examples, name)],
                                                release=release, namespace=release))


class OperatorFromTheDeployment(ChartApplyCase):
    """The bonus that makes the chart real: every flag the Deployment passes exists and works."""

    def setUp(self):
        self.zenlayer_dir = tempfile.mkdtemp(prefix="chart-zenlayer-")
        self.addCleanup(shutil.rmtree, self.zenlayer_dir, ignore_errors=True)
        self.password = "pw-" + base64.b32encode(os.urandom(15)).decode()
        log = open(os.path.join(self.zenlayer_dir, "zenlayer.log"), "wb")
        self.addCleanup(log.close)
        self.zenlayer = subprocess.Popen(
            [Options.zenlayer_emulator, "--listen", "127.0.0.1:0", "--access-key-id", "chart-key",
             "--access-key-password", self.password], stdout=subprocess.PIPE, stderr=log, text=True)
        self.addCleanup(self._stop, self.zenlayer)
        line = self.zenlayer.stdout.readline().strip()
        self.assertTrue(line.startswith("listening on "), f"zenlayer-emulator: {line!r}")
        self.zenlayer_url = line[len("listening on "):]

    @staticmethod
    def _stop(process):
        if process.stdout:
            process.stdout.close()
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def zenlayer_admin(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.zenlayer_url + "/admin/" + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as reply:
            return json.loads(reply.read())

    def mount_secret_volume(self, deployment, namespace):
        """Writes the Deployment's secret volume as the kubelet would: each item (or every key) as a file, from the
        Secret read back from the API server. Returns {mountPath: directory}."""
        pod = deployment["spec"]["template"]["spec"]
        mounts = {}
        for volume in pod["volumes"]:
            secret = json.loads(self.ok("get", "secret", volume["secret"]["secretName"], "-n", namespace,
                                        "-o", "json"))
            data = {k: base64.b64decode(v) for k, v in secret["data"].items()}
            directory = tempfile.mkdtemp(prefix="chart-volume-")
            self.addCleanup(shutil.rmtree, directory, ignore_errors=True)
            items = volume["secret"].get("items") or [{"key": k, "path": k} for k in data]
            for item in items:
                with open(os.path.join(directory, item["path"]), "wb") as f:
                    f.write(data[item["key"]])
            for mount in pod["containers"][0]["volumeMounts"]:
                if mount["name"] == volume["name"]:
                    mounts[mount["mountPath"]] = directory
        return mounts

    def run_operator_from(self, deployment, namespace):
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        mounts = self.mount_secret_volume(deployment, namespace)
        args = []
        for arg in container["args"]:
            for mount_path, directory in mounts.items():
                if arg.endswith("=" + mount_path):
                    arg = arg[:-len(mount_path)] + directory
            args.append(arg)
        # In a pod the in-cluster config names the API server and the pod's namespace; here a kubeconfig does.
        env = {k: v for k, v in os.environ.items() if not k.startswith("ZENLAYERCLOUD_")}
        env["KUBECONFIG"] = self.emulator.kubeconfig
        log_path = os.path.join(self.zenlayer_dir, "operator.log")
        log = open(log_path, "wb")
        self.addCleanup(log.close)
        process = subprocess.Popen([Options.operator, *args], stdout=log, stderr=log, env=env)
        self.addCleanup(self._stop, process)
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        probe = container["readinessProbe"]["httpGet"]
        url = f"http://127.0.0.1:{ports[probe['port']]}{probe['path']}"

        def ready():
            if process.poll() is not None:
                with open(log_path) as f:
                    raise AssertionError(f"operator exited {process.returncode}: {f.read()[-3000:]}")
            return http_get(url)[0] == 200

        wait_until(ready, 30, message=f"{url} to answer 200")
        live = container["livenessProbe"]["httpGet"]
        self.assertEqual(http_get(f"http://127.0.0.1:{ports[live['port']]}{live['path']}")[0], 200)
        status, metrics = http_get(f"http://127.0.0.1:{ports['metrics']}/metrics")
        self.assertEqual(status, 200)
        self.assertIn("# TYPE", metrics)
        return process, log_path

    def test_the_operator_runs_with_the_deployments_arguments(self):
        namespace, release, watched = "ops-live", "live", "team-live"
        render = Render(values=[self.values_file({
            "replicaCount": 2, "watchNamespace": watched, "labelSelector": "shard=live",
            "credentials": {"create": True, "accessKeyId": "chart-key", "accessKeyPassword": self.password},
            "zenlayer": {"endpoint": self.zenlayer_url},
            "operator": {"pollInterval": "200ms", "maxPollInterval": "1s", "resyncPeriod": "2s"},
            "health": {"port": free_port()}, "metrics": {"port": free_port()}})],
            release=release, namespace=namespace)
        self.ensure_namespace(watched)
        back = self.apply_and_read_back(render)
        deployment = back[("Deployment", "live-zenlayer-port-operator")]
        process, log_path = self.run_operator_from(deployment, namespace)

        # Leader election on (two replicas): the Lease the chart names, in the release namespace.
        lease = wait_until(lambda: self._lease(namespace, "live-zenlayer-port-operator"), 20, message="the Lease")
        self.assertTrue(lease["spec"]["holderIdentity"])

        # A port in the watched namespace with the shard's label is adopted with the mounted credentials; one
        # without the label is left alone (--label-selector), and one elsewhere too (--namespace).
        port_id = "port-chart-live"
        self.zenlayer_admin("POST", "ports", {"portId": port_id})
        for name, ns, labels in (("mine", watched, {"shard": "live"}), ("other-shard", watched, {"shard": "x"}),
                                 ("elsewhere", "default", {"shard": "live"})):
            self.ok("apply", "-f", "-", stdin=json.dumps({
                "apiVersion": "sdn.zenlayer.com/v1alpha1", "kind": "ZenlayerPort",
                "metadata": {"name": name, "namespace": ns, "labels": labels},
                "spec": {"portId": port_id, "deletionPolicy": "Orphan"}}))
        wait_until(lambda: self._phase(watched, "mine") == "Ready", 30, message="the adopted port to be Ready")
        time.sleep(1.0)
        self.assertIsNone(self._phase(watched, "other-shard"))
        self.assertIsNone(self._phase("default", "elsewhere"))
        process.terminate()
        self.assertEqual(process.wait(timeout=30), 0)
        with open(log_path) as f:
            self.assertNotIn(self.password, f.read())

    def values_file(self, content):
        fd, path = tempfile.mkstemp(prefix="chart-values-", suffix=".yaml")
        with os.fdopen(fd, "w") as f:
            yaml.safe_dump(content, f)
        self.addCleanup(os.remove, path)
        return path

    def _lease(self, namespace, name):
        result = self.kubectl.run("get", "lease", name, "-n", namespace, "-o", "json")
        return json.loads(result.stdout) if result.returncode == 0 else None

    def _phase(self, namespace, name):
        obj = json.loads(self.ok("get", "zenlayerport", name, "-n", namespace, "-o", "json"))
        return obj.get("status", {}).get("phase")


if __name__ == "__main__":
    cs.main(needs=("kube_emulator", "kubectl", "operator", "zenlayer_emulator"))
