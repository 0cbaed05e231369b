"""`switchboard serve all --workers N`: N processes of the whole platform on one machine, so it
uses every core (one Python process uses one).

Each worker is a full replica of `serve all`: its services listen on loopback ports of their
own (picked by the OS) and its gateway calls its own services; the workers share the public
HTTP port (`SO_REUSEPORT`: the kernel spreads connections across them), the durable JetStream
consumers (messages spread across the workers, each handled once), and the database (relays,
schedulers and claims use `FOR UPDATE SKIP LOCKED`) — what makes replicas in Kubernetes safe
makes these safe. Workers without an API of their own (the Telegram bot runner, which follows
every bot's live events) run in worker 0 only: more of them would add no throughput.

This process only supervises: it starts the workers, restarts one that dies (backoff with
jitter; a worker that keeps dying at once stops everything with an error, as a bad setting
would), and on SIGTERM/SIGINT passes SIGTERM on and waits for the workers' drain.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from services.kernel.backoff import equal_jitter
from services.kernel.config import KernelSettings
from services.kernel.logging import configure_logging

log = logging.getLogger(__name__)

# A worker that exits within this many seconds of its start has failed to start...
STARTUP_S = 30.0
# ...and this many such failures in a row stop the whole server.
MAX_QUICK_FAILURES = 5
_POLL_S = 0.2
_PR_SET_PDEATHSIG = 1


def default_workers() -> int:
    """The cores this process may run on (its CPU affinity, which containers' cpusets set)."""
    return max(1, len(os.sched_getaffinity(0)))


def die_with_supervisor(supervisor_pid: int) -> None:
    """In a worker: SIGTERM (a drain) when the supervisor dies, even by SIGKILL, so it never
    leaves workers behind (Linux' PR_SET_PDEATHSIG; elsewhere nothing)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != supervisor_pid:  # it died before the line above
        os.kill(os.getpid(), signal.SIGTERM)


def parse_slot(value: str) -> tuple[int, int]:
    """`--worker i/n` (given by the supervisor to its workers): index and count."""
    index, _, count = value.partition("/")
    i, n = int(index), int(count)
    if not 0 <= i < n:
        raise ValueError(f"worker {value!r}: the index must be below the count")
    return i, n


@dataclass
class _Worker:
    index: int
    proc: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    quick_failures: int = 0
    restart_at: float | None = None


def worker_command(index: int, count: int) -> list[str]:
    return [sys.executable, "-m", "switchboard", "serve", "all", "--worker", f"{index}/{count}",
            "--supervisor", str(os.getpid())]


class Supervisor:
    """Keeps `count` workers running (`command(index, count)` starts one) until `stop()`."""

    def __init__(self, count: int, settings: KernelSettings | None = None, *,
                 command: Callable[[int, int], list[str]] = worker_command,
                 backoff_s: float = 1.0) -> None:
        self.count = count
        self.settings = settings or KernelSettings()
        self.workers = [_Worker(i) for i in range(count)]
        self._command, self._backoff_s = command, backoff_s
        self._stopping = False

    def stop(self) -> None:
        """Ask `run` to stop the workers and return (a signal handler calls this)."""
        self._stopping = True

    def run(self) -> int:
        """Until `stop()` (0, after the workers drained) or a worker that cannot start (1)."""
        for worker in self.workers:
            self._start(worker)
        code = 0
        while not self._stopping:
            now = time.monotonic()
            for worker in self.workers:
                if worker.restart_at is not None and now >= worker.restart_at:
                    self._start(worker)
                elif worker.proc is not None and worker.proc.poll() is not None \
                        and not self._schedule_restart(worker, now):
                    code, self._stopping = 1, True
                    break
            time.sleep(_POLL_S)
        self._stop_all()
        return code

    def _start(self, worker: _Worker) -> None:
        worker.proc = subprocess.Popen(self._command(worker.index, self.count),  # noqa: S603 (ours)
                                       stdin=subprocess.DEVNULL)
        worker.started_at, worker.restart_at = time.monotonic(), None
        log.info("worker started", extra={"worker": worker.index, "pid": worker.proc.pid})

    def _schedule_restart(self, worker: _Worker, now: float) -> bool:
        """A worker died: restart it after a backoff; False if it keeps failing to start."""
        assert worker.proc is not None
        code, worker.proc = worker.proc.returncode, None
        quick = now - worker.started_at < STARTUP_S
        worker.quick_failures = worker.quick_failures + 1 if quick else 1
        if worker.quick_failures >= MAX_QUICK_FAILURES:
            log.error("a worker keeps exiting as it starts; stopping (its log above says why)",
                      extra={"worker": worker.index, "exit_code": code,
                             "failures": worker.quick_failures})
            return False
        delay = equal_jitter(worker.quick_failures, self._backoff_s, 30 * self._backoff_s)
        worker.restart_at = now + delay
        log.warning("worker exited; restarting it", extra={
            "worker": worker.index, "exit_code": code, "restart_in_s": round(delay, 1)})
        return True

    def _stop_all(self) -> None:
        """SIGTERM to every worker, then SIGKILL to any still running past their drain."""
        running = [w.proc for w in self.workers if w.proc is not None and w.proc.poll() is None]
        for proc in running:
            proc.terminate()
        deadline = time.monotonic() + 2 * self.settings.shutdown_grace_s + 10
        for proc in running:
            try:
                proc.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("a worker did not stop in time; killing it", extra={"pid": proc.pid})
                proc.kill()
                proc.wait()


def supervise(count: int) -> int:
    """`serve all --workers N` (N > 1): the process's exit code."""
    settings = KernelSettings()
    configure_logging(settings.log_level, json=settings.log_json)
    supervisor = Supervisor(count, settings)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, frame: supervisor.stop())
    log.info("serving with workers", extra={"workers": count})
    return supervisor.run()
