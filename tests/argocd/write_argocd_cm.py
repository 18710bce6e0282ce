"""Writes argocd/argocd-cm.yaml from argocd/health.lua (the single source): run it after editing health.lua.
test_health.py fails while the two differ.

    /usr/bin/python3 tests/argocd/write_argocd_cm.py
"""

import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

HEADER = """\
# Ready-to-paste argocd-cm snippet: Argo CD's health check for ZenlayerPort resources (see docs/argocd.md).
# Merge its `data` key into your argocd-cm ConfigMap (namespace argocd by default), for example:
#   kubectl -n argocd patch configmap argocd-cm --type merge --patch-file argocd/argocd-cm.yaml
# Generated from argocd/health.lua by tests/argocd/write_argocd_cm.py; tests/argocd checks the two are the same.
apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  namespace: argocd
  labels:
    app.kubernetes.io/name: argocd-cm
    app.kubernetes.io/part-of: argocd
data:
  resource.customizations.health.sdn.zenlayer.com_ZenlayerPort: |
"""


def main():
    with open(os.path.join(ROOT, "argocd", "health.lua"), encoding="utf-8") as f:
        lines = f.read().splitlines()
    # A YAML literal block, indented four spaces; blank lines stay empty (no trailing spaces).
    body = "".join(("    " + line if line else "") + "\n" for line in lines)
    with open(os.path.join(ROOT, "argocd", "argocd-cm.yaml"), "w", encoding="utf-8") as f:
        f.write(HEADER + body)


if __name__ == "__main__":
    main()
