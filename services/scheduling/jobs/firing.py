"""Platform jobs fired by the scheduler's loop with the schedules' mechanism.

Each round, in one tenantless transaction: runs whose lease ran out are failed; due jobs are
locked (FOR UPDATE SKIP LOCKED: another replica skips them); each gets its run (unique per
(job, slot): a slot is recorded once) and its next slot — the first one after now, so slots
missed while no scheduler ran collapse into one run. After the commit, each run is dispatched
to the job's owner (`PlatformJobRunner.RunPlatformJob`, prefix of the job's name) outside any
transaction, and its outcome recorded. `remaining` > 0 makes the job due again at once.
"""

from __future__ import annotations

import asyncio
import logging
import math
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Protocol

from prometheus_client import Counter

from clients.rpc.gen.switchboard.scheduling.v1 import platform_jobs_pb2 as pb
from services.kernel.backoff import equal_jitter
from services.kernel.errors import DomainError, Unavailable
from services.kernel.unit import Units
from services.scheduling.config import SchedulingSettings
from services.scheduling.jobs.repository import DueJob, JobFiring, JobSpec
from services.scheduling.repository import SchedulingUnit

log = logging.getLogger(__name__)

JOB_RUNS = Counter("switchboard_scheduling_platform_job_runs_total",
                   "Platform job runs finished, by job and status (ok, failed)",
                   ["platform_job", "status"])
# The lease of a running run outlives every attempt's deadline by this much (the answers'
# way, the backoff between attempts).
_LEASE_MARGIN_S = 60.0
_PRUNE_EVERY_S = 600.0


class Runner(Protocol):
    """clients/rpc/platform_jobs.PlatformJobRunnerClient."""

    async def run(self, job: str, run_id: str,
                  deadline_s: float) -> pb.RunPlatformJobResponse: ...


def job_specs(s: SchedulingSettings) -> list[JobSpec]:
    """The platform jobs and their intervals from settings (0 = disabled)."""
    declared = {"channels.reconcile": s.job_channels_reconcile_s,
                "channels.token_health": s.job_channels_token_health_s,
                "analytics.avito_statistics": s.job_analytics_avito_statistics_s,
                "conversations.wake_snoozed": s.job_conversations_wake_snoozed_s}
    return [JobSpec(name, interval or 3600.0, enabled=interval > 0)
            for name, interval in declared.items()]


def plan_job(due: DueJob, now: datetime) -> JobFiring:
    """The run of a due job and its next slot: on the job's grid, first after now."""
    interval = timedelta(seconds=due.interval_s)
    slot_due = due.enabled and due.next_run_at is not None and due.next_run_at <= now
    if not slot_due or due.next_run_at is None:  # asked for (RunPlatformJobNow) only
        return JobFiring(due.name, now, "manual", due.next_run_at if due.enabled else None)
    slot = due.next_run_at
    missed = math.floor((now - slot) / interval)
    return JobFiring(due.name, slot, "manual" if due.run_requested else "scheduled",
                     slot + interval * (missed + 1))


class PlatformJobFiring:
    def __init__(self, units: Units[SchedulingUnit], runners: Mapping[str, Runner],
                 settings: SchedulingSettings, now: Callable[[], datetime] | None = None,
                 on_more: Callable[[], None] = lambda: None) -> None:
        self._units, self._runners, self._settings = units, runners, settings
        self._now = now or (lambda: datetime.now(UTC))
        self._on_more = on_more  # a round left work: look again at once
        self._seeded = False
        self._pruned_at = -math.inf
        self._running: set[asyncio.Task[None]] = set()
        for spec in job_specs(settings):
            for status in ("ok", "failed"):
                JOB_RUNS.labels(spec.name, status)

    async def fire(self) -> int:
        """Seed (once), record the runs of the due jobs this transaction could lock, dispatch
        them in the background; how many were recorded."""
        if not self._seeded:
            async with self._units.tenantless() as unit:
                await unit.platform_jobs.seed(job_specs(self._settings), self._now())
            self._seeded = True
        s = self._settings
        lease_s = s.job_deadline_s * s.job_attempts + _LEASE_MARGIN_S
        async with self._units.tenantless() as unit:
            now = self._now()
            due = await unit.platform_jobs.claim_due(now, limit=20)
            recorded = [(f.job, await unit.platform_jobs.record(f, now, lease_s))
                        for f in (plan_job(d, now) for d in due)]
        await self._prune()
        for job, run_id in recorded:
            if run_id is not None:
                task = asyncio.create_task(self.dispatch(job, run_id))
                self._running.add(task)
                task.add_done_callback(self._running.discard)
        return sum(run_id is not None for _, run_id in recorded)

    async def dispatch(self, job: str, run_id: uuid.UUID) -> None:
        """One run at its owner, its outcome recorded (never raises: a failure is the run's)."""
        try:
            answer = await self._ask(job, run_id)
        except DomainError as exc:
            await self._finish(job, run_id, "failed", error=exc.message)
            return
        except Exception as exc:
            log.exception("dispatching a platform job failed", extra={"job": job})
            await self._finish(job, run_id, "failed",
                               error=f"internal error ({type(exc).__name__})")
            return
        await self._finish(job, run_id, "ok", processed=answer.processed, failed=answer.failed,
                           remaining=answer.remaining, detail=answer.detail)
        if answer.remaining > 0:
            self._on_more()

    async def _ask(self, job: str, run_id: uuid.UUID) -> pb.RunPlatformJobResponse:
        owner = job.partition(".")[0]
        runner = self._runners.get(owner)
        if runner is None:
            raise DomainError(f"no runner for {owner!r} is configured in scheduling")
        s = self._settings
        for attempt in range(1, s.job_attempts + 1):
            try:
                return await runner.run(job, str(run_id), s.job_deadline_s)
            except Unavailable as exc:
                if attempt == s.job_attempts:
                    raise Unavailable(f"{owner} is unavailable ({exc.message}); "
                                      f"tried {attempt} times, the next slot tries again") from exc
                await asyncio.sleep(equal_jitter(attempt, s.job_backoff_s, 30.0))
        raise AssertionError("unreachable")  # pragma: no cover

    async def _finish(self, job: str, run_id: uuid.UUID, status: str, **outcome: object) -> None:
        try:
            async with self._units.tenantless() as unit:
                await unit.platform_jobs.finish(run_id, self._now(), status=status,
                                                **outcome)  # type: ignore[arg-type]
        except Exception:  # left running: its lease runs out and the run is failed then
            log.exception("recording a platform job's outcome failed", extra={"job": job})
            return
        JOB_RUNS.labels(job, status).inc()

    async def _prune(self) -> None:
        loop = asyncio.get_running_loop()
        if loop.time() - self._pruned_at < _PRUNE_EVERY_S:
            return
        self._pruned_at = loop.time()
        before = self._now() - timedelta(days=self._settings.job_history_days)
        async with self._units.tenantless() as unit:
            await unit.platform_jobs.prune(before)

    async def drain(self) -> None:
        """Wait for the runs in flight (each bounded by its deadline) to be recorded."""
        await asyncio.gather(*self._running, return_exceptions=True)
