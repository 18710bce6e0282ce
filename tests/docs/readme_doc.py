"""Reading README.md: its ```sh commands (with the line each starts on), its tables, and the names it uses.

The README is the reference a platform team reads first; tests/docs/test_readme.py holds it to the code with what
this module extracts. Everything here is pure text processing, so a failure can always name the README line.
"""

import re
from collections import namedtuple

# One shell command of a ```sh block: `line` is the README line it starts on (1-based), `text` the command with
# line continuations joined and the trailing comment removed, `section` the heading it sits under.
Command = namedtuple("Command", "line text section")

# One table row: its README line and its cells (stripped, without the outer pipes).
Row = namedtuple("Row", "line cells")


def strip_comment(line):
    """The line without a shell comment: a '#' at the start or after a blank, outside quotes."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line.rstrip()


def commands(text):
    """Every command of every ```sh block, in README order."""
    out = []
    section = ""
    in_block = False
    pending, pending_line = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not in_block:
            if raw.startswith("#"):
                section = raw.lstrip("#").strip()
            if raw.strip() == "```sh":
                in_block = True
            continue
        if raw.strip() == "```":
            in_block = False
            if pending:
                raise ValueError(f"README line {pending_line}: a command continues past the end of its block")
            continue
        line = strip_comment(raw)
        if not line.strip() and not pending:
            continue
        if not pending:
            pending_line = number
        if line.endswith("\\"):
            pending += line[:-1].rstrip() + " "
            continue
        out.append(Command(pending_line, " ".join((pending + line).split()), section))
        pending = ""
    if in_block:
        raise ValueError("README: a ```sh block is never closed")
    return out


def section_text(text, heading):
    """The text under the heading named `heading` (any level), up to the next heading of the same or a higher
    level, with each line's README number: [(number, line)]."""
    lines = text.splitlines()
    out = []
    level = None
    in_block = False
    for number, line in enumerate(lines, start=1):
        if line.startswith("```"):
            in_block = not in_block
        match = None if in_block else re.match(r"^(#+)\s+(.*)$", line)
        if level is None:
            if match and match.group(2).strip() == heading:
                level = len(match.group(1))
            continue
        if match and len(match.group(1)) <= level:
            break
        out.append((number, line))
    if level is None:
        raise ValueError(f"README has no heading {heading!r}")
    return out


def table_rows(numbered_lines):
    """The body rows of the first Markdown table in numbered_lines (header and separator skipped)."""
    rows = []
    started = False
    for number, line in numbered_lines:
        if line.startswith("|"):
            started = True
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows.append(Row(number, cells))
        elif started:
            break
    return [r for r in rows[2:]]


def ticked(cell):
    """The `code` spans of a Markdown cell or line."""
    return re.findall(r"`([^`]+)`", cell)


def prose_lines(text):
    """(number, line) of every line outside fenced blocks."""
    out = []
    in_block = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("```"):
            in_block = not in_block
            continue
        if not in_block:
            out.append((number, line))
    return out
