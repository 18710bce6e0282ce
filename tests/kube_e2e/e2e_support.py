"""Shared plumbing for the kube-emulator end-to-end tests: command-line options, the emulator process, and kubectl
runs that each start from an empty discovery cache.

Every test file is a unittest module that ctest runs as
    /usr/bin/python3 FILE --emulator BIN --crd FILE [--kubectl-dir DIR --kubectl-version 1.NN] [unittest args]
and that can be run the same way by hand.
"""

import argparse
import json
import os
import queue
import select
import shutil
import subprocess
import sys
import unittest
import tempfile
import threading
import time
import unittest
import urllib.request

# ctest's SKIP_RETURN_CODE: the test cannot run here (a client is not installed), which is not a failure.
SKIP_EXIT_CODE = 77

GROUP = "sdn.zenlayer.com"
QUALIFIED = "zenlayerport." + GROUP  # how kubectl names the kind in its messages
RESOURCE = "zenlayerports." + GROUP  # how the server names the resource in Status messages


class Options:
    """The parsed command line, filled by main()."""

    emulator = None
    crd = None
    kubectl_dir = None
    kubectl_version = None


def main():
    """Parses the test options, skips (exit 77) when a required client is missing, then runs unittest."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--emulator", required=True)
    parser.add_argument("--crd", required=True)
    parser.add_argument("--kubectl-dir", default="")
    parser.add_argument("--kubectl-version", default="")
    known, rest = parser.parse_known_args()
    Options.emulator = known.emulator
    Options.crd = known.crd
    Options.kubectl_dir = known.kubectl_dir
    Options.kubectl_version = known.kubectl_version
    if known.kubectl_version and not os.access(kubectl_binary(), os.X_OK):
        print(f"SKIP: kubectl {known.kubectl_version} not installed (looked for {kubectl_binary()})")
        sys.exit(SKIP_EXIT_CODE)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


def kubectl_binary():
    if not Options.kubectl_dir:
        return ""
    return os.path.join(Options.kubectl_dir, "kubectl." + Options.kubectl_version)


class Emulator:
    """One kube-emulator process on 127.0.0.1 with a free port, and the kubeconfig it wrote for itself."""

    def __init__(self, extra_args=()):
        self.dir = tempfile.mkdtemp(prefix="kube-e2e-")
        self.kubeconfig = os.path.join(self.dir, "kubeconfig")
        self.log_path = os.path.join(self.dir, "emulator.log")
        self._log = open(self.log_path, "wb")
        args = [Options.emulator, "--listen", "127.0.0.1:0", "--crd", Options.crd,
                "--write-kubeconfig", self.kubeconfig, *extra_args]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self._log)
        self.url = self._read_listening_line(timeout=15)

    def _read_listening_line(self, timeout):
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline().decode().strip() if ready else ""
        prefix = "listening on "
        if not line.startswith(prefix):
            log = self.log_tail()
            try:
                self.stop()
            except RuntimeError:
                pass  # the missing line is the error to report
            raise RuntimeError(f"kube-emulator did not print '{prefix}URL' (got {line!r}); log: {log}")
        return line[len(prefix):]

    def admin(self, method, path, body=None):
        """Calls the emulator's admin API (plain HTTP emulators only) and returns the decoded JSON reply."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as reply:
            return json.loads(reply.read() or b"null")

    def wait_for_open_watches(self, count, timeout=10):
        """Waits until at least `count` watch streams are open, so a fault hits a watch that really exists."""
        deadline = time.monotonic() + timeout
        while self.admin("GET", "/admin/stats")["openWatches"] < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"fewer than {count} open watches after {timeout}s")
            time.sleep(0.05)

    def log_tail(self, lines=20):
        with open(self.log_path, "rb") as f:
            return b"".join(f.readlines()[-lines:]).decode(errors="replace")

    def stop(self):
        """Ends the emulator with SIGTERM. Raises (with its log) unless it exits 0 as documented; this also catches
        an emulator that crashed, or that a sanitizer build aborted, while the tests ran."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self._log.close()
        code, log = self.process.returncode, self.log_tail(40)
        shutil.rmtree(self.dir, ignore_errors=True)
        if code != 0:
            raise RuntimeError(f"kube-emulator exited with {code} on SIGTERM; its log ends with:\n{log}")


class Kubectl:
    """Runs one kubectl binary against a kubeconfig. Every invocation gets a fresh HOME and cache directory, so
    kubectl performs its full discovery (and OpenAPI download) each time, as a first-time user would."""

    def __init__(self, binary, kubeconfig):
        self.binary = binary
        self.kubeconfig = kubeconfig

    def _command(self, args, home):
        return [self.binary, "--kubeconfig", self.kubeconfig, "--cache-dir", os.path.join(home, "cache"), *args]

    def _env(self, home):
        env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
        env["HOME"] = home
        return env

    def run(self, *args, stdin=None, timeout=60):
        home = tempfile.mkdtemp(prefix="kubectl-home-")
        try:
            return subprocess.run(self._command(args, home), input=stdin, env=self._env(home), text=True,
                                  capture_output=True, timeout=timeout)
        finally:
            shutil.rmtree(home, ignore_errors=True)

    def start(self, *args):
        """Starts a long-running kubectl (get -w, wait); the caller reads it with LineReader and ends it."""
        home = tempfile.mkdtemp(prefix="kubectl-home-")
        process = subprocess.Popen(self._command(args, home), env=self._env(home), text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        process.home = home
        return process

    @staticmethod
    def finish(process, timeout=30):
        """Waits for a started kubectl (killing it after `timeout`) and returns (exit code, stdout, stderr)."""
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
        shutil.rmtree(process.home, ignore_errors=True)
        return process.returncode, out, err


class LineReader:
    """Collects a started process's stdout lines on a thread so a test can wait for a line with a deadline."""

    def __init__(self, stream):
        self._lines = queue.Queue()
        self.seen = []
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream):
        for line in stream:
            self._lines.put(line.rstrip("\n"))

    def wait_for(self, predicate, timeout=15):
        """Returns the first new line satisfying predicate, or None after timeout."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            try:
                line = self._lines.get(timeout=remaining)
            except queue.Empty:
                return None
            self.seen.append(line)
            if predicate(line):
                return line


def port_manifest(name, port_id, deletion_policy=None, finalizers=None, labels=None):
    """A ZenlayerPort manifest as YAML text (JSON is YAML, and needs no YAML library)."""
    metadata = {"name": name}
    if finalizers:
        metadata["finalizers"] = finalizers
    if labels:
        metadata["labels"] = labels
    spec = {"portId": port_id}
    if deletion_policy:
        spec["deletionPolicy"] = deletion_policy
    return json.dumps({"apiVersion": GROUP + "/v1alpha1", "kind": "ZenlayerPort", "metadata": metadata,
                       "spec": spec})


class KubectlTestCase(unittest.TestCase):
    """One emulator per test class, and a kubectl pointed at it."""

    @classmethod
    def setUpClass(cls):
        cls.emulator = Emulator()
        cls.kubectl = Kubectl(kubectl_binary(), cls.emulator.kubeconfig)

    @classmethod
    def tearDownClass(cls):
        cls.emulator.stop()

    def ok(self, *args, stdin=None):
        """Runs kubectl, asserts exit code 0, returns stdout."""
        r = self.kubectl.run(*args, stdin=stdin)
        self.assertEqual(r.returncode, 0, f"kubectl {' '.join(args)} failed:\n{r.stderr}\n{r.stdout}")
        return r.stdout
