#!/usr/bin/python3
"""README.md is held to the code: every command in its ```sh blocks is exercised, and every flag, metric, phase,
condition reason, Event reason, CRD field and chart value it names exists (and, for metrics, reasons, phases and
fields, every one that exists is documented).

ctest runs it as (see tests/docs/CMakeLists.txt)
    /usr/bin/python3 tests/docs/test_readme.py --operator BIN --kube-emulator BIN --zenlayer-emulator BIN
        --zenlayerctl BIN --kubectl BIN --build-dir DIR [--chart-render BIN] [unittest args]

How a command counts as exercised (see exercise() below):
  - kubectl, helm, zenlayer-port-operator, zenlayerctl, zenlayer-emulator and kube-emulator commands are RUN, in
    README order, against a kube-emulator, a zenlayer-emulator seeded with the examples' ports, and an operator,
    from a sandbox holding the repository's folders, with HOME's ~/.kube/config pointing at the kube-emulator.
    `helm` is tests/docs/helm_shim.py (chart-render + kubectl; this machine has no Helm). `NAME` stands for a
    ZenlayerPort the test creates first. A server command is started, must come up, and must exit 0 on SIGTERM.
  - `ctest ...` is run with -N (listed, not run: the suites run under ctest anyway) and must select a test.
  - scripts/test.sh must be what .ci/run runs; scripts/demo.sh is the demo (exists, executable, parses).
  - docker build (no container daemon here): the Dockerfile and scripts/check-image.sh, which runs its steps, exist.
  - benchmark binaries and targets: exist in this build (or, with ZPO_BUILD_BENCH=OFF, are declared in bench/).
A command that matches none of these fails the test, naming its README line.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import readme_doc  # noqa: E402  (needs the path above)

README = os.path.join(REPO, "README.md")
CRD = os.path.join(REPO, "crds", "sdn.zenlayer.com_zenlayerports.yaml")
VALUES = os.path.join(REPO, "charts", "zenlayer-port-operator", "values.yaml")
SKIP_EXIT_CODE = 77
# What some commands must print (README text -> regex on stdout): the walkthrough shows what the README says it shows.
EXPECTED_OUTPUT = {
    "kubectl get zports": r"(?m)^NAME\s+PORT-ID\s+PHASE\s+PORT-STATUS\s+READY\s+AGE\s*$",
    "kubectl get zenlayer": r"(?m)^(zenlayerport\.sdn\.zenlayer\.com/)?fra-uplink\s",
    "kubectl explain zenlayerport.spec": r"deletionPolicy",
    "kubectl get zport sin-edge -o jsonpath='{.metadata.generation} {.status.observedGeneration}{\"\n\"}'":
        r"^2 2\n$",
    "zenlayer-port-operator --help": r"--label-selector",
}
# What `NAME` in a README command stands for: a ZenlayerPort this test creates before running the commands.
PLACEHOLDER_PORT = "docs-port"


class Options:
    operator = kube_emulator = zenlayer_emulator = zenlayerctl = kubectl = build_dir = chart_render = None


def read(path):
    with open(path) as f:
        return f.read()


def readme():
    return read(README)


def at(line):
    return f"README.md:{line}"


# --- the code's names -------------------------------------------------------------------------------------------

PORT_SOURCES = os.path.join(REPO, "controller", "port")


def port_sources():
    text = ""
    for name in sorted(os.listdir(PORT_SOURCES)):
        if name.endswith((".cpp", ".hpp")):
            text += read(os.path.join(PORT_SOURCES, name))
    return text


def condition_reasons():
    """Every reason the operator puts on a condition, read from the calls that set one."""
    src = port_sources()
    reasons = set()
    # ready("False", "Reason", ...), synced(...), condition(kReady, "Reason", ...)
    reasons |= set(re.findall(r'\b(?:ready|synced)\(\s*"(?:True|False|Unknown)",\s*"([A-Z]\w+)"', src))
    reasons |= set(re.findall(r'\bcondition\(\s*\n?\s*k(?:Ready|Synced),\s*"([A-Z]\w+)"', src))
    # wait(Phase::X, "Reason", ...): the deletion stages
    reasons |= set(re.findall(r'\bwait\(\s*[^,]+,\s*"([A-Z]\w+)"', src))
    # CredentialsProblem{"Reason", ...}
    reasons |= set(re.findall(r'CredentialsProblem\{\s*"([A-Z]\w+)"', src))
    # synced("True", "Observed", ...) and the other literal reasons of helpers such as synced_ok()
    return reasons


def event_reasons():
    src = port_sources()
    reasons = set(re.findall(r'\{"[A-Z]\w+", EventKind::\w+, "([A-Z]\w+)"\}', src))  # kEventfulReasons
    reasons |= set(re.findall(r'PlannedEvent\{EventKind::\w+, "([A-Z]\w+)"', src))
    reasons |= set(re.findall(r'return \{"([A-Z]\w+)", "', read(os.path.join(PORT_SOURCES, "reconciler.cpp"))))
    reasons |= set(re.findall(r'EventKind::Warning, "([A-Z]\w+)"', src))
    return reasons


def code_phases():
    src = read(os.path.join(PORT_SOURCES, "zenlayer_port.hpp"))
    body = re.search(r"enum class Phase \{([^}]*)\}", src).group(1)
    return {p.strip() for p in body.split(",") if p.strip()}


def crd_schema():
    with open(CRD) as f:
        crd = yaml.safe_load(f)
    return crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]


def leaf_fields(schema, prefix=""):
    """Dotted paths of the schema's leaves; array items as name[] (conditions[].reason)."""
    out = set()
    for name, prop in (schema.get("properties") or {}).items():
        path = prefix + name
        if prop.get("type") == "object" and prop.get("properties"):
            out |= leaf_fields(prop, path + ".")
        elif prop.get("type") == "array" and (prop.get("items") or {}).get("properties"):
            out |= leaf_fields(prop["items"], path + "[].")
        else:
            out.add(path)
    return out


def help_flags(*command):
    result = subprocess.run(list(command), capture_output=True, text=True, timeout=30)
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", result.stdout + result.stderr))


# --- the static checks ----------------------------------------------------------------------------------------


class ReadmeNamesTest(unittest.TestCase):
    """Names the README uses exist in the code, and the code's phases, reasons, fields and metrics are documented."""

    def test_phases_are_the_crds_and_the_codes(self):
        rows = readme_doc.table_rows(readme_doc.section_text(readme(), "Phases"))
        documented = {}
        for row in rows:
            names = readme_doc.ticked(row.cells[0])
            self.assertEqual(len(names), 1, f"{at(row.line)}: one phase per row")
            documented[names[0]] = row.line
        crd_enum = set(crd_schema()["status"]["properties"]["phase"]["enum"])
        for phase, line in documented.items():
            self.assertIn(phase, code_phases(), f"{at(line)}: phase {phase} is not in controller/port's Phase enum")
            self.assertIn(phase, crd_enum, f"{at(line)}: phase {phase} is not in the CRD's status.phase enum")
        for phase in code_phases() | crd_enum:
            self.assertIn(phase, documented, f"phase {phase} (code or CRD) is missing from README's Phases table")

    def test_every_condition_reason_is_the_codes_and_documented(self):
        rows = readme_doc.table_rows(readme_doc.section_text(readme(), "Conditions and reasons"))
        code = condition_reasons()
        self.assertGreater(len(code), 20, "the reason extraction from controller/port found too few reasons")
        documented = {}
        for row in rows:
            names = readme_doc.ticked(row.cells[0])
            self.assertEqual(len(names), 1, f"{at(row.line)}: one reason per row")
            documented[names[0]] = row.line
        for reason, line in documented.items():
            self.assertIn(reason, code, f"{at(line)}: reason {reason} is never set by controller/port")
        for reason in sorted(code):
            self.assertIn(reason, documented, f"reason {reason} (set in controller/port) is not in the README's "
                                              "Conditions and reasons table")

    def test_event_reasons_are_the_codes(self):
        lines = readme_doc.section_text(readme(), "Conditions and reasons")
        paragraph = [(n, l) for n, l in lines if l.startswith("**Events.**")]
        self.assertEqual(len(paragraph), 1, "the Conditions and reasons section has one **Events.** paragraph")
        start = paragraph[0][0]
        text = ""
        for n, l in lines:
            if n >= start:
                if not l.strip():
                    break
                text += l + " "
        named = set(readme_doc.ticked(text))
        code = event_reasons()
        for reason in sorted(named):
            self.assertIn(reason, code | condition_reasons(),
                          f"{at(start)}: Event reason {reason} is neither an Event nor a condition reason in code")
        for reason in sorted(code):
            self.assertIn(reason, named, f"Event reason {reason} (controller/port) is missing from {at(start)}")

    def test_every_crd_field_is_in_the_reference_and_back(self):
        schema = crd_schema()
        for part in ("spec", "status"):
            rows = readme_doc.table_rows(readme_doc.section_text(readme(), part))
            fields = leaf_fields(schema[part])
            documented = {}
            for row in rows:
                for name in readme_doc.ticked(row.cells[0]):
                    documented[name] = row
            for name, row in documented.items():
                stem = name[:-2] if name.endswith("[]") else name
                self.assertTrue(any(f == stem or f.startswith(stem + ".") or f.startswith(stem + "[].")
                                    for f in fields), f"{at(row.line)}: {part}.{name} is not in the CRD")
            for field in sorted(fields):
                if field in documented:
                    continue
                # conditions[].reason is documented in the conditions[] row, by its last name.
                parent = field.split("[].")[0] + "[]" if "[]." in field else None
                row = documented.get(parent) if parent else None
                self.assertTrue(row and f"`{field.split('.')[-1]}`" in row.cells[-1],
                                f"{part}.{field} (CRD) is not in the README's {part} table")

    def test_every_link_resolves(self):
        text = readme()
        anchors = set()
        for line in text.splitlines():
            match = re.match(r"^#+\s+(.*)$", line)
            if match:
                anchors.add(re.sub(r"[^\w\- ]", "", match.group(1).strip().lower()).replace(" ", "-"))
        for number, line in readme_doc.prose_lines(text):
            for target in re.findall(r"\]\(([^)\s]+)\)", line):
                if target.startswith("#"):
                    self.assertIn(target[1:], anchors, f"{at(number)}: no heading for {target}")
                elif not re.match(r"^[a-z]+://", target):
                    self.assertTrue(os.path.exists(os.path.join(REPO, target.split("#")[0])),
                                    f"{at(number)}: {target} does not exist")

    def test_short_names_category_and_columns_are_the_crds(self):
        with open(CRD) as f:
            crd = yaml.safe_load(f)
        names = crd["spec"]["names"]
        self.assertEqual(names["shortNames"], ["zport", "zports"])
        self.assertEqual(names["categories"], ["zenlayer"])
        columns = [c["name"].upper() for c in crd["spec"]["versions"][0]["additionalPrinterColumns"]]
        self.assertEqual(columns, ["PORT-ID", "PHASE", "PORT-STATUS", "READY", "AGE"])
        text = readme()
        for column in columns:
            self.assertIn(f"`{column}`", text, f"printer column {column} is not named in the README")
        self.assertRegex(text, r"short\s+names\s+`zport`\s+and\s+`zports`,\s+category\s+`zenlayer`")

    def test_every_flag_named_exists(self):
        operator = help_flags(Options.operator, "--help")
        self.assertIn("--label-selector", operator, "could not read zenlayer-port-operator --help")
        known = (operator | help_flags(Options.zenlayerctl, "--help") | help_flags(Options.zenlayer_emulator, "--help")
                 | help_flags(Options.kube_emulator, "--help"))
        kubectl_flags = set()
        for sub in ("apply", "get", "wait", "delete", "patch", "create", "describe"):
            kubectl_flags |= help_flags(Options.kubectl, sub, "--help")
        kubectl_flags |= help_flags(Options.kubectl, "options")
        text = readme()
        # The operator's flag table: every flag in the first column is the operator's.
        for row in readme_doc.table_rows(readme_doc.section_text(text, "The operator: flags and runtime")):
            for flag in re.findall(r"--[a-z][a-z0-9-]*", row.cells[0] + " " + row.cells[-1]):
                self.assertIn(flag, operator, f"{at(row.line)}: {flag} is not in zenlayer-port-operator --help")
        # Prose: a flag of one of this repository's programs, or of kubectl (`--validate=false`).
        for number, line in readme_doc.prose_lines(text):
            for span in readme_doc.ticked(line):
                for flag in re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", span):
                    self.assertIn(flag, known | kubectl_flags, f"{at(number)}: {flag} is no program's flag")
            for flag in re.findall(r"(?<![\w`-])(--[a-z][a-z0-9-]*)", re.sub(r"`[^`]*`", "", line)):
                self.fail(f"{at(number)}: flag {flag} outside a code span")

    def test_the_flag_tables_defaults_are_the_operators(self):
        result = subprocess.run([Options.operator, "--help"], capture_output=True, text=True, timeout=30)
        defaults = dict(re.findall(r"^\s+(--[a-z][a-z0-9-]*) \S+ \(=([^)]*)\)", result.stdout, re.M))
        self.assertEqual(defaults.get("--poll-interval"), "5s", "could not read the defaults from --help")
        checked = 0
        for row in readme_doc.table_rows(readme_doc.section_text(readme(), "The operator: flags and runtime")):
            flags = re.findall(r"--[a-z][a-z0-9-]*", row.cells[0])
            documented = [d.strip().strip("`") for d in row.cells[1].split(",")]
            if len(documented) != len(flags):
                documented = [row.cells[1].strip("`")] * len(flags)  # one default for every flag of the row
            for flag, default in zip(flags, documented):
                if flag in defaults:
                    self.assertEqual(default, defaults[flag], f"{at(row.line)}: the default of {flag} is "
                                                              f"{defaults[flag]} (zenlayer-port-operator --help)")
                    checked += 1
        self.assertGreaterEqual(checked, 15, "too few defaults checked")

    def test_every_chart_value_named_exists(self):
        if not os.path.exists(VALUES):
            self.fail(f"{VALUES} does not exist: the README documents the chart's values")
        with open(VALUES) as f:
            values = yaml.safe_load(f)

        def exists(path):
            node = values
            for key in path.split("."):
                if not isinstance(node, dict) or key not in node:
                    return False
                node = node[key]
            return True

        not_values = ("spec.", "status.", "metadata.", "lastOperation.", "credentialsSecretRef.", "sdn.", "zenlayerport",
                      "coordination.", "helm.", "port::", "values.", "kubectl.", "docs.")
        named = []
        text = readme()
        for number, line in readme_doc.prose_lines(text):
            for span in readme_doc.ticked(line):
                if re.fullmatch(r"[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)+", span) and not span.startswith(not_values) \
                        and not re.search(r"\.(yaml|json|txt|md|sh|py|lua|cpp|hpp|io|com)$", span):
                    named.append((number, span))
            for span in re.findall(r"\bvalues? `([A-Za-z][\w.]*)`", line):
                named.append((number, span))
        for command in readme_doc.commands(text):
            for key in re.findall(r"--set(?:-string)?[ =]([A-Za-z][\w.]*)=", command.text):
                named.append((command.line, key))
        self.assertGreater(len(named), 8, "too few chart values found in the README")
        for number, path in named:
            self.assertTrue(exists(path), f"{at(number)}: chart value {path} is not in {os.path.relpath(VALUES, REPO)}")


# --- running the commands -------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_free(port):
    with socket.socket() as s:
        try:
            s.bind(("0.0.0.0", port))
            return True
        except OSError:
            return False


def http_get(url, timeout=5):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")
    except (urllib.error.URLError, ConnectionError, socket.timeout):
        return 0, ""


def wait_until(predicate, timeout, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


class Server:
    """A process that prints `listening on URL` on stdout (both emulators)."""

    def __init__(self, args, env=None, cwd=None):
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log, text=True, env=env, cwd=cwd)
        line = self.process.stdout.readline().strip()
        if not line.startswith("listening on "):
            self.stop()
            raise RuntimeError(f"{args[0]} did not start: {line!r}")
        self.url = line[len("listening on "):]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self.log.close()
        return self.process.returncode


class ReadmeCommandsTest(unittest.TestCase):
    """Every ```sh command of the README, exercised in README order."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="readme-")
        cls.password = "docs-" + os.urandom(12).hex()
        cls.zenlayer = Server([Options.zenlayer_emulator, "--listen", "127.0.0.1:0", "--access-key-id", "docs-key",
                               "--access-key-password", cls.password, "--create-delay-ms", "500",
                               "--terminate-delay-ms", "300", "--terminate-lag-polls", "1", "--destroy-delay-ms",
                               "300", "--destroyed-visible-ms", "300"])
        kubeconfig = os.path.join(cls.tmp, "kubeconfig")
        cls.kube = Server([Options.kube_emulator, "--listen", "127.0.0.1:0", "--crd", CRD,
                           "--write-kubeconfig", kubeconfig])
        # The ports the adopting examples name (portId), and the placeholder's.
        ports = [{"portId": "port-docs-1", "portName": PLACEHOLDER_PORT, "dcId": "FRA1"}]
        for name in sorted(os.listdir(os.path.join(REPO, "examples"))):
            if name.endswith(".yaml"):
                for doc in yaml.safe_load_all(read(os.path.join(REPO, "examples", name))):
                    if doc and doc.get("kind") == "ZenlayerPort" and "portId" in doc["spec"]:
                        ports.append({"portId": doc["spec"]["portId"], "portName": doc["metadata"]["name"],
                                      "dcId": "FRA1"})
        request = urllib.request.Request(cls.zenlayer.url + "/admin/ports", data=json.dumps(ports).encode(),
                                         method="POST", headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=10).read()

        # The user's machine: HOME with ~/.kube/config, the programs on the PATH, the repository's folders.
        cls.home = os.path.join(cls.tmp, "home")
        os.makedirs(os.path.join(cls.home, ".kube"))
        os.makedirs(os.path.join(cls.tmp, "empty-home", ".kube"))
        shutil.copy(kubeconfig, os.path.join(cls.home, ".kube", "config"))
        bin_dir = os.path.join(cls.tmp, "bin")
        os.makedirs(bin_dir)
        for name, target in (("zenlayer-port-operator", Options.operator), ("zenlayerctl", Options.zenlayerctl),
                             ("zenlayer-emulator", Options.zenlayer_emulator),
                             ("kube-emulator", Options.kube_emulator), ("kubectl", Options.kubectl),
                             ("helm", os.path.join(HERE, "helm_shim.py"))):
            os.symlink(os.path.abspath(target), os.path.join(bin_dir, name))
        cls.sandbox = os.path.join(cls.tmp, "repo")
        os.makedirs(cls.sandbox)
        for entry in os.listdir(REPO):
            if not entry.startswith((".", "build")):
                os.symlink(os.path.join(REPO, entry), os.path.join(cls.sandbox, entry))
        os.symlink(os.path.abspath(Options.build_dir), os.path.join(cls.sandbox, "build"))
        os.makedirs(os.path.join(cls.tmp, "helm-state"))
        cls.env = {"HOME": cls.home, "PATH": bin_dir + ":/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
                   "ZENLAYERCLOUD_ACCESS_KEY_ID": "docs-key", "ZENLAYERCLOUD_ACCESS_KEY_PASSWORD": cls.password,
                   "ZPO_HELM_STATE": os.path.join(cls.tmp, "helm-state"),
                   "ZPO_CHART_RENDER": Options.chart_render or "chart-render-not-built",
                   "PYTHONDONTWRITEBYTECODE": "1"}

        # The operator that serves the resources the commands create (the README's install runs it in a pod).
        cls.metrics_port = free_port()
        cls.operator_log = open(os.path.join(cls.tmp, "operator.log"), "wb")
        cls.operator = subprocess.Popen(
            [Options.operator, "--kubeconfig", kubeconfig, "--zenlayer-endpoint", cls.zenlayer.url,
             "--health-probe-bind-address", f"127.0.0.1:{free_port()}",
             "--metrics-bind-address", f"127.0.0.1:{cls.metrics_port}", "--poll-interval", "200ms",
             "--max-poll-interval", "1s", "--resync-period", "5s"],
            stdout=cls.operator_log, stderr=cls.operator_log, env=cls.env)
        placeholder = {"apiVersion": "sdn.zenlayer.com/v1alpha1", "kind": "ZenlayerPort",
                       "metadata": {"name": PLACEHOLDER_PORT}, "spec": {"portId": "port-docs-1"}}
        cls.run_shell(f"kubectl apply -f - <<'EOF'\n{json.dumps(placeholder)}\nEOF", check=True)

    @classmethod
    def tearDownClass(cls):
        if cls.operator.poll() is None:
            cls.operator.send_signal(signal.SIGTERM)
            try:
                cls.operator.wait(timeout=20)
            except subprocess.TimeoutExpired:
                cls.operator.kill()
                cls.operator.wait()
        cls.operator_log.close()
        cls.kube.stop()
        cls.zenlayer.stop()
        if os.environ.get("ZPO_DOCS_KEEP"):
            print(f"kept {cls.tmp}", file=sys.stderr)
        else:
            shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def run_shell(cls, command, check=False, timeout=180):
        result = subprocess.run(["bash", "-c", "set -eo pipefail\n" + command], cwd=cls.sandbox, env=cls.env,
                                capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"{command}: exit {result.returncode}\n{result.stdout}{result.stderr}")
        return result

    # One way to exercise each kind of command; each returns None when done, or what went wrong.

    def run_command(self, command):
        text = command.text.replace("NAME", PLACEHOLDER_PORT)
        result = self.run_shell(text)
        if result.returncode != 0:
            return f"exit {result.returncode}: {(result.stdout + result.stderr).strip()[-1500:]}"
        expected = EXPECTED_OUTPUT.get(command.text)
        if expected and not re.search(expected, result.stdout):
            return f"printed {result.stdout[-1500:]!r}, which does not match {expected!r}"
        return None

    def run_ctest(self, command):
        result = self.run_shell(command.text + " -N")
        if result.returncode != 0:
            return f"exit {result.returncode}: {result.stderr.strip()}"
        match = re.search(r"Total Tests: (\d+)", result.stdout)
        if not match or int(match.group(1)) == 0:
            return f"selects no test: {result.stdout.strip()[-500:]}"
        return None

    def run_server(self, command, ready, env=None):
        """Starts a server command as written, waits for `ready()`, then SIGTERM must make it exit 0."""
        process = subprocess.Popen(["bash", "-c", "exec " + command.text], cwd=self.sandbox, env=env or self.env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            ok = ready(process)
            if not ok:
                return f"did not come up; output: {process.stdout.read(2000) if process.poll() is not None else ''}"
            process.send_signal(signal.SIGTERM)
            code = process.wait(timeout=20)
            return None if code == 0 else f"exited {code} on SIGTERM"
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            process.stdout.close()

    def listening(self, process):
        line = process.stdout.readline()
        return line.startswith("listening on ")

    def operator_ready(self, process):
        # The README's out-of-cluster run: default probe address :8081, answers /readyz once its cache synced.
        return wait_until(lambda: process.poll() is None and http_get("http://127.0.0.1:8081/readyz")[0] == 200, 30)

    def exercise(self, command, background):
        words = command.text.split()
        head = words[0]
        if words[:2] == ["helm", "install"]:
            # The README's installs are alternatives: each after the previous release is uninstalled.
            namespace = words[words.index("-n") + 1] if "-n" in words else "default"
            if os.path.exists(os.path.join(self.env["ZPO_HELM_STATE"], f"{namespace}.{words[2]}.json")):
                uninstall = self.run_shell(f"helm uninstall {words[2]} -n {namespace}")
                if uninstall.returncode != 0:
                    return f"(uninstalling the previous alternative) {uninstall.stderr.strip()}"
        if head in ("kubectl", "helm") or head.startswith("KUBECONFIG="):
            return self.run_command(command)
        if head in ("zenlayerctl", "zenlayer-port-operator") and "--help" in words:
            return self.run_command(command)
        if head == "zenlayer-emulator":
            return self.run_server(command, self.listening)
        if head == "zenlayer-port-operator":
            if not wait_until(lambda: port_free(8081) and port_free(8080), 60, 1):
                return "ports 8080/8081 stay busy on this machine: cannot run the operator with its defaults"
            # Its ~/.kube/config names a cluster of its own without ZenlayerPorts: it comes up, syncs and is
            # ready, and never calls the real endpoint it is given (nothing here reaches the internet).
            empty = Server([Options.kube_emulator, "--listen", "127.0.0.1:0", "--crd", CRD,
                            "--write-kubeconfig", os.path.join(self.tmp, "empty-home", ".kube", "config")])
            try:
                return self.run_server(command, self.operator_ready,
                                       env=dict(self.env, HOME=os.path.join(self.tmp, "empty-home")))
            finally:
                empty.stop()
        if head.endswith("/kube-emulator") and command.text.endswith("&"):
            # Started in the background as written; the README's next command uses what it wrote.
            process = subprocess.Popen(["bash", "-c", "exec " + command.text[:-1]], cwd=self.sandbox,
                                       env=self.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            background.append(process)
            return None if self.listening(process) else "kube-emulator did not start"
        if head == "ctest":
            return self.run_ctest(command)
        if head == "scripts/test.sh":
            return None if "exec scripts/test.sh" in read(os.path.join(REPO, ".ci", "run")) else ".ci/run does not run it"
        if head == "scripts/demo.sh":
            path = os.path.join(REPO, head)
            if not os.access(path, os.X_OK):
                return "scripts/demo.sh is not executable"
            return None if subprocess.run(["bash", "-n", path]).returncode == 0 else "scripts/demo.sh does not parse"
        if words[:2] == ["docker", "build"]:
            for path in ("Dockerfile", "scripts/check-image.sh"):
                if not os.path.exists(os.path.join(REPO, path)):
                    return f"{path} does not exist"
            return None if "Dockerfile" in read(os.path.join(REPO, "scripts", "check-image.sh")) else \
                "scripts/check-image.sh does not read the Dockerfile"
        if head.startswith("build/bench/"):
            built = os.path.join(Options.build_dir, head[len("build/"):])
            if os.path.isdir(os.path.join(Options.build_dir, "bench")):
                return None if os.access(built, os.X_OK) else f"{built} is not built"
            name = os.path.basename(head)
            declared = read(os.path.join(REPO, os.path.dirname(head[len("build/"):]), "CMakeLists.txt"))
            return None if f"add_executable({name} " in declared else f"bench/ declares no {name}"
        if words[:3] == ["cmake", "--build", "build"] and "--target" in words:
            target = words[words.index("--target") + 1]
            if os.path.isdir(os.path.join(Options.build_dir, "bench")):
                listed = self.run_shell("cmake --build build --target help").stdout
                return None if re.search(rf"^{re.escape(target)}\b", listed, re.M) else f"no target {target}"
            declared = "".join(read(os.path.join(d, "CMakeLists.txt")) for d, _, files in os.walk(
                os.path.join(REPO, "bench")) if "CMakeLists.txt" in files)
            return None if f"add_custom_target({target}" in declared else f"bench/ declares no target {target}"
        return "no rule exercises this command (run it in the test, or have the demo or a test run it)"

    def test_every_command_runs(self):
        failures = []
        background = []
        commands = readme_doc.commands(readme())
        self.assertGreater(len(commands), 20, "too few commands found in README's ```sh blocks")
        try:
            previous_section = None
            for command in commands:
                if command.section != previous_section:
                    for process in background:  # a block's background server lives until the next section
                        process.terminate()
                        process.wait()
                        process.stdout.close()
                    background.clear()
                    previous_section = command.section
                problem = self.exercise(command, background)
                if problem:
                    failures.append(f"{at(command.line)}: {command.text}\n    {problem}")
        finally:
            for process in background:
                process.terminate()
                process.wait()
                process.stdout.close()
        self.assertFalse(failures, "README commands that do not work as written:\n" + "\n".join(failures))

    def test_every_metric_is_exported_and_documented(self):
        # Give the operator a moment to serve (it started in setUpClass).
        status, body = wait_until(lambda: http_get(f"http://127.0.0.1:{self.metrics_port}/metrics")[0] == 200
                                  and http_get(f"http://127.0.0.1:{self.metrics_port}/metrics"), 20)
        self.assertEqual(status, 200)
        exported = dict(re.findall(r"^# TYPE (\S+) (\S+)$", body, re.M))
        self.assertIn("zenlayer_ports", exported)
        rows = readme_doc.table_rows(readme_doc.section_text(readme(), "Metrics"))
        documented = {}
        for row in rows:
            names = readme_doc.ticked(row.cells[0])
            self.assertEqual(len(names), 1, f"{at(row.line)}: one metric per row")
            documented[names[0]] = row
            self.assertIn(names[0], exported, f"{at(row.line)}: metric {names[0]} is not exported by the operator")
            self.assertEqual(row.cells[1], exported[names[0]], f"{at(row.line)}: {names[0]} is a "
                                                                 f"{exported[names[0]]}")
        for name in exported:
            self.assertIn(name, documented, f"the operator exports {name}: document it in the README's Metrics")
        # Every metric-like name elsewhere in the README is one of them.
        for number, line in readme_doc.prose_lines(readme()):
            for name in re.findall(r"\b((?:zenlayer|controller_runtime|workqueue|process)_[a-z_]+)", line):
                self.assertIn(name, exported, f"{at(number)}: {name} is not a metric the operator exports")


def main():
    parser = argparse.ArgumentParser(add_help=False)
    for name in ("operator", "kube-emulator", "zenlayer-emulator", "zenlayerctl", "kubectl", "build-dir"):
        parser.add_argument("--" + name, required=True)
    parser.add_argument("--chart-render", default="")
    known, rest = parser.parse_known_args()
    for name in ("operator", "kube_emulator", "zenlayer_emulator", "zenlayerctl", "kubectl", "build_dir",
                 "chart_render"):
        value = getattr(known, name)
        setattr(Options, name, os.path.abspath(value) if value else value)  # commands run from a sandbox
    if not known.kubectl or not os.access(known.kubectl, os.X_OK):
        print(f"SKIP: kubectl not found ({known.kubectl!r})")
        sys.exit(SKIP_EXIT_CODE)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
