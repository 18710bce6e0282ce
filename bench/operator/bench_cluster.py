"""The benchmark's world: kube-emulator, zenlayer-emulator (with the benchmark's cloud delays), and the helpers the
scenarios share — creating and deleting N ZenlayerPorts fast, waiting for phases, snapshots of both emulators'
counters, and the operator's flags. Reuses tests/operator_e2e/operator_support.py for the processes."""

import collections
import json
import os
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "operator_e2e"))
import operator_support as s  # noqa: E402  (needs the path above)

ZPORTS = "zenlayerports.sdn.zenlayer.com"
STATUS = ZPORTS + "/status"
EVENTS = "events"
LEASES = "leases.coordination.k8s.io"


class CloudDelays:
    """The cloud's asynchronous steps as the zenlayer-emulator is told to play them."""

    def __init__(self, terminate_s, destroy_s, lag_polls=1, visible_s=120):
        self.terminate_s, self.destroy_s, self.lag_polls, self.visible_s = terminate_s, destroy_s, lag_polls, visible_s

    def emulator_args(self):
        return ["--terminate-delay-ms", str(int(self.terminate_s * 1000)),
                "--terminate-lag-polls", str(self.lag_polls),
                "--destroy-delay-ms", str(int(self.destroy_s * 1000)),
                "--destroyed-visible-ms", str(int(self.visible_s * 1000))]

    def describe(self):
        return (f"TerminatePort->RECYCLED {self.terminate_s:g} s (+{self.lag_polls} lagging poll), "
                f"DestroyPort->DESTROYED {self.destroy_s:g} s, DESTROYED listed {self.visible_s:g} s")


class OperatorTuning:
    """The operator flags every scenario uses (stated in the report)."""

    def __init__(self, workers, poll_interval_s, max_poll_interval_s, qps, burst):
        self.workers, self.poll_s, self.max_poll_s, self.qps, self.burst = (
            workers, poll_interval_s, max_poll_interval_s, qps, burst)

    def args(self):
        return ["--workers", str(self.workers), "--log-level", "info",
                "--poll-interval", f"{int(self.poll_s * 1000)}ms",
                "--max-poll-interval", f"{int(self.max_poll_s * 1000)}ms",
                "--zenlayer-qps", str(self.qps), "--zenlayer-burst", str(self.burst)]

    def describe(self):
        return " ".join(self.args())


class BenchCluster:
    """Both emulators, fresh. `stop()` ends them (and must be called)."""

    def __init__(self, binaries, delays):
        s.Options.zenlayer_emulator = binaries.zenlayer_emulator
        s.Options.operator = binaries.operator
        s.e2e_support.Options.emulator = binaries.kube_emulator
        s.e2e_support.Options.crd = binaries.crd
        self.kube = s.e2e_support.Emulator(["--history", "400000"])
        try:
            self.zenlayer = s.ZenlayerEmulator(delays.emulator_args())
        except Exception:
            self.kube.stop()
            raise
        self.api = s.KubeApi(self.kube.url)

    def stop(self):
        self.zenlayer.stop(check=False)
        self.kube.stop()

    # ---- resources -------------------------------------------------------------------------------------------

    def create_resources(self, names, port_ids, labels=None):
        def create(pair):
            name, port_id = pair
            manifest = s.port_manifest(name, port_id)
            if labels:
                manifest["metadata"]["labels"] = labels(name)
            for _ in range(20):
                status, body = s.http_json("POST", self.api.zports_url(), manifest)
                if status == 201:
                    return
                time.sleep(0.05)
            raise RuntimeError(f"create {name}: {status} {body}")

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(create, zip(names, port_ids)))

    def delete_collection(self, label_selector=""):
        """One DELETE on the collection (what `kubectl delete zports --all` amounts to): every resource is marked
        deleted at once, and the finalizers keep them. One benchmark write, excluded from the operator's."""
        url = self.api.zports_url() + (f"?labelSelector={urllib.parse.quote(label_selector)}" if label_selector
                                       else "")
        for _ in range(20):
            status, body = s.http_json("DELETE", url, timeout=600)
            if status in (200, 202):
                return
            time.sleep(0.05)
        raise RuntimeError(f"deletecollection: {status} {body}")

    def list_page(self):
        """(items by name, resourceVersion) of the collection in one request."""
        with urllib.request.urlopen(self.api.zports_url(), timeout=120) as reply:
            body = json.loads(reply.read())
        return {o["metadata"]["name"]: o for o in body["items"]}, body["metadata"]["resourceVersion"]

    def phases(self):
        items, _ = self.list_page()
        return collections.Counter(o.get("status", {}).get("phase", "-") for o in items.values())

    def wait_phase_count(self, phase, count, timeout, interval=1.0):
        s.wait_until(lambda: self.phases().get(phase, 0) >= count, timeout, interval=interval,
                     message=f"{count} resources {phase} (now {dict(self.phases())})")

    def wait_quiet(self, seconds=3.0, timeout=120):
        """Until neither emulator has seen a write or a call for `seconds`: nothing pending."""
        deadline = time.monotonic() + timeout
        last, since = None, time.monotonic()
        while time.monotonic() < deadline:
            now = (self.kube_writes_total(), self.zenlayer.stats()["calls"]["total"])
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= seconds:
                return
            time.sleep(0.25)
        raise AssertionError(f"still busy after {timeout}s")

    # ---- counters ------------------------------------------------------------------------------------------

    def kube_writes(self):
        """{resource[/sub]: {verb: n}} from kube-emulator's /admin/stats."""
        return self.kube.admin("GET", "/admin/stats")["writes"]

    def kube_writes_total(self):
        """Every write but the Leases' (leader election renews them every few seconds, pending work or not)."""
        return sum(n for resource, verbs in self.kube_writes().items() if resource != LEASES for n in verbs.values())

    def zenlayer_calls(self):
        return dict(self.zenlayer.stats()["calls"]["byAction"])


def writes_between(before, after):
    """{resource: {verb: n}} of the writes made between two kube_writes() snapshots."""
    out = {}
    for resource, verbs in after.items():
        for verb, n in verbs.items():
            d = n - before.get(resource, {}).get(verb, 0)
            if d:
                out.setdefault(resource, {})[verb] = d
    return out


def calls_between(before, after):
    return {a: n - before.get(a, 0) for a, n in after.items() if n - before.get(a, 0)}


def percentile(values, q):
    """The q-th percentile (0..100), nearest rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def parse_utc_millis(text):
    """'2026-12-05T18:01:02.345Z' -> seconds since the epoch."""
    import calendar
    seconds, millis = text.rstrip("Z").split(".")
    return calendar.timegm(time.strptime(seconds, "%Y-%m-%dT%H:%M:%S")) + int(millis) / 1000


class Sampler:
    """Samples a value every `interval` on a thread and keeps the maximum (e.g. a process's RSS)."""

    def __init__(self, read, interval=0.2):
        self.peak = 0.0
        self._read, self._interval = read, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.wait(self._interval):
            try:
                self.peak = max(self.peak, self._read())
            except OSError:
                return

    def stop(self):
        self._stop.set()
        self._thread.join()
        return self.peak
