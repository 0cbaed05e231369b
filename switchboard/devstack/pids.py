"""Whether a process still runs, as the embedded servers' restarts need to know it: a server
killed a moment ago stays a zombie until its parent (often init, for a daemonised server)
reaps it, and a zombie still answers `kill(pid, 0)`."""

from __future__ import annotations

import time
from pathlib import Path


def alive(pid: int) -> bool:
    """Whether `pid` runs; a zombie (dead, its parent yet to reap it) counts as gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def wait_reaped(pid: int, timeout_s: float) -> bool:
    """Wait until no process `pid` exists at all, zombie included (True), or `timeout_s`
    passed (False)."""
    deadline = time.monotonic() + timeout_s
    while Path(f"/proc/{pid}").exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
