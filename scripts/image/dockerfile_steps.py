"""Prints the Dockerfile's instructions as one step per line, for scripts/check-image.sh to replay in debootstrap
roots: the check runs exactly what the Dockerfile says. Only what this repository's Dockerfile uses is
understood (FROM ... [AS name], WORKDIR, COPY [--from=stage] SRC... DEST, RUN in shell form, USER, ENTRYPOINT in
exec form, and the metadata-only ARG, LABEL, EXPOSE); anything else is an error, so a new instruction cannot be
skipped silently.

Output, tab-separated:  FROM <stage> <image> | WORKDIR <dir> | COPY <from-stage or -> <dest> <src>... |
RUN <shell command> | USER <user> | ENTRYPOINT <json array>

    /usr/bin/python3 scripts/image/dockerfile_steps.py Dockerfile
"""

import json
import shlex
import sys

METADATA = {"ARG", "LABEL", "EXPOSE"}


def instructions(text):
    """(keyword, arguments) with line continuations joined and comments dropped."""
    logical = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not logical and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            logical += line[:-1] + " "
            continue
        logical += line
        keyword, _, arguments = logical.partition(" ")
        yield keyword.upper(), arguments.strip()
        logical = ""
    if logical:
        raise SystemExit("Dockerfile ends inside a continued instruction")


def main(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    stage = 0
    for keyword, arguments in instructions(text):
        if keyword == "FROM":
            words = arguments.split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else str(stage)
            print(f"FROM\t{name}\t{words[0]}")
            stage += 1
        elif keyword in ("WORKDIR", "USER"):
            print(f"{keyword}\t{arguments}")
        elif keyword == "RUN":
            if arguments.startswith("[") or arguments.startswith("--"):
                raise SystemExit(f"RUN {arguments}: only the plain shell form is understood")
            print(f"RUN\t{arguments}")
        elif keyword == "COPY":
            words = shlex.split(arguments)
            source_stage = "-"
            if words[0].startswith("--from="):
                source_stage = words.pop(0)[len("--from="):]
            if any(w.startswith("--") for w in words) or len(words) < 2:
                raise SystemExit(f"COPY {arguments}: not understood")
            print("\t".join(["COPY", source_stage, words[-1]] + words[:-1]))
        elif keyword == "ENTRYPOINT":
            print(f"ENTRYPOINT\t{json.dumps(json.loads(arguments))}")
        elif keyword in METADATA:
            continue
        else:
            raise SystemExit(f"{keyword}: not understood by scripts/image/dockerfile_steps.py")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "Dockerfile")
