"""RLS on the scheduling tables: `scheduling.schedules` and `scheduling.runs` show each tenant
its own rows only, and nothing without a tenant; the scheduler crosses tenants through its
three definer functions alone, which answer with due rows and nothing else. Times sit in 2100,
so the session platform's own scheduler never takes these rows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from services.kernel.db import Database
from services.scheduling.models import RunStatus
from services.scheduling.repository import Firing, RunsRepository, SchedulesRepository
from tests.tenancy.rows import assert_isolated

TABLES = ("scheduling.schedules", "scheduling.runs")
FAR = datetime(2100, 1, 1, 6, 0, tzinfo=UTC)


async def _seed(db: Database, tenant: uuid.UUID, due: datetime = FAR) -> uuid.UUID:
    schedule = uuid.uuid4()
    async with db.unit_of_work(tenant) as session:
        await session.execute(text(
            "INSERT INTO scheduling.schedules (id, tenant_id, name, recurrence, local_time, "
            "time_zone, destination, next_run_at) VALUES (:s, :t, 'weekly', "
            "'{\"kind\": \"daily\"}', '09:00', 'Europe/Moscow', "
            "'{\"kind\": \"webhook\", \"url\": \"https://example.com\"}', :due)"),
            {"s": schedule, "t": tenant, "due": due})
        await session.execute(text(
            "INSERT INTO scheduling.runs (id, tenant_id, schedule_id, trigger, scheduled_for, "
            "status) VALUES (gen_random_uuid(), :t, :s, 'manual', :due, 'delivered')"),
            {"s": schedule, "t": tenant, "due": due})
    return schedule


@pytest.mark.parametrize("table", TABLES)
async def test_a_tenant_sees_and_changes_its_own_rows_only(
        db: Database, tenant_a: uuid.UUID, tenant_b: uuid.UUID, table: str) -> None:
    await _seed(db, tenant_a)
    column = "name" if table.endswith("schedules") else "error"
    assert await assert_isolated(db, table, tenant_a, tenant_b, update=f"{column} = 'x'") == 1


async def test_a_row_for_another_tenant_cannot_be_written(
        db: Database, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.unit_of_work(tenant_b) as session:
            await session.execute(text(
                "INSERT INTO scheduling.schedules (id, tenant_id, name, recurrence, local_time, "
                "time_zone, destination) VALUES (gen_random_uuid(), :a, 'x', '{}', '09:00', "
                "'UTC', '{}')"), {"a": tenant_a})


async def test_the_scheduler_claims_due_rows_of_every_tenant_through_its_functions_only(
        db: Database, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    due = FAR + timedelta(minutes=int(uuid.uuid4().int % 100_000))  # this test's own slot
    ours = {await _seed(db, tenant_a, due): tenant_a, await _seed(db, tenant_b, due): tenant_b}
    async with db.unscoped_unit_of_work() as session:
        claimed = [d for d in await SchedulesRepository(session).claim_due(due, 1000)
                   if d.id in ours]
        assert {(d.id, d.tenant_id) for d in claimed} == set(ours.items())
        assert await SchedulesRepository(session).record([
            Firing(d.id, due, due + timedelta(days=1), RunStatus.PENDING, late=False)
            for d in claimed]) == 2
        # The same slot again: recorded once, whatever a second claimer does.
        assert await SchedulesRepository(session).record([
            Firing(d.id, due, due + timedelta(days=1), RunStatus.PENDING, late=False)
            for d in claimed]) == 0
    async with db.unscoped_unit_of_work() as session:
        runs = [r for r in await RunsRepository(session).claim(due, 60, 1000)
                if r.schedule_id in ours]
        assert {(r.schedule_id, r.tenant_id, r.claims) for r in runs} == \
            {(s, t, 1) for s, t in ours.items()}
        assert not [d for d in await SchedulesRepository(session).claim_due(due, 1000)
                    if d.id in ours]  # moved to their next slot
    for schedule, tenant in ours.items():
        async with db.unit_of_work(tenant) as session:
            assert await session.scalar(text(
                "SELECT next_run_at FROM scheduling.schedules WHERE id = :s"),
                {"s": schedule}) == due + timedelta(days=1)
