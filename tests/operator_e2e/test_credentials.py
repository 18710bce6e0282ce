"""Credentials that go wrong and are repaired while the operator runs, each ending in the right condition and
recovering without a restart (the same process throughout):
- a resource's Secret holding a wrong password, then fixed (InvalidCredentials → Ready);
- a resource's Secret lacking the password key, then completed (InvalidCredentials naming the key → Ready);
- a resource's Secret deleted while in use, then created again (CredentialsSecretNotFound → Ready);
- the operator's own --zenlayer-credentials-dir, laid out as the kubelet mounts a Secret, holding a wrong password
  and then swapped to the right one, then losing a file, then repaired.
While a key is wrong the calls to the cloud stay bounded (measured from the emulator's call log: calls per minute,
printed); no password ever appears in the operator's log, Events, status or /metrics. Extends test_lifecycle.py's
Credentials class (wrong operator key, Secret-backed deletion, missing Secret at creation), which it does not
repeat.

    /usr/bin/python3 test_credentials.py --kube-emulator BIN --zenlayer-emulator BIN --operator BIN \
        --crd crds/sdn.zenlayer.com_zenlayerports.yaml [--kubectl BIN]
"""

import base64
import os
import shutil
import tempfile
import time

import operator_support as s

RETRY = 1.0  # --error-retry-interval, seconds
# FAST_OPERATOR, retrying every RETRY seconds.
TUNING = list(s.FAST_OPERATOR)
TUNING[TUNING.index("--error-retry-interval") + 1] = f"{RETRY:g}s"
RECHECK = 5.0  # how often the operator re-reads --zenlayer-credentials-dir (main.cpp)
WINDOW = 8.0  # seconds over which the call rate is measured while a key is wrong


def b64(text):
    return base64.b64encode(text.encode()).decode()


class MountedSecret:
    """A directory as the kubelet mounts a Secret: accessKeyId and accessKeyPassword are symlinks through ..data,
    which is swapped atomically (a rename) to a fresh timestamped directory on every change."""

    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="zpo-creds-")
        self.versions = 0

    def write(self, key_id, password):
        self.versions += 1
        version = f"..2026_01_01_00_00_{self.versions:02d}"
        os.mkdir(os.path.join(self.path, version))
        for name, value in (("accessKeyId", key_id), ("accessKeyPassword", password)):
            with open(os.path.join(self.path, version, name), "w") as f:
                f.write(value)
        tmp = os.path.join(self.path, "..data_tmp")
        os.symlink(version, tmp)
        os.rename(tmp, os.path.join(self.path, "..data"))
        for name in ("accessKeyId", "accessKeyPassword"):
            link = os.path.join(self.path, name)
            if not os.path.islink(link):
                os.symlink(os.path.join("..data", name), link)

    def remove_password(self):
        os.remove(os.path.join(self.path, "..data", "accessKeyPassword"))

    def cleanup(self):
        shutil.rmtree(self.path, ignore_errors=True)


class CredentialsTestCase(s.OperatorTestCase):
    """One operator retrying every second; helpers to wait for conditions and measure the refused-call rate."""

    extra_operator_args = ()
    wrong_passwords = []

    @classmethod
    def start_operators(cls, password):
        op = s.Operator(cls.kube.kubeconfig, cls.zenlayer.url, cls.zenlayer.access_key_id, password,
                        list(cls.extra_operator_args), tuning=TUNING)
        cls.operators.append(op)
        cls.operator = op
        cls.pid = op.process.pid

    def ready(self, name):
        return s.condition(self.api.get_zport(name), "Ready") or {}

    def wait_ready_reason(self, name, status, reason, timeout):
        s.wait_until(lambda: self.ready(name).get("status") == status and self.ready(name).get("reason") == reason,
                     timeout, message=f"{name} Ready={status} {reason} (is {self.ready(name)})")
        return self.ready(name)

    def wait_recovered(self, name, timeout):
        """Ready=True and phase Ready again; returns the seconds it took."""
        started = time.monotonic()
        s.wait_until(lambda: self.ready(name).get("status") == "True" and self.phase(name) == "Ready", timeout,
                     message=f"{name} to recover (Ready is {self.ready(name)})")
        return time.monotonic() - started

    def refused_calls_per_minute(self):
        """Counts the calls the cloud refused as unauthenticated (401) over WINDOW seconds; returns per minute."""
        start = max([c["seq"] for c in self.zenlayer.calls()] or [0])
        time.sleep(WINDOW)
        refused = [c for c in self.zenlayer.calls(since=start) if c["httpStatus"] == 401 and c["seq"] > start]
        return len(refused) * 60.0 / WINDOW

    def assert_bounded(self, per_minute, what):
        # One resource retried every RETRY seconds (±20% jitter) makes one DescribePorts per retry.
        limit = 60.0 / (RETRY * 0.8) + 60.0 / WINDOW
        print(f"\n{what}: {per_minute:.0f} refused calls per minute (--error-retry-interval {RETRY:g}s; "
              f"bound {limit:.0f})")
        self.assertGreater(per_minute, 0, "the key is retried")
        self.assertLessEqual(per_minute, limit, f"{what}: call storm while credentials are wrong")

    def assert_same_process(self):
        self.assertIsNone(self.operator.process.poll(), "the operator exited")
        self.assertEqual(self.operator.process.pid, self.pid, "the operator was restarted")
        self.assertEqual(self.operator.restarts, 0)

    def delete_and_release(self, name, port_id):
        self.ok("delete", "zenlayerport", name, "--wait=false")
        self.wait_gone([name], timeout=20)
        self.assert_port_released(port_id)

    def assert_no_secret_anywhere(self):
        secrets = [self.zenlayer.password, *self.wrong_passwords]
        self.assertEqual(s.secrets_in(self.operator.log_text(), secrets), [], "a password in the operator's log")
        self.assertEqual(s.secrets_in(self.ok("get", "events", "-o", "json"), secrets), [], "a password in an Event")
        self.assertEqual(s.secrets_in(self.ok("get", "zenlayerports", "-o", "json"), secrets), [],
                         "a password in a status")
        self.assertEqual(s.secrets_in(self.operator.metrics(), secrets), [], "a password in /metrics")


class SecretCredentials(CredentialsTestCase):
    """Resources bring their own key in a Secret; the operator's own key is right (and unused by them)."""

    wrong_passwords = [s.random_secret("wrong")]

    def secret(self, name, password, with_password=True):
        literals = [f"--from-literal=accessKeyId={self.zenlayer.access_key_id}"]
        if with_password:
            literals.append(f"--from-literal=accessKeyPassword={password}")
        self.ok("create", "secret", "generic", name, *literals)

    def test_wrong_password_then_fixed(self):
        self.secret("key-wrong", self.wrong_passwords[0])
        self.zenlayer.seed({"portId": "port-sec-wrong"})
        self.apply([s.port_manifest("sec-wrong", "port-sec-wrong", secret="key-wrong")])
        ready = self.wait_ready_reason("sec-wrong", "False", "InvalidCredentials", 15)
        self.assertRegex(ready.get("message", ""), "(?i)access key")
        s.wait_until(lambda: [e for e in self.api.events("sec-wrong")
                              if e.get("type") == "Warning" and e.get("reason") == "InvalidCredentials"], 5,
                     message="an InvalidCredentials Warning Event")
        self.assert_bounded(self.refused_calls_per_minute(), "Secret with a wrong password")

        self.ok("patch", "secret", "key-wrong", "-p",
                f'{{"data":{{"accessKeyPassword":"{b64(self.zenlayer.password)}"}}}}')
        took = self.wait_recovered("sec-wrong", timeout=10)
        print(f"recovered {took:.1f}s after the Secret was fixed")
        self.assertLess(took, RETRY * 1.2 + 3, "a refused key is read again at the next retry, not after 30 s")
        self.assert_same_process()
        self.delete_and_release("sec-wrong", "port-sec-wrong")
        self.assert_no_violations()

    def test_missing_password_key_then_added(self):
        self.secret("key-partial", None, with_password=False)
        self.zenlayer.seed({"portId": "port-sec-partial"})
        self.apply([s.port_manifest("sec-partial", "port-sec-partial", secret="key-partial")])
        ready = self.wait_ready_reason("sec-partial", "False", "InvalidCredentials", 15)
        self.assertIn("data.accessKeyPassword", ready.get("message", ""))
        before = len(self.zenlayer.calls("port-sec-partial"))
        time.sleep(3)
        self.assertEqual(len(self.zenlayer.calls("port-sec-partial")), before, "no call without a key")

        self.ok("patch", "secret", "key-partial", "-p",
                f'{{"data":{{"accessKeyPassword":"{b64(self.zenlayer.password)}"}}}}')
        took = self.wait_recovered("sec-partial", timeout=10)
        print(f"\nrecovered {took:.1f}s after the missing key was added")
        self.assert_same_process()
        self.delete_and_release("sec-partial", "port-sec-partial")

    def test_secret_deleted_in_use_then_recreated(self):
        self.secret("key-deleted", self.zenlayer.password)
        self.zenlayer.seed({"portId": "port-sec-deleted"})
        self.apply([s.port_manifest("sec-deleted", "port-sec-deleted", secret="key-deleted")])
        self.wait_phase("sec-deleted", "Ready")
        self.ok("delete", "secret", "key-deleted")
        # A Secret is cached for 30 s; the next read after that finds it gone (resync every 2 s).
        started = time.monotonic()
        ready = self.wait_ready_reason("sec-deleted", "False", "CredentialsSecretNotFound", 45)
        print(f"\nCredentialsSecretNotFound {time.monotonic() - started:.1f}s after the Secret was deleted")
        self.assertIn("key-deleted", ready.get("message", ""))
        before = len(self.zenlayer.calls("port-sec-deleted"))
        time.sleep(3)
        self.assertEqual(len(self.zenlayer.calls("port-sec-deleted")), before, "no call without a Secret")

        self.secret("key-deleted", self.zenlayer.password)
        took = self.wait_recovered("sec-deleted", timeout=10)
        print(f"recovered {took:.1f}s after the Secret was created again")
        self.assert_same_process()
        self.delete_and_release("sec-deleted", "port-sec-deleted")
        self.assert_no_violations()

    def test_zz_no_password_anywhere(self):
        """Runs last: by now the operator has logged, evented and written status about every key."""
        self.assert_no_secret_anywhere()


class OperatorCredentialsDirectory(CredentialsTestCase):
    """The operator's own key comes from --zenlayer-credentials-dir: wrong at start, swapped right, a file lost,
    repaired; the files are re-read within seconds."""

    wrong_passwords = [s.random_secret("wrong-dir")]

    @classmethod
    def setUpClass(cls):
        cls.mounted = MountedSecret()
        super().setUpClass()

    @classmethod
    def start_operators(cls, password):
        cls.mounted.write(cls.zenlayer.access_key_id, cls.wrong_passwords[0])
        cls.extra_operator_args = ("--zenlayer-credentials-dir", cls.mounted.path)
        super().start_operators(password)

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.mounted.cleanup()

    def test_rotated_files_are_used_without_a_restart(self):
        self.zenlayer.seed({"portId": "port-dir"})
        self.apply([s.port_manifest("dir", "port-dir")])
        self.wait_ready_reason("dir", "False", "InvalidCredentials", 15)
        self.assert_bounded(self.refused_calls_per_minute(), "operator key files with a wrong password")

        self.mounted.write(self.zenlayer.access_key_id, self.zenlayer.password)
        took = self.wait_recovered("dir", timeout=RECHECK + RETRY * 1.2 + 5)
        print(f"recovered {took:.1f}s after the files were swapped (re-read every {RECHECK:g}s)")
        self.assertTrue([l for l in self.operator.log_lines() if "credentials changed" in l.get("msg", "")],
                        "the change is logged")

        self.mounted.remove_password()
        # Noticed at the next re-read and the next observation (resync every 2 s).
        ready = self.wait_ready_reason("dir", "False", "InvalidCredentials", RECHECK + 10)
        self.assertIn("accessKeyPassword", ready.get("message", ""))
        self.mounted.write(self.zenlayer.access_key_id, self.zenlayer.password)
        took = self.wait_recovered("dir", timeout=RECHECK + RETRY * 1.2 + 5)
        print(f"recovered {took:.1f}s after the lost file came back")
        self.assert_same_process()
        self.delete_and_release("dir", "port-dir")
        self.assert_no_violations()

    def test_zz_no_password_anywhere(self):
        self.assert_no_secret_anywhere()


if __name__ == "__main__":
    s.main()
