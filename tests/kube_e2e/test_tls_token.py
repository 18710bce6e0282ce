#!/usr/bin/python3
"""kube-emulator serving HTTPS with a generated CA and requiring a bearer token: kubectl works through the
kubeconfig the emulator writes (CA data + token) and is refused as Unauthorized with a wrong token. (Without any
credentials kubectl would prompt for a username on the 401, so that case is not driven through kubectl.) Usage:
    /usr/bin/python3 test_tls_token.py --emulator BIN --crd CRD --kubectl-dir DIR --kubectl-version 1.33
"""

import os
import shutil
import tempfile
import unittest


import e2e_support as e2e
from e2e_support import QUALIFIED, Kubectl, port_manifest

TOKEN = "e2e-token-7f3a9c"
# kubectl's words for a 401; the parenthesis depends on which request failed first (discovery decodes the Status
# generically: "the server has asked for the client to provide credentials"; other requests say "Unauthorized").
UNAUTHORIZED = "error: You must be logged in to the server ("


class KubectlOverTlsWithToken(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tls_dir = tempfile.mkdtemp(prefix="kube-e2e-tls-")
        cls.emulator = e2e.Emulator(["--tls", "--tls-dir", cls.tls_dir, "--token", TOKEN, "--log-requests"])
        cls.kubectl = Kubectl(e2e.kubectl_binary(), cls.emulator.kubeconfig)

    @classmethod
    def tearDownClass(cls):
        cls.emulator.stop()
        shutil.rmtree(cls.tls_dir, ignore_errors=True)

    def test_serves_https_and_writes_its_ca(self):
        self.assertRegex(self.emulator.url, r"^https://127\.0\.0\.1:\d+$")
        with open(os.path.join(self.tls_dir, "ca.crt")) as f:
            self.assertIn("-----BEGIN CERTIFICATE-----", f.read())
        with open(self.emulator.kubeconfig) as f:
            kubeconfig = f.read()
        self.assertIn(self.emulator.url, kubeconfig)
        self.assertIn("certificate-authority-data", kubeconfig)

    def test_kubectl_with_the_written_kubeconfig_succeeds(self):
        r = self.kubectl.run("apply", "-f", "-", stdin=port_manifest("tls-demo", "sdnport-tls-1"))
        self.assertEqual((r.returncode, r.stdout.strip()), (0, f"{QUALIFIED}/tls-demo created"), r.stderr)
        r = self.kubectl.run("get", "zport", "tls-demo", "-o", "jsonpath={.spec.portId}")
        self.assertEqual((r.returncode, r.stdout), (0, "sdnport-tls-1"), r.stderr)

    def test_kubectl_with_a_wrong_token_is_unauthorized(self):
        r = self.kubectl.run("--token", "not-the-token", "get", "zports")
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn(UNAUTHORIZED, r.stderr)
        self.assertNotIn(TOKEN, r.stderr)
        r = self.kubectl.run("--token", "not-the-token", "get", "zport", "tls-demo", "-o", "name")
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertEqual(r.stdout, "")

    def test_the_emulator_log_never_shows_the_token(self):
        self.kubectl.run("get", "zports")
        with open(self.emulator.log_path, "rb") as f:
            self.assertNotIn(TOKEN.encode(), f.read())


if __name__ == "__main__":
    e2e.main()
