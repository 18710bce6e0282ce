"""What a process costs, read from /proc: CPU seconds (utime + stime) and resident memory (now and peak)."""

import os

_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """utime + stime of the process (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        # The command name (field 2) may contain spaces: split after its closing parenthesis.
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS  # fields 14 and 15 of proc(5), counted from 1


def _status_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def rss_mib(pid):
    return _status_kib(pid, "VmRSS") / 1024


def peak_rss_mib(pid):
    """VmHWM: the most resident memory the process has had since it started."""
    return _status_kib(pid, "VmHWM") / 1024
