"""The scheduler: a loop of the scheduling runtime that fires due schedules exactly once.

Each round, in one tenantless transaction, `claim_due_schedules` locks due schedules of every
tenant (FOR UPDATE SKIP LOCKED: another replica skips them) and `record_runs` moves each to its
next slot and records the slot's run; the commit releases them. A slot is recorded once
(unique index), so however many replicas run, each scheduled run exists once. Then pending
runs (new, manual, or left by a worker that stopped: `claim_runs`, a lease) are worked in
their tenant's unit (`worker.py`).

After downtime a schedule is due with a slot in the past: past `misfire_grace_s`, its policy
decides — FIRE_ONCE_LATE records one late run, SKIP one skipped run — and either way the next
slot is the first one after now, not one per missed slot. `now` is injectable (tests).

Platform jobs (`jobs/firing.py`) are fired by the same loop, the same way, each round.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from prometheus_client import Counter

from services.kernel.errors import DomainError
from services.kernel.unit import Units
from services.scheduling import recurrence as rec
from services.scheduling.config import SchedulingSettings
from services.scheduling.firing.worker import RunWorker
from services.scheduling.jobs.firing import PlatformJobFiring
from services.scheduling.models import MissedRunPolicy, RunStatus
from services.scheduling.repository import DueSchedule, Firing, SchedulingUnit

log = logging.getLogger(__name__)

RUNS_RECORDED = Counter("switchboard_scheduling_runs_recorded_total",
                        "Scheduled runs recorded, by kind", ["kind"])
RUNS_FINISHED = Counter("switchboard_scheduling_runs_finished_total",
                        "Runs worked to an outcome", ["status"])
_KINDS = ("on_time", "late", "skipped", "failed")


def plan(due: DueSchedule, now: datetime, grace_s: float) -> Firing:
    """The run of a due schedule's slot and its next slot. A rule that no longer computes (a
    zone gone from the system's tz database) fails its run and parks the schedule (no next
    run until it is updated) instead of failing every round for everyone."""
    try:
        rule = rec.rule_of(due.recurrence, due.local_time, due.time_zone)
        rec.validate(rule.recurrence)
    except (DomainError, KeyError, ValueError) as exc:
        log.error("a schedule's rule does not compute", extra={"schedule_id": str(due.id)})
        reason = exc.message if isinstance(exc, DomainError) else type(exc).__name__
        return Firing(due.id, due.next_run_at, None, RunStatus.FAILED, late=False, error=(
            f"the schedule's rule cannot be computed ({reason}); update it to resume"))
    missed = now - due.next_run_at > timedelta(seconds=grace_s)
    next_run_at = rec.next_run(rule, max(now, due.next_run_at))
    if not missed:
        return Firing(due.id, due.next_run_at, next_run_at, RunStatus.PENDING, late=False)
    if due.missed_run_policy == MissedRunPolicy.SKIP:
        return Firing(due.id, due.next_run_at, next_run_at, RunStatus.SKIPPED, late=True,
                      error="missed while no scheduler ran; skipped (missed-run policy SKIP)")
    return Firing(due.id, due.next_run_at, next_run_at, RunStatus.PENDING, late=True)


class Scheduler:
    def __init__(self, units: Units[SchedulingUnit], worker: RunWorker,
                 settings: SchedulingSettings, now: Callable[[], datetime] | None = None,
                 jobs: Callable[[Callable[[], None]], PlatformJobFiring] | None = None) -> None:
        self._units, self._worker, self._settings = units, worker, settings
        # Built here so a round that left work can wake this loop.
        self.jobs = jobs(self.wake) if jobs is not None else None
        self._now = now or (lambda: datetime.now(UTC))
        self._woken = asyncio.Event()
        for kind in _KINDS:
            RUNS_RECORDED.labels(kind)
        for status in RunStatus:
            RUNS_FINISHED.labels(status.value)

    def wake(self) -> None:
        """Look again now (a manual run was queued in this process)."""
        self._woken.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop`: fire what is due, work what is pending; again at once while there was
        a full batch, else after `scheduling_poll_s` or a wake. Platform jobs' runs in flight
        are waited for (each bounded by its deadline) before it returns."""
        try:
            while not stop.is_set():
                self._woken.clear()
                busy = False
                try:
                    if self.jobs is not None:
                        await self.jobs.fire()
                    busy = await self.fire_due() >= self._settings.scheduling_batch
                    busy = await self.work_pending() >= self._settings.scheduling_concurrency \
                        or busy
                except Exception:  # the database away for a moment: the next round tries again
                    log.exception("a scheduling round failed")
                if not busy:
                    await _first(stop, self._woken, self._settings.scheduling_poll_s)
        finally:
            if self.jobs is not None:
                await self.jobs.drain()

    async def fire_due(self) -> int:
        """Record the runs of every due schedule this transaction could lock; how many."""
        s = self._settings
        async with self._units.tenantless() as unit:
            now = self._now()
            due = await unit.schedules.claim_due(now, s.scheduling_batch)
            firings = [plan(d, now, s.scheduling_misfire_grace_s) for d in due]
            recorded = await unit.schedules.record(firings)
        for firing in firings:
            kind = firing.status.value if firing.status is not RunStatus.PENDING else \
                "late" if firing.late else "on_time"
            RUNS_RECORDED.labels(kind).inc()
        return recorded

    async def work_pending(self) -> int:
        """Lease pending runs (up to the concurrency) and work them; how many."""
        s = self._settings
        async with self._units.tenantless() as unit:
            claims = await unit.runs.claim(self._now(), s.scheduling_lease_s,
                                           s.scheduling_concurrency)
        results = await asyncio.gather(*(self._worker.work(c) for c in claims),
                                       return_exceptions=True)
        for claim, result in zip(claims, results, strict=True):
            if isinstance(result, BaseException):
                # Left pending: its lease runs out and a worker takes it again.
                log.error("working a schedule run failed", exc_info=result,
                          extra={"run_id": str(claim.id)})
            elif result is not None:
                RUNS_FINISHED.labels(result.value).inc()
        return len(claims)


async def _first(stop: asyncio.Event, woken: asyncio.Event, timeout_s: float) -> None:
    waiters = {asyncio.create_task(stop.wait()), asyncio.create_task(woken.wait())}
    try:
        await asyncio.wait(waiters, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
