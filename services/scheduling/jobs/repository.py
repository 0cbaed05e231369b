"""All SQL of the platform jobs (`scheduling.platform_jobs`, `platform_job_runs`). Tenantless
tables (no tenant's data): read in `units.tenantless()`, no definer function needed. Flushes,
never commits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY, BOOLEAN, DOUBLE_PRECISION, TEXT
from sqlalchemy.ext.asyncio import AsyncSession

from services.kernel.errors import NotFound


@dataclass(frozen=True)
class JobSpec:
    """A job as settings declare it (seeded at start)."""

    name: str
    interval_s: float
    enabled: bool = True


@dataclass(frozen=True)
class DueJob:
    """A due job, locked by this transaction."""

    name: str
    interval_s: float
    enabled: bool
    next_run_at: datetime | None
    run_requested: bool


@dataclass(frozen=True)
class JobFiring:
    """What `record` writes for a due job: its run and its next slot."""

    job: str
    slot: datetime
    trigger: str  # scheduled | manual
    next_run_at: datetime | None


@dataclass(frozen=True)
class JobRun:
    id: uuid.UUID
    job: str
    slot: datetime
    trigger: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    error: str
    processed: int
    failed: int
    remaining: int
    detail: str


@dataclass(frozen=True)
class JobView:
    name: str
    interval_s: float
    enabled: bool
    next_run_at: datetime | None
    last_run: JobRun | None


_SEED = text("""
    INSERT INTO scheduling.platform_jobs AS j (name, interval_s, enabled, next_run_at)
    SELECT s.name, s.interval_s, s.enabled,
           CASE WHEN s.enabled THEN CAST(:now AS timestamptz) END
    FROM unnest(:names, :intervals, :enabled) AS s(name, interval_s, enabled)
    ON CONFLICT (name) DO UPDATE SET interval_s = excluded.interval_s,
      enabled = excluded.enabled, updated_at = now(),
      next_run_at = CASE WHEN NOT excluded.enabled THEN NULL
        WHEN j.next_run_at IS NULL THEN CAST(:now AS timestamptz)
        -- a shorter interval applies at once, a longer one from the next slot on
        ELSE least(j.next_run_at,
                   CAST(:now AS timestamptz) + make_interval(secs => excluded.interval_s)) END
""").bindparams(bindparam("names", type_=ARRAY(TEXT)),
                bindparam("intervals", type_=ARRAY(DOUBLE_PRECISION)),
                bindparam("enabled", type_=ARRAY(BOOLEAN)))
_RETIRE = text("UPDATE scheduling.platform_jobs SET enabled = false, next_run_at = NULL, "
               "updated_at = now() WHERE name <> ALL(:names) AND enabled"
               ).bindparams(bindparam("names", type_=ARRAY(TEXT)))
# A run whose lease ran out: its scheduler stopped (or lost the answer) mid-run.
_EXPIRE = text("""
    UPDATE scheduling.platform_job_runs SET status = 'failed', finished_at = :now,
      lease_until = NULL,
      error = 'the scheduler stopped while this run was going on (its lease ran out)'
    WHERE status = 'running' AND lease_until <= :now""")
# One run of a job at a time: a job with a live running run waits (its slot stays due).
_CLAIM = text("""
    SELECT j.name, j.interval_s, j.enabled, j.next_run_at, j.run_requested
    FROM scheduling.platform_jobs j
    WHERE ((j.enabled AND j.next_run_at <= :now) OR j.run_requested)
      AND NOT EXISTS (SELECT 1 FROM scheduling.platform_job_runs r
                      WHERE r.job = j.name AND r.status = 'running' AND r.lease_until > :now)
    ORDER BY j.next_run_at NULLS FIRST LIMIT :limit FOR UPDATE OF j SKIP LOCKED""")
_INSERT_RUN = text("""
    INSERT INTO scheduling.platform_job_runs (id, job, slot, trigger, status, lease_until,
                                              started_at)
    VALUES (:id, :job, :slot, :trigger, 'running', :lease_until, :now)
    ON CONFLICT (job, slot) DO NOTHING RETURNING id""")
_MOVE = text("""
    UPDATE scheduling.platform_jobs SET next_run_at = :next, run_requested = false,
      last_run_id = coalesce(:run_id, last_run_id), updated_at = now() WHERE name = :job""")
_FINISH = text("""
    UPDATE scheduling.platform_job_runs SET status = :status, error = :error,
      processed = :processed, failed = :failed, remaining = :remaining, detail = :detail,
      finished_at = :now, lease_until = NULL
    WHERE id = :id AND status = 'running' RETURNING job""")
# More left than one round took: due again at once.
_AGAIN = text("UPDATE scheduling.platform_jobs SET next_run_at = least(next_run_at, "
              "CAST(:now AS timestamptz)) "
              "WHERE name = :job AND enabled")
_PRUNE = text("""
    DELETE FROM scheduling.platform_job_runs r WHERE r.started_at < :before
      AND r.status <> 'running'
      AND NOT EXISTS (SELECT 1 FROM scheduling.platform_jobs j WHERE j.last_run_id = r.id)""")
_JOBS = text("""
    SELECT j.name, j.interval_s, j.enabled, j.next_run_at, r.id AS run_id, r.job AS run_job,
           r.slot AS run_slot, r.trigger AS run_trigger, r.status AS run_status,
           r.started_at AS run_started_at, r.finished_at AS run_finished_at,
           r.error AS run_error, r.processed AS run_processed, r.failed AS run_failed,
           r.remaining AS run_remaining, r.detail AS run_detail
    FROM scheduling.platform_jobs j
    LEFT JOIN scheduling.platform_job_runs r ON r.id = j.last_run_id ORDER BY j.name""")
_RUNS = text("SELECT id, job, slot, trigger, status, started_at, finished_at, error, processed, "
             "failed, remaining, detail FROM scheduling.platform_job_runs WHERE job = :job "
             "ORDER BY started_at DESC, id DESC LIMIT :limit")
_REQUEST = text("UPDATE scheduling.platform_jobs SET run_requested = true, updated_at = now() "
                "WHERE name = :job RETURNING name")


class PlatformJobsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def seed(self, specs: Sequence[JobSpec], now: datetime) -> None:
        """Insert or update every declared job (idempotent); disable those no longer declared."""
        names = [s.name for s in specs]
        if specs:
            await self.session.execute(_SEED, {
                "names": names, "intervals": [s.interval_s for s in specs],
                "enabled": [s.enabled for s in specs], "now": now})
        await self.session.execute(_RETIRE, {"names": names})

    async def claim_due(self, now: datetime, limit: int) -> list[DueJob]:
        """Fail runs whose lease ran out, then lock due jobs (skipping locked ones); the locks
        hold until this unit commits."""
        await self.session.execute(_EXPIRE, {"now": now})
        rows = await self.session.execute(_CLAIM, {"now": now, "limit": limit})
        return [DueJob(r.name, r.interval_s, r.enabled, r.next_run_at, r.run_requested)
                for r in rows]

    async def record(self, firing: JobFiring, now: datetime,
                     lease_s: float) -> uuid.UUID | None:
        """Record the firing's run (None: its slot was recorded already) and move the job."""
        run_id = await self.session.scalar(_INSERT_RUN, {
            "id": uuid.uuid4(), "job": firing.job, "slot": firing.slot,
            "trigger": firing.trigger, "lease_until": now + timedelta(seconds=lease_s),
            "now": now})
        await self.session.execute(_MOVE, {"next": firing.next_run_at, "run_id": run_id,
                                           "job": firing.job})
        return run_id

    async def finish(self, run_id: uuid.UUID, now: datetime, *, status: str, error: str = "",
                     processed: int = 0, failed: int = 0, remaining: int = 0,
                     detail: str = "") -> None:
        """The outcome of a running run (one already finished, or expired, stays as it is)."""
        job = await self.session.scalar(_FINISH, {
            "id": run_id, "status": status, "error": error[:2000], "processed": processed,
            "failed": failed, "remaining": remaining, "detail": detail[:500], "now": now})
        if job is not None and status == "ok" and remaining > 0:
            await self.session.execute(_AGAIN, {"now": now, "job": job})

    async def prune(self, before: datetime) -> int:
        """Drop finished runs started before `before` (each job's last run stays)."""
        result: Any = await self.session.execute(_PRUNE, {"before": before})
        return int(result.rowcount or 0)

    async def jobs(self) -> list[JobView]:
        rows = await self.session.execute(_JOBS)
        return [JobView(r.name, r.interval_s, r.enabled, r.next_run_at, JobRun(
            r.run_id, r.run_job, r.run_slot, r.run_trigger, r.run_status, r.run_started_at,
            r.run_finished_at, r.run_error, r.run_processed, r.run_failed, r.run_remaining,
            r.run_detail) if r.run_id is not None else None) for r in rows]

    async def runs(self, job: str, limit: int) -> list[JobRun]:
        rows = await self.session.execute(_RUNS, {"job": job, "limit": limit})
        return [JobRun(*r) for r in rows]

    async def request_now(self, job: str) -> None:
        if await self.session.scalar(_REQUEST, {"job": job}) is None:
            raise NotFound(f"no platform job {job!r}; `switchboard jobs` lists them")
