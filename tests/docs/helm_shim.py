#!/usr/bin/python3
"""`helm` for machines without Helm: the README's helm commands, done with tools/chart-render and kubectl.

tests/docs/test_readme.py puts this file on the PATH as `helm` (a symlink), with ZPO_CHART_RENDER naming the
chart-render binary and ZPO_HELM_STATE a directory where a release's values are kept between commands (Helm keeps
them in a release Secret). Only what the README uses is implemented, and anything else is refused, so the README
cannot name a helm flag this does not check:

  helm install NAME CHART [-n NS] [--create-namespace] [--set K=V]... [-f FILE]...
  helm upgrade NAME CHART [-n NS] [--reuse-values] [--set K=V]... [-f FILE]...
  helm uninstall NAME [-n NS]
  helm template NAME CHART [...same value flags]
  helm lint CHART [...same value flags]

install/upgrade render the chart and `kubectl apply` the objects in the release namespace; uninstall deletes what
the release rendered, except objects annotated helm.sh/resource-policy: keep (as Helm does).
"""

import json
import os
import subprocess
import sys

import yaml

VALUE_FLAGS = ("--set", "--set-string", "-f", "--values")


def fail(message):
    print(f"helm (test shim): {message}", file=sys.stderr)
    sys.exit(1)


def parse(args):
    """Splits helm's arguments into positionals and recognised options."""
    positionals, values, options = [], [], {"namespace": "default", "create_namespace": False,
                                              "reuse_values": False}
    i = 0
    while i < len(args):
        arg = args[i]
        if "=" in arg and arg.split("=", 1)[0] in VALUE_FLAGS + ("-n", "--namespace"):
            flag, value = arg.split("=", 1)
            args = args[:i] + [flag, value] + args[i + 1:]
            arg = flag
        if arg in VALUE_FLAGS:
            if i + 1 >= len(args):
                fail(f"{arg} needs a value")
            values.append(("--values" if arg in ("-f", "--values") else arg, args[i + 1]))
            i += 2
        elif arg in ("-n", "--namespace"):
            options["namespace"] = args[i + 1]
            i += 2
        elif arg == "--create-namespace":
            options["create_namespace"] = True
            i += 1
        elif arg == "--reuse-values":
            options["reuse_values"] = True
            i += 1
        elif arg.startswith("-"):
            fail(f"unknown flag {arg}")
        else:
            positionals.append(arg)
            i += 1
    return positionals, values, options


def render(name, chart, namespace, values, upgrade=False):
    command = [os.environ["ZPO_CHART_RENDER"], "--chart", chart, "--release", name, "--namespace", namespace]
    for flag, value in values:
        command += [flag, value]
    if upgrade:
        command.append("--is-upgrade")
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        fail(f"rendering {chart} failed: {result.stderr.strip()}")
    return result.stdout


def kubectl(*args, stdin=None):
    result = subprocess.run(["kubectl", *args], input=stdin, capture_output=True, text=True)
    sys.stdout.write(result.stdout)
    if result.returncode != 0:
        fail(f"kubectl {' '.join(args)} failed: {result.stderr.strip()}")


def by_namespace(manifests, namespace, skip=lambda doc: False):
    """The rendered objects grouped by the namespace kubectl must be told: an object's own metadata.namespace, else
    the release namespace (as Helm does; kubectl ignores it for cluster-scoped kinds)."""
    groups = {}
    for doc in yaml.safe_load_all(manifests):
        if not doc or skip(doc):
            continue
        target = (doc.get("metadata") or {}).get("namespace") or namespace
        groups.setdefault(target, []).append(doc)
    return {ns: "\n---\n".join(json.dumps(d) for d in docs) + "\n" for ns, docs in groups.items()}


def state_path(name, namespace):
    return os.path.join(os.environ["ZPO_HELM_STATE"], f"{namespace}.{name}.json")


def main():
    if len(sys.argv) < 2:
        fail("no command")
    command, rest = sys.argv[1], sys.argv[2:]
    positionals, values, options = parse(rest)
    namespace = options["namespace"]
    if command in ("install", "upgrade", "template"):
        if len(positionals) != 2:
            fail(f"{command} needs NAME and CHART, got {positionals}")
        name, chart = positionals
        if command == "upgrade" and options["reuse_values"]:
            try:
                with open(state_path(name, namespace)) as f:
                    values = [tuple(v) for v in json.load(f)["values"]] + values
            except FileNotFoundError:
                fail(f"upgrade: release {name} in {namespace} was never installed")
        manifests = render(name, chart, namespace, values, upgrade=command == "upgrade")
        if command == "template":
            sys.stdout.write(manifests)
            return
        if command == "install" and os.path.exists(state_path(name, namespace)):
            fail(f"install: release {name} in {namespace} already exists")
        if options["create_namespace"]:
            subprocess.run(["kubectl", "create", "namespace", namespace], capture_output=True)
        for target, stream in by_namespace(manifests, namespace).items():
            kubectl("apply", "-n", target, "-f", "-", stdin=stream)
        with open(state_path(name, namespace), "w") as f:
            json.dump({"chart": os.path.abspath(chart), "values": values}, f)
        print(f"NAME: {name}\nNAMESPACE: {namespace}\nSTATUS: deployed")
    elif command == "uninstall":
        if len(positionals) != 1:
            fail(f"uninstall needs NAME, got {positionals}")
        name = positionals[0]
        try:
            with open(state_path(name, namespace)) as f:
                release = json.load(f)
        except FileNotFoundError:
            fail(f"uninstall: release {name} not found in {namespace}")
        manifests = render(name, release["chart"], namespace, [tuple(v) for v in release["values"]])

        def kept(doc):
            annotations = (doc.get("metadata") or {}).get("annotations") or {}
            return annotations.get("helm.sh/resource-policy") == "keep"

        for target, stream in by_namespace(manifests, namespace, skip=kept).items():
            kubectl("delete", "-n", target, "--ignore-not-found", "--wait=false", "-f", "-", stdin=stream)
        os.remove(state_path(name, namespace))
        print(f'release "{name}" uninstalled')
    elif command == "lint":
        if len(positionals) != 1:
            fail(f"lint needs CHART, got {positionals}")
        render("release-name", positionals[0], namespace, values)
        print("1 chart(s) linted, 0 chart(s) failed")
    else:
        fail(f"command {command!r} is not one the README uses")


if __name__ == "__main__":
    main()
