"""The Argo CD health check (argocd/health.lua) under Debian's lua5.1, as Argo CD runs it (Lua 5.1).

Every case of cases.yaml becomes a ZenlayerPort object, is written as a Lua table literal `obj = {...}`, and runs
with health.lua wrapped in a function; the status and message it returns are checked. The cases must cover every
phase of the CRD and every condition reason the operator's sources write, so a new phase or reason without a case
fails here. argocd/argocd-cm.yaml must embed health.lua byte for byte.

    /usr/bin/python3 tests/argocd/test_health.py [--lua lua5.1]
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HEALTH_LUA = os.path.join(ROOT, "argocd", "health.lua")
ARGOCD_CM = os.path.join(ROOT, "argocd", "argocd-cm.yaml")
CASES = os.path.join(os.path.dirname(__file__), "cases.yaml")
CRD = os.path.join(ROOT, "crds", "sdn.zenlayer.com_zenlayerports.yaml")
OPERATOR_SOURCES = os.path.join(ROOT, "controller", "port")
HEALTH_KEY = "resource.customizations.health.sdn.zenlayer.com_ZenlayerPort"
STATUSES = {"Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown"}

LUA = "lua5.1"


def lua_literal(value):
    """A Lua table constructor for JSON-like data (None becomes nil: the key is left out, as Argo CD's JSON
    conversion does)."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        # A JSON string literal is a valid Lua 5.1 string for these characters (\" \\ \n \t, no \u escapes
        # because ensure_ascii=False keeps the text as is and Lua reads the UTF-8 bytes verbatim).
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "{" + ", ".join(lua_literal(v) for v in value) + "}"
    if isinstance(value, dict):
        items = [f"[{json.dumps(k)}] = {lua_literal(v)}" for k, v in value.items() if v is not None]
        return "{" + ", ".join(items) + "}"
    raise TypeError(f"cannot write {value!r} as Lua")


def condition(kind, fields, generation):
    status, reason, message = fields
    # YAML reads True/False as booleans; the API has the strings.
    status = {True: "True", False: "False"}.get(status, status)
    return {"type": kind, "status": status, "reason": reason, "message": message,
            "observedGeneration": generation, "lastTransitionTime": "2026-12-05T10:00:00Z"}


def build_object(case):
    generation = case.get("generation", 1)
    spec = {"portId": "port-1", "deletionPolicy": "Delete", "restore": False}
    spec.update(case.get("spec", {}))
    metadata = {"name": "edge-1", "namespace": "network", "generation": generation,
                "finalizers": ["sdn.zenlayer.com/finalizer"]}
    if case.get("deleting"):
        metadata["deletionTimestamp"] = "2026-12-05T10:00:00Z"
    obj = {"apiVersion": "sdn.zenlayer.com/v1alpha1", "kind": "ZenlayerPort", "metadata": metadata, "spec": spec}
    if "status" in case:
        if case["status"] is not None:
            obj["status"] = case["status"]
        return obj
    condition_generation = case.get("condition_generation", generation)
    status = {"phase": case["phase"], "portId": "port-1",
              "observedGeneration": case.get("observed", generation), "conditions": []}
    for key, kind in (("ready", "Ready"), ("synced", "Synced")):
        if key in case:
            status["conditions"].append(condition(kind, case[key], condition_generation))
    obj["status"] = status
    return obj


def run_health(obj):
    """health.lua's answer for `obj`, by lua5.1: (status, message)."""
    with open(HEALTH_LUA, encoding="utf-8") as f:
        script = f.read()
    program = (
        "obj = " + lua_literal(obj) + "\n"
        "local function health()\n" + script + "\nend\n"
        "local hs = health()\n"
        'io.write(tostring(hs.status), "\\n", tostring(hs.message))\n'
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False, encoding="utf-8") as f:
        f.write(program)
        path = f.name
    try:
        result = subprocess.run([LUA, path], capture_output=True, text=True, timeout=30)
    finally:
        os.unlink(path)
    if result.returncode != 0:
        raise AssertionError(f"lua5.1 failed: {result.stderr.strip()}")
    status, _, message = result.stdout.partition("\n")
    return status, message


def load_cases():
    with open(CASES, encoding="utf-8") as f:
        return yaml.safe_load(f)


def operator_reasons():
    """Every condition reason controller/port writes: ready(...)/synced(...) calls, wait(...) stages, and the
    credentials problems of cloud_access.cpp."""
    reasons = set()
    patterns = [
        re.compile(r'\b(?:ready|synced)\(\s*"(?:True|False|Unknown)",\s*"(\w+)"'),
        re.compile(r'\bwait\(\s*[^,()]+(?:\([^()]*\))?,\s*"(\w+)"'),
        re.compile(r'CredentialsProblem\{\s*"(\w+)"'),
    ]
    for name in sorted(os.listdir(OPERATOR_SOURCES)):
        if not name.endswith(".cpp"):
            continue
        with open(os.path.join(OPERATOR_SOURCES, name), encoding="utf-8") as f:
            text = f.read()
        for pattern in patterns:
            reasons.update(pattern.findall(text))
    return reasons


class HealthCheck(unittest.TestCase):
    def test_every_case(self):
        for case in load_cases():
            with self.subTest(case=case["name"]):
                status, message = run_health(build_object(case))
                self.assertIn(status, STATUSES)
                self.assertEqual(status, case["expect"], f"message: {message}")
                for part in case.get("message", []):
                    self.assertIn(part, message)

    def test_cases_cover_every_phase(self):
        with open(CRD, encoding="utf-8") as f:
            crd = yaml.safe_load(f)
        status_schema = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["status"]
        phases = set(status_schema["properties"]["phase"]["enum"])
        covered = {case.get("phase") for case in load_cases()}
        self.assertEqual(phases - covered, set(), "phases with no case in cases.yaml")
        # Every phase a deletion can show is also seen with metadata.deletionTimestamp set (Ready is checked by
        # test_deletion_timestamp_alone_is_progressing).
        for phase in phases - {"Ready"}:
            self.assertTrue(any(c.get("phase") == phase and c.get("deleting") for c in load_cases()),
                            f"no case of {phase} while being deleted")

    def test_cases_cover_every_reason(self):
        reasons = operator_reasons()
        # The scan finds what it must (a broken pattern would make the coverage check vacuous).
        for known in ("PortRunning", "PortPrepaid", "Terminating", "Restoring", "CredentialsSecretNotFound",
                      "Updating", "ImmutableFieldChanged", "DeletionStuck"):
            self.assertIn(known, reasons)
        covered = set()
        for case in load_cases():
            for key in ("ready", "synced"):
                if key in case:
                    covered.add(case[key][1])
        self.assertEqual(reasons - covered, set(), "condition reasons with no case in cases.yaml")

    def test_deletion_timestamp_alone_is_progressing(self):
        # A Ready resource the moment it is deleted (Argo CD prune), before the operator writes a deletion phase.
        obj = build_object({"phase": "Ready", "deleting": True,
                            "ready": [True, "PortRunning", "the port is RUNNING"]})
        self.assertEqual(run_health(obj)[0], "Progressing")

    def test_argocd_cm_embeds_health_lua(self):
        with open(ARGOCD_CM, encoding="utf-8") as f:
            cm = yaml.safe_load(f)
        self.assertEqual(cm["apiVersion"], "v1")
        self.assertEqual(cm["kind"], "ConfigMap")
        self.assertEqual(cm["metadata"]["name"], "argocd-cm")
        with open(HEALTH_LUA, encoding="utf-8") as f:
            script = f.read()
        self.assertEqual(cm["data"][HEALTH_KEY], script, "argocd-cm.yaml must embed argocd/health.lua verbatim: run tests/argocd/write_argocd_cm.py")

    def test_script_is_lua51_without_os_or_io(self):
        # Argo CD's sandbox opens only the base, table, string and math libraries.
        with open(HEALTH_LUA, encoding="utf-8") as f:
            script = f.read()
        code = "\n".join(line.split("--", 1)[0] for line in script.splitlines())
        for library in ("os.", "io.", "require", "goto", "//"):
            self.assertNotIn(library, code)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--lua", default="lua5.1")
    args, rest = parser.parse_known_args()
    LUA = args.lua
    if shutil.which(LUA) is None:
        print(f"{LUA} not found (Debian package lua5.1)", file=sys.stderr)
        sys.exit(77)
    unittest.main(argv=[sys.argv[0]] + rest)
