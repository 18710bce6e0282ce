"""Shared plumbing of the chart tests: the command line, rendering charts/zenlayer-port-operator with chart-render
(Helm's template engine in Go, tools/chart-render), and reading the rendered documents.

Every test file is a unittest module that ctest runs as
    /usr/bin/python3 FILE --chart-render BIN --chart DIR --crd FILE --examples DIR [--operator BIN]
                          [--kube-emulator BIN --zenlayer-emulator BIN --kubectl BIN --servicemonitor-crd FILE]
                          [unittest args]
and that can be run the same way by hand. A missing chart-render (no Go) makes it exit 77 (skipped).
"""

import argparse
import os
import shutil
import subprocess
import sys
import unittest

import yaml

SKIP_EXIT_CODE = 77

# What helm install would be run with in the README.
RELEASE = "zenlayer-port-operator"
NAMESPACE = "zenlayer-system"


class Options:
    chart_render = None
    chart = None
    crd = None
    examples = None
    operator = None
    kube_emulator = None
    zenlayer_emulator = None
    kubectl = None
    servicemonitor_crd = None


def main(needs=()):
    """Parses the options; exits 77 when chart-render or one of the binaries in `needs` is missing."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--chart-render", default="")
    parser.add_argument("--chart", required=True)
    parser.add_argument("--crd", required=True)
    parser.add_argument("--examples", required=True)
    parser.add_argument("--operator", default="")
    parser.add_argument("--kube-emulator", default="")
    parser.add_argument("--zenlayer-emulator", default="")
    parser.add_argument("--kubectl", default=shutil.which("kubectl") or "")
    parser.add_argument("--servicemonitor-crd", default="")
    known, rest = parser.parse_known_args()
    for name in vars(known):
        setattr(Options, name, getattr(known, name))
    for name in ("chart_render",) + tuple(needs):
        path = getattr(Options, name)
        if not path or not os.access(path, os.X_OK):
            print(f"SKIP: {name.replace('_', '-')} not found ({path!r})")
            sys.exit(SKIP_EXIT_CODE)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


class RenderError(Exception):
    """chart-render exited non-zero; the message is its stderr."""


def render(*args, values=(), release=RELEASE, namespace=NAMESPACE, notes=False):
    """Renders the chart like `helm template RELEASE CHART -n NAMESPACE ARGS...`; returns the YAML text.
    `values` are file paths passed with --values, in order."""
    command = [Options.chart_render, "--chart", Options.chart, "--release", release, "--namespace", namespace]
    for path in values:
        command += ["--values", path]
    if notes:
        command.append("--notes")
    command += list(args)
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise RenderError(result.stderr.strip() or f"chart-render exited {result.returncode}")
    return result.stdout


def documents(text):
    """The rendered objects, in order (empty documents dropped)."""
    return [d for d in yaml.safe_load_all(text) if d]


def sets(*pairs):
    """["--set", "k=v", ...] for each "k=v"."""
    out = []
    for pair in pairs:
        out += ["--set", pair]
    return out


class Render:
    """One render, indexed by kind and name."""

    def __init__(self, *args, values=(), release=RELEASE, namespace=NAMESPACE):
        self.text = render(*args, values=values, release=release, namespace=namespace)
        self.docs = documents(self.text)

    def kinds(self):
        return sorted(d["kind"] for d in self.docs)

    def all(self, kind):
        return [d for d in self.docs if d["kind"] == kind]

    def one(self, kind, name=None):
        found = [d for d in self.all(kind) if name is None or d["metadata"]["name"] == name]
        if len(found) != 1:
            raise AssertionError(f"expected one {kind} {name or ''} in the render, found {len(found)}: "
                                 f"{[(d['kind'], d['metadata']['name']) for d in self.docs]}")
        return found[0]

    def deployment(self):
        return self.one("Deployment")

    def pod(self):
        return self.deployment()["spec"]["template"]["spec"]

    def container(self):
        containers = self.pod()["containers"]
        if len(containers) != 1:
            raise AssertionError(f"expected one container, found {len(containers)}")
        return containers[0]

    def args(self):
        return self.container()["args"]

    def flag(self, name):
        """The value of --name=value in the container args (None when absent; "" for a bare switch)."""
        values = [a.split("=", 1)[1] if "=" in a else "" for a in self.args()
                  if a == "--" + name or a.startswith("--" + name + "=")]
        if len(values) > 1:
            raise AssertionError(f"--{name} given {len(values)} times: {self.args()}")
        return values[0] if values else None


def load_crd_file():
    with open(Options.crd) as f:
        return yaml.safe_load(f)
