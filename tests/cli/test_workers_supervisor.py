"""The supervisor of `serve all --workers N` with stand-in workers (small Python processes):
it keeps N running, starts a dead one again, stops them all on request, and gives up with
exit code 1 when a worker keeps exiting as it starts (a bad setting)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from switchboard.workers import Supervisor, parse_slot


def sleeper(index: int, count: int) -> list[str]:
    return [sys.executable, "-c", "import time; time.sleep(600)"]


def running(supervisor: Supervisor) -> list[int]:
    return [w.proc.pid for w in supervisor.workers if w.proc is not None
            and w.proc.poll() is None]


def wait_for(check, within: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.05)


def test_keeps_every_worker_running_and_stops_them_on_request() -> None:
    supervisor = Supervisor(2, command=sleeper, backoff_s=0.05)
    codes: list[int] = []
    thread = threading.Thread(target=lambda: codes.append(supervisor.run()))
    thread.start()
    try:
        wait_for(lambda: len(running(supervisor)) == 2)
        first = running(supervisor)
        supervisor.workers[1].proc.kill()  # type: ignore[union-attr]
        wait_for(lambda: len(running(supervisor)) == 2 and first[1] not in running(supervisor))
        assert first[0] in running(supervisor)  # the other one was left alone
        procs = [w.proc for w in supervisor.workers]
    finally:
        supervisor.stop()
        thread.join(30)
    assert codes == [0]
    assert all(p is not None and p.poll() is not None for p in procs)  # SIGTERM ended them


def test_gives_up_when_a_worker_keeps_failing_to_start(caplog: pytest.LogCaptureFixture,
                                                        tmp_path: Path) -> None:
    starts = tmp_path / "starts"

    def failing(index: int, count: int) -> list[str]:
        return [sys.executable, "-c",
                f"open({str(starts)!r}, 'a').write('x'); raise SystemExit(3)"]

    with caplog.at_level(logging.WARNING, logger="switchboard.workers"):
        assert Supervisor(1, command=failing, backoff_s=0.01).run() == 1
    assert len(starts.read_text()) == 5  # MAX_QUICK_FAILURES tries, then it stops
    assert "keeps exiting as it starts" in caplog.text


def test_the_worker_slot_is_checked() -> None:
    assert parse_slot("1/2") == (1, 2)
    for bad in ("2/2", "-1/2", "x/2"):
        with pytest.raises(ValueError):
            parse_slot(bad)


def test_a_worker_ends_when_its_supervisor_is_killed(tmp_path: Path) -> None:
    """The supervisor SIGKILLed (no chance to stop anything): its workers get SIGTERM."""
    armed = tmp_path / "armed"
    (tmp_path / "worker.py").write_text(
        "import os, sys, time\n"
        "from switchboard.workers import die_with_supervisor\n"
        "die_with_supervisor(os.getppid())\n"
        "open(sys.argv[1], 'w').close()\n"
        "time.sleep(600)\n")
    script = tmp_path / "supervisor.py"
    script.write_text(
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, sys.argv[1], sys.argv[2]])\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(600)\n")
    supervisor = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path / "worker.py"), str(armed)],
        stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])})
    assert supervisor.stdout is not None
    worker = int(supervisor.stdout.readline())
    wait_for(armed.exists)
    supervisor.kill()
    supervisor.wait()
    wait_for(lambda: not Path(f"/proc/{worker}").exists()
             or "zombie" in Path(f"/proc/{worker}/status").read_text().lower())
