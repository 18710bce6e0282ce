"""Plumbing for the operator's end-to-end tests: the real zenlayer-port-operator binary, the real kubectl, and both
emulators over HTTP on 127.0.0.1.

Every test file is a unittest module that ctest runs as
    /usr/bin/python3 FILE --kube-emulator BIN --zenlayer-emulator BIN --operator BIN --zenlayerctl BIN
                          --crd FILE --kubectl BIN [unittest args]
and that can be run the same way by hand. A missing kubectl or operator binary makes it exit 77 (skipped).

Reuses tests/kube_e2e/e2e_support.py for the kube-emulator process, kubectl runs and line readers.
"""

import argparse
import json
import os
import random
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "kube_e2e"))
import e2e_support  # noqa: E402  (needs the path above)
from e2e_support import SKIP_EXIT_CODE, Kubectl, LineReader  # noqa: E402,F401

GROUP = "sdn.zenlayer.com"
API = "/apis/" + GROUP + "/v1alpha1"
FINALIZER = "sdn.zenlayer.com/finalizer"
MUTATIONS = ("TerminatePort", "DestroyPort", "RenewPort", "CreatePort", "ModifyPortAttribute")

# The cloud's asynchronous steps, short so a deletion takes about two seconds, long enough to be observed.
FAST_DELAYS = ["--create-delay-ms", "800", "--terminate-delay-ms", "300", "--terminate-lag-polls", "1",
               "--destroy-delay-ms", "300", "--destroyed-visible-ms", "500"]


def fast_delays(**overrides):
    """FAST_DELAYS with some flags changed, e.g. fast_delays(create_delay_ms=1500) (a flag may appear only once)."""
    args = list(FAST_DELAYS)
    for key, value in overrides.items():
        flag = "--" + key.replace("_", "-")
        if flag in args:
            args[args.index(flag) + 1] = str(value)
        else:
            args += [flag, str(value)]
    return tuple(args)


# Operator flags that make it poll quickly (the defaults are minutes, for a real cloud).
FAST_OPERATOR = ["--poll-interval", "200ms", "--max-poll-interval", "1s", "--resync-period", "2s",
                 "--error-retry-interval", "3s", "--log-level", "debug"]


class Options:
    kube_emulator = None
    zenlayer_emulator = None
    operator = None
    zenlayerctl = None
    crd = None
    kubectl = None


def main():
    """Parses the options, exits 77 when the operator or kubectl is missing, then runs unittest."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--kube-emulator", required=True)
    parser.add_argument("--zenlayer-emulator", required=True)
    parser.add_argument("--operator", required=True)
    parser.add_argument("--zenlayerctl", default="")
    parser.add_argument("--crd", required=True)
    parser.add_argument("--kubectl", default=shutil.which("kubectl") or "")
    known, rest = parser.parse_known_args()
    for name in ("kube_emulator", "zenlayer_emulator", "operator", "zenlayerctl", "crd", "kubectl"):
        setattr(Options, name, getattr(known, name))
    for what, path in (("kubectl", known.kubectl), ("zenlayer-port-operator", known.operator)):
        if not path or not os.access(path, os.X_OK):
            print(f"SKIP: {what} not found ({path!r})")
            sys.exit(SKIP_EXIT_CODE)
    e2e_support.Options.emulator = known.kube_emulator
    e2e_support.Options.crd = known.crd
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


def random_secret(prefix):
    return prefix + "-" + "".join(random.SystemRandom().choice(string.ascii_letters + string.digits)
                                  for _ in range(24))


def free_port():
    """A port nothing listens on right now (the operator's health and metrics servers are given one each)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout, interval=0.1, message="condition"):
    """Polls predicate until it returns a truthy value (returned), or raises AssertionError after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


def http_get(url):
    """GET: (status, body text), status 0 when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")
    except (urllib.error.URLError, ConnectionError, socket.timeout):
        return 0, ""


def http_json(method, url, body=None, timeout=10, content_type="application/json"):
    """One HTTP call; returns (status, decoded JSON or None). HTTP errors are returned, not raised."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            raw = reply.read()
            return reply.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw) if raw else None
        except ValueError:
            return e.code, None


class ZenlayerEmulator:
    """One zenlayer-emulator on 127.0.0.1:0 with a random key pair; its admin API seeds ports and reads calls."""

    def __init__(self, extra_args=(), access_key_id="e2e-key-id", password=None):
        self.access_key_id = access_key_id
        self.password = password or random_secret("pw")
        self.dir = tempfile.mkdtemp(prefix="zenlayer-e2e-")
        self.log_path = os.path.join(self.dir, "zenlayer-emulator.log")
        self._log = open(self.log_path, "wb")
        args = [Options.zenlayer_emulator, "--listen", "127.0.0.1:0", "--access-key-id", access_key_id,
                "--access-key-password", self.password, "--call-log-size", "200000", *extra_args]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self._log, text=True)
        reader = LineReader(self.process.stdout)
        line = reader.wait_for(lambda l: l.startswith("listening on "), timeout=15)
        if not line:
            self.process.kill()
            self.process.wait()
            tail = self.log_tail()
            self.stop(check=False)
            raise RuntimeError(f"zenlayer-emulator did not start: {tail}")
        self.url = line[len("listening on "):]

    def admin(self, method, path, body=None):
        status, reply = http_json(method, self.url + "/admin/" + path, body)
        if status != 200:
            raise RuntimeError(f"zenlayer-emulator admin {method} {path}: {status} {reply}")
        return reply

    def seed(self, ports):
        return self.admin("POST", "ports", ports)["portIds"]

    def ports(self):
        """Every port by id (including destroyed, unlisted ones) with the emulator's internal state."""
        return {p["portId"]: p for p in self.admin("GET", "ports")["ports"]}

    def calls(self, port_id=None, since=0):
        """The call log, oldest first; with port_id, only the calls naming that port (DescribePorts included)."""
        calls = self.admin("GET", f"calls?since={since}")["calls"]
        if port_id is None:
            return calls
        return [c for c in calls if c.get("portId") == port_id or port_id in c.get("portIds", [])]

    def stats(self):
        return self.admin("GET", "stats")

    def log_tail(self, lines=30):
        with open(self.log_path, "rb") as f:
            return b"".join(f.readlines()[-lines:]).decode(errors="replace")

    def stop(self, check=True):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        code, log = self.process.returncode, self.log_tail()
        shutil.rmtree(self.dir, ignore_errors=True)
        if check and code != 0:
            raise RuntimeError(f"zenlayer-emulator exited with {code} on SIGTERM; log:\n{log}")


class Operator:
    """One zenlayer-port-operator process. Its stderr (JSON log lines) goes to a file the tests read; the health
    and metrics servers get free ports picked here."""

    def __init__(self, kubeconfig, endpoint, access_key_id, password, extra_args=(), name="operator",
                 tuning=FAST_OPERATOR):
        self.name = name
        self.dir = tempfile.mkdtemp(prefix="operator-e2e-")
        self.log_path = os.path.join(self.dir, name + ".log")
        self.health_port = free_port()
        self.metrics_port = free_port()
        self.args = [Options.operator, "--kubeconfig", kubeconfig, "--zenlayer-endpoint", endpoint,
                     "--health-probe-bind-address", f"127.0.0.1:{self.health_port}",
                     "--metrics-bind-address", f"127.0.0.1:{self.metrics_port}", "--log-format", "json",
                     *tuning, *extra_args]
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ZENLAYERCLOUD_")}
        self.env.pop("KUBECONFIG", None)
        self.env["ZENLAYERCLOUD_ACCESS_KEY_ID"] = access_key_id
        self.env["ZENLAYERCLOUD_ACCESS_KEY_PASSWORD"] = password
        self.process = None
        self.restarts = 0
        self.start()

    def start(self):
        """Starts (or restarts, appending to the same log) and waits until /healthz answers."""
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(self.args, stdout=log, stderr=log, env=self.env)
        log.close()
        try:
            wait_until(lambda: self.process.poll() is not None or self.get("/healthz")[0] == 200, timeout=20,
                       interval=0.05, message=f"{self.name} /healthz")
        except AssertionError:
            raise AssertionError(f"{self.name} did not answer /healthz; log:\n{self.log_tail()}")
        if self.process.poll() is not None:
            raise AssertionError(f"{self.name} exited with {self.process.returncode}; log:\n{self.log_tail()}")

    def get(self, path, port=None):
        """GET on the health (default) or metrics server: (status, body text), status 0 when unreachable."""
        return http_get(f"http://127.0.0.1:{port or self.health_port}{path}")

    def metrics(self):
        status, body = self.get("/metrics", self.metrics_port)
        if status != 200:
            raise AssertionError(f"{self.name} /metrics answered {status}")
        return body

    def metric_sum(self, name, label_filter=None):
        """The sum of every sample of `name` (whose labels contain label_filter, e.g. 'action="TerminatePort"')."""
        total = 0.0
        for line in self.metrics().splitlines():
            if line.startswith("#") or not (line.startswith(name + "{") or line.startswith(name + " ")):
                continue
            if label_filter and label_filter not in line:
                continue
            total += float(line.rsplit(" ", 1)[1])
        return total

    def kill(self):
        """SIGKILL: the crash the operator must survive."""
        self.process.kill()
        self.process.wait()
        self.restarts += 1

    def terminate(self, timeout=30):
        """SIGTERM and wait; returns the exit code (the contract: 0 after draining)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                return "hung after SIGTERM"
        return self.process.returncode

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def log_lines(self):
        """The JSON log lines, decoded (lines that are not JSON are skipped)."""
        out = []
        for line in self.log_text().splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
        return out

    def log_tail(self, lines=40):
        return "\n".join(self.log_text().splitlines()[-lines:])

    def cleanup(self):
        """Kills the process if it still runs and removes its log, unless ZPO_E2E_KEEP_LOGS is set (debugging)."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if os.environ.get("ZPO_E2E_KEEP_LOGS"):
            print(f"{self.name} log kept: {self.log_path}", file=sys.stderr)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


class KubeApi:
    """Plain-HTTP calls to kube-emulator for what a test polls often (kubectl is used for what a user does)."""

    def __init__(self, url, namespace="default"):
        self.url = url
        self.ns = namespace

    def zports_url(self, name=""):
        return f"{self.url}{API}/namespaces/{self.ns}/zenlayerports" + (f"/{name}" if name else "")

    def list_zports(self):
        """Every ZenlayerPort by name; retries the emulator's injected faults (409/500/503)."""
        for _ in range(50):
            status, body = http_json("GET", self.zports_url())
            if status == 200:
                return {o["metadata"]["name"]: o for o in body["items"]}
            time.sleep(0.05)
        raise AssertionError(f"cannot list zenlayerports: {status} {body}")

    def get_zport(self, name):
        status, body = http_json("GET", self.zports_url(name))
        return body if status == 200 else None

    def events(self, name=None):
        status, body = http_json("GET", f"{self.url}/api/v1/namespaces/{self.ns}/events")
        if status != 200:
            raise AssertionError(f"cannot list events: {status}")
        items = body["items"]
        return [e for e in items if name is None or e.get("involvedObject", {}).get("name") == name]

    def lease(self, name):
        status, body = http_json("GET", f"{self.url}/apis/coordination.k8s.io/v1/namespaces/{self.ns}/leases/{name}")
        return body if status == 200 else None


class PhaseWatcher:
    """`kubectl get zports -w --output-watch-events -o json`, decoded on a thread: the phases each resource went
    through, in order (consecutive repeats folded), and which resources were deleted."""

    def __init__(self, kubectl):
        self.phases = {}
        self.deleted = set()
        self._lock = threading.Lock()
        self.process = kubectl.start("get", "zenlayerports", "-w", "--output-watch-events", "-o", "json")
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()

    def _pump(self):
        decoder = json.JSONDecoder()
        buffer = ""
        for chunk in iter(lambda: self.process.stdout.read(1), ""):
            buffer += chunk
            if chunk != "}":
                continue
            try:
                event, end = decoder.raw_decode(buffer.lstrip())
            except ValueError:
                continue
            buffer = ""
            self._record(event)

    def _record(self, event):
        obj = event.get("object", {})
        name = obj.get("metadata", {}).get("name")
        phase = obj.get("status", {}).get("phase")
        with self._lock:
            seen = self.phases.setdefault(name, [])
            if phase and (not seen or seen[-1] != phase):
                seen.append(phase)
            if event.get("type") == "DELETED":
                self.deleted.add(name)

    def phases_of(self, name):
        with self._lock:
            return list(self.phases.get(name, []))

    def was_deleted(self, name):
        with self._lock:
            return name in self.deleted

    def stop(self):
        return Kubectl.finish(self.process, timeout=1)


def port_manifest(name, port_id, policy=None, secret=None):
    spec = {"portId": port_id}
    if policy:
        spec["deletionPolicy"] = policy
    if secret:
        spec["credentialsSecretRef"] = {"name": secret}
    return {"apiVersion": GROUP + "/v1alpha1", "kind": "ZenlayerPort", "metadata": {"name": name}, "spec": spec}


def create_manifest(name, port_name, dc_id="SIN1", port_type="10G", entity="E2E Ltd", remarks=None, policy=None,
                    restore=None):
    """A ZenlayerPort without portId: the operator creates the port from these fields."""
    spec = {"dcId": dc_id, "portName": port_name, "portType": port_type, "businessEntityName": entity}
    if remarks is not None:
        spec["portRemarks"] = remarks
    if policy:
        spec["deletionPolicy"] = policy
    if restore is not None:
        spec["restore"] = restore
    return {"apiVersion": GROUP + "/v1alpha1", "kind": "ZenlayerPort", "metadata": {"name": name}, "spec": spec}


def live_ports_named(ports, port_name, dc_id=None):
    """The emulator's ports (from ZenlayerEmulator.ports()) called port_name (in dc_id) and not on their way out:
    what a second CreatePort of the same resource would show up as."""
    return [p for p in ports.values() if p.get("portName") == port_name and (dc_id is None or p.get("dcId") == dc_id)
            and p["portStatus"] not in ("DESTROYING", "DESTROYED")]


def zenlayerctl(zenlayer, *args):
    """Runs tools/zenlayerctl against the emulator with its key: a change made to a port behind the operator's
    back, as a person with the console would. Returns the CompletedProcess (raises when it fails)."""
    return subprocess.run([Options.zenlayerctl, "--endpoint", zenlayer.url, *args],
                          env={"ZENLAYERCLOUD_ACCESS_KEY_ID": zenlayer.access_key_id,
                               "ZENLAYERCLOUD_ACCESS_KEY_PASSWORD": zenlayer.password},
                          check=True, capture_output=True, text=True)


def manifest_list(items):
    """Several manifests as one multi-document YAML stream (each document JSON). Not a `kind: List`: kubectl
    validates a List against /api/v1's OpenAPI, which kube-emulator does not serve."""
    return "\n---\n".join(json.dumps(item) for item in items) + "\n"


def condition(obj, kind):
    for c in (obj or {}).get("status", {}).get("conditions", []):
        if c.get("type") == kind:
            return c
    return None


def check_call_log(test, calls, port_id, seeded_recycled=False, terminates=1):
    """The protocol, read from the emulator's call log for one port: no DestroyPort before an accepted
    TerminatePort (unless the port was seeded RECYCLED), and no more TerminatePorts than `terminates` plus one for
    each TerminatePort whose reply was lost, throttled or a server error (an unknown outcome justifies asking
    again; a refusal such as OPERATION_FAILED_FOR_RECYCLE_RESOURCE does not)."""
    mine = [c for c in calls if c.get("portId") == port_id]
    terminate_ok = seeded_recycled
    justified = 0
    sent = 0
    for c in mine:
        if c["action"] == "TerminatePort":
            sent += 1
            if c["fault"] or c["httpStatus"] in (401, 429) or c["httpStatus"] >= 500:
                justified += 1  # throttled, failed or reply lost: the outcome was unknown, asking again is right
            if c["committed"]:
                terminate_ok = True
        if c["action"] == "DestroyPort":
            test.assertTrue(terminate_ok, f"DestroyPort on {port_id} before any accepted TerminatePort: {mine}")
    test.assertLessEqual(sent, terminates + justified, f"TerminatePort repeated on {port_id}: {mine}")
    return mine


class OperatorTestCase(unittest.TestCase):
    """Both emulators, a kubectl on the kube-emulator's kubeconfig, and one operator per test class."""

    kube_args = ()
    zenlayer_args = tuple(FAST_DELAYS)
    operator_args = ()
    wrong_password = False  # start the operator with a password the emulator refuses

    @classmethod
    def setUpClass(cls):
        cls.kube = e2e_support.Emulator(cls.kube_args)
        cls.zenlayer = ZenlayerEmulator(cls.zenlayer_args)
        cls.api = KubeApi(cls.kube.url)
        cls.kubectl = PersistentKubectl(Options.kubectl, cls.kube.kubeconfig)
        password = random_secret("wrong") if cls.wrong_password else cls.zenlayer.password
        cls.operator_password = password
        cls.operators = []
        cls.start_operators(password)

    @classmethod
    def start_operators(cls, password):
        """Starts the class's operator(s); the leader-election test starts two."""
        cls.operator = cls.start_operator(password=password)

    @classmethod
    def start_operator(cls, password=None, extra_args=(), name="operator"):
        op = Operator(cls.kube.kubeconfig, cls.zenlayer.url, cls.zenlayer.access_key_id,
                      password or cls.zenlayer.password, [*cls.operator_args, *extra_args], name=name)
        cls.operators.append(op)
        return op

    @classmethod
    def tearDownClass(cls):
        failures = []
        for op in cls.operators:
            if op.process.poll() is not None:  # killed, or exited in a test that checked its exit code
                op.cleanup()
                continue
            code = op.terminate()
            if code != 0:
                failures.append(f"{op.name} exited {code} on SIGTERM; log:\n{op.log_tail()}")
            op.cleanup()
        cls.kubectl.close()
        cls.zenlayer.stop(check=False)
        cls.kube.stop()
        if failures:
            raise AssertionError("\n".join(failures))

    def run(self, result=None):
        """On a failure, prints the operator's log tail so the reason is in ctest's output."""
        before = len(result.failures) + len(result.errors) if result else 0
        out = super().run(result)
        if result and len(result.failures) + len(result.errors) > before:
            for op in self.operators:
                print(f"\n---- {op.name} log tail ----\n{op.log_tail(60)}", file=sys.stderr)
        return out

    def ok(self, *args, stdin=None):
        r = self.kubectl.run(*args, stdin=stdin)
        self.assertEqual(r.returncode, 0, f"kubectl {' '.join(args)} failed:\n{r.stderr}\n{r.stdout}")
        return r.stdout

    def apply(self, items):
        """kubectl apply of a List, retried while the kube-emulator injects 409s or 5xx."""
        for _ in range(20):
            r = self.kubectl.run("apply", "-f", "-", stdin=manifest_list(items))
            if r.returncode == 0:
                return
            time.sleep(0.1)
        self.fail(f"kubectl apply failed:\n{r.stderr}")

    def phase(self, name):
        obj = self.api.get_zport(name)
        return obj.get("status", {}).get("phase") if obj else None

    def wait_phase(self, name, phase, timeout=15):
        wait_until(lambda: self.phase(name) == phase, timeout, message=f"{name} phase {phase} "
                   f"(is {self.phase(name)})")
        return self.api.get_zport(name)

    def wait_gone(self, names, timeout=30):
        names = set(names)
        wait_until(lambda: not (names & set(self.api.list_zports())), timeout,
                   message=f"{sorted(names & set(self.api.list_zports()))[:5]}... to be gone")

    def assert_no_violations(self):
        stats = self.zenlayer.stats()
        self.assertEqual(stats["violations"]["count"], 0, f"protocol violations: {stats['violations']}")
        return stats

    def assert_port_released(self, port_id):
        port = self.zenlayer.ports().get(port_id)
        self.assertTrue(port is None or port["portStatus"] == "DESTROYED", f"port {port_id} left as {port}")


class PersistentKubectl(Kubectl):
    """Kubectl with one HOME and discovery cache for the whole class: the kube_e2e suites test first-time
    discovery; these tests test the operator, so each kubectl run should cost milliseconds, not an OpenAPI fetch."""

    def __init__(self, binary, kubeconfig):
        super().__init__(binary, kubeconfig)
        self.home = tempfile.mkdtemp(prefix="kubectl-home-")

    def run(self, *args, stdin=None, timeout=60):
        return subprocess.run(self._command(args, self.home), input=stdin, env=self._env(self.home), text=True,
                              capture_output=True, timeout=timeout)

    def start(self, *args):
        process = subprocess.Popen(self._command(args, self.home), env=self._env(self.home), text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        process.home = tempfile.mkdtemp(prefix="kubectl-unused-")  # Kubectl.finish removes it
        return process

    def close(self):
        shutil.rmtree(self.home, ignore_errors=True)


def secrets_in(text, secrets):
    """The secrets that appear in text (a test asserts this is empty)."""
    return [s for s in secrets if s and s in text]


def count_actions(calls, action, port_id=None):
    return sum(1 for c in calls if c["action"] == action and (port_id is None or c.get("portId") == port_id))

