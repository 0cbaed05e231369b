"""All SQL of the scheduling service: schedules, runs, and the cross-tenant claims (each one
definer function: docs/tenancy.md). Flushes, never commits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY, BOOLEAN, TEXT, TIMESTAMP, UUID
from sqlalchemy.ext.asyncio import AsyncSession

from services.kernel.errors import NotFound
from services.kernel.models import new_id
from services.kernel.outbox import Outbox
from services.kernel.repository import RepositoryBase, cursor_id, cursor_time
from services.kernel.tenancy import require_tenant
from services.kernel.unit import Unit
from services.scheduling.jobs.repository import PlatformJobsRepository
from services.scheduling.models import Run, RunStatus, Schedule, Trigger


@dataclass(frozen=True)
class DueSchedule:
    """A due schedule, locked by this transaction (claim_due_schedules)."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    recurrence: dict[str, Any]
    local_time: str
    time_zone: str
    missed_run_policy: int
    next_run_at: datetime


@dataclass(frozen=True)
class Firing:
    """What record_runs writes for one due schedule: its slot's run and its next slot."""

    schedule_id: uuid.UUID
    slot: datetime
    next_run_at: datetime | None
    status: RunStatus  # PENDING (to be worked) or SKIPPED
    late: bool
    error: str = ""


@dataclass(frozen=True)
class RunClaim:
    id: uuid.UUID
    tenant_id: uuid.UUID
    schedule_id: uuid.UUID
    claims: int  # how many times a worker leased it (more than one: a worker stopped)


_CLAIM_DUE = text("SELECT * FROM scheduling.claim_due_schedules(:now, :limit)")
_RECORD = text(
    "SELECT * FROM scheduling.record_runs(:ids, :slots, :next, :statuses, :late, :errors)"
).bindparams(bindparam("ids", type_=ARRAY(UUID(as_uuid=True))),
             bindparam("slots", type_=ARRAY(TIMESTAMP(timezone=True))),
             bindparam("next", type_=ARRAY(TIMESTAMP(timezone=True))),
             bindparam("statuses", type_=ARRAY(TEXT)), bindparam("late", type_=ARRAY(BOOLEAN)),
             bindparam("errors", type_=ARRAY(TEXT)))
_CLAIM_RUNS = text("SELECT * FROM scheduling.claim_runs(:now, :lease, :limit)")


class SchedulesRepository(RepositoryBase[Schedule]):
    model = Schedule

    def new(self, **values: Any) -> Schedule:
        return self.add(Schedule(id=new_id(), tenant_id=require_tenant(), **values))

    async def lock(self, id_: uuid.UUID) -> Schedule:
        row = await self.session.scalar(
            select(Schedule).where(Schedule.id == id_).with_for_update())
        if row is None:
            raise NotFound(f"schedule {id_} not found")
        return row

    async def remove(self, id_: uuid.UUID) -> bool:
        gone = await self.session.execute(delete(Schedule).where(Schedule.id == id_)
                                          .returning(Schedule.id))
        return gone.first() is not None

    async def list_page(self, size: int, cursor: str) -> tuple[list[Schedule], str]:
        """Oldest first, keyset-paged on (created_at, id)."""
        stmt = select(Schedule)
        if cursor:
            c = self.cursors.decode(cursor, t=cursor_time, id=cursor_id)
            stmt = stmt.where(or_(Schedule.created_at > c["t"],
                                  and_(Schedule.created_at == c["t"], Schedule.id > c["id"])))
        rows = list((await self.session.scalars(
            stmt.order_by(Schedule.created_at, Schedule.id).limit(size + 1))).all())
        if len(rows) <= size:
            return rows, ""
        last = rows[size - 1]
        return rows[:size], self.cursors.encode({"t": last.created_at.isoformat(),
                                                 "id": str(last.id)})

    async def claim_due(self, now: datetime, limit: int) -> list[DueSchedule]:
        """Lock up to `limit` due enabled schedules of any tenant (tenantless unit); locked
        rows are skipped, never waited for. The locks hold until this unit commits."""
        rows = await self.session.execute(_CLAIM_DUE, {"now": now, "limit": limit})
        return [DueSchedule(r.id, r.tenant_id, r.recurrence, r.local_time, r.time_zone,
                            r.missed_run_policy, r.next_run_at) for r in rows]

    async def record(self, firings: Sequence[Firing]) -> int:
        """Move each claimed schedule to its next slot and record its run (one statement)."""
        if not firings:
            return 0
        rows = await self.session.execute(_RECORD, {
            "ids": [f.schedule_id for f in firings], "slots": [f.slot for f in firings],
            "next": [f.next_run_at for f in firings],
            "statuses": [f.status.value for f in firings], "late": [f.late for f in firings],
            "errors": [f.error for f in firings]})
        return len(rows.all())


class RunsRepository(RepositoryBase[Run]):
    model = Run

    def manual(self, schedule_id: uuid.UUID, at: datetime) -> Run:
        return self.add(Run(id=new_id(), tenant_id=require_tenant(), schedule_id=schedule_id,
                            trigger=Trigger.MANUAL.value, scheduled_for=at,
                            status=RunStatus.PENDING.value, error="", attempts=0, claims=0,
                            late=False, partial=False))

    async def latest(self, schedule_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Run]:
        """Each schedule's newest run."""
        if not schedule_ids:
            return {}
        rows = await self.session.scalars(
            select(Run).where(Run.schedule_id.in_(list(schedule_ids)))
            .distinct(Run.schedule_id)
            .order_by(Run.schedule_id, Run.created_at.desc(), Run.id.desc()))
        return {run.schedule_id: run for run in rows}

    async def history(self, schedule_id: uuid.UUID, size: int,
                      cursor: str) -> tuple[list[Run], str]:
        """Newest first, keyset-paged on (created_at, id)."""
        stmt = select(Run).where(Run.schedule_id == schedule_id)
        if cursor:
            c = self.cursors.decode(cursor, t=cursor_time, id=cursor_id)
            stmt = stmt.where(or_(Run.created_at < c["t"],
                                  and_(Run.created_at == c["t"], Run.id < c["id"])))
        rows = list((await self.session.scalars(
            stmt.order_by(Run.created_at.desc(), Run.id.desc()).limit(size + 1))).all())
        if len(rows) <= size:
            return rows, ""
        last = rows[size - 1]
        return rows[:size], self.cursors.encode({"t": last.created_at.isoformat(),
                                                 "id": str(last.id)})

    async def claim(self, now: datetime, lease_s: float, limit: int) -> list[RunClaim]:
        """Lease up to `limit` pending runs of any tenant not leased to a live worker
        (tenantless unit)."""
        rows = await self.session.execute(_CLAIM_RUNS, {
            "now": now, "lease": timedelta(seconds=lease_s), "limit": limit})
        return [RunClaim(r.id, r.tenant_id, r.schedule_id, r.claims) for r in rows]

    async def start(self, run_id: uuid.UUID) -> None:
        await self.session.execute(update(Run).where(Run.id == run_id).values(
            started_at=func.coalesce(Run.started_at, func.now())))

    async def finish(self, run_id: uuid.UUID, status: RunStatus, *, error: str = "",
                     attempts: int = 0, partial: bool = False) -> None:
        """Record the outcome of a pending run (a run finished already stays as it is)."""
        await self.session.execute(update(Run).where(
            Run.id == run_id, Run.status == RunStatus.PENDING.value).values(
            status=status.value, error=error[:2000], attempts=Run.attempts + attempts,
            partial=partial, lease_until=None, finished_at=func.now()))


class SchedulingUnit(Unit):
    def __init__(self, session: AsyncSession, outbox: Outbox | None = None) -> None:
        super().__init__(session, outbox)
        self.schedules = SchedulesRepository(session)
        self.runs = RunsRepository(session)
        self.platform_jobs = PlatformJobsRepository(session)
