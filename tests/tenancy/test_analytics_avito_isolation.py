"""RLS on the Avito statistics cache: `analytics.avito_refresh`, `avito_daily` and
`avito_balances` show each tenant its own rows only and nothing without a tenant; the refresh
loop leases due rows across tenants through `analytics.claim_due_avito_refresh` alone, and two
claims at once never get the same row."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from services.analytics.avito.repository import AvitoRepository
from services.kernel.db import Database
from tests.tenancy.rows import assert_isolated

TABLES = ("analytics.avito_refresh", "analytics.avito_daily", "analytics.avito_balances")


async def _seed(db: Database, tenant: uuid.UUID, due: datetime | None = None) -> uuid.UUID:
    channel = uuid.uuid4()
    async with db.unit_of_work(tenant) as session:
        await session.execute(text(
            "INSERT INTO analytics.avito_refresh (tenant_id, channel_id, next_due_at) "
            "VALUES (:t, :c, :due)"), {"t": tenant, "c": channel, "due": due or datetime.now(UTC)})
        await session.execute(text(
            "INSERT INTO analytics.avito_daily (tenant_id, channel_id, day, views) "
            "VALUES (:t, :c, '2026-06-14', 53)"), {"t": tenant, "c": channel})
        await session.execute(text(
            "INSERT INTO analytics.avito_balances (tenant_id, channel_id, cpa_kopecks) "
            "VALUES (:t, :c, -5000)"), {"t": tenant, "c": channel})
    return channel


@pytest.mark.parametrize("table", TABLES)
async def test_a_tenant_sees_and_changes_its_own_rows_only(
        db: Database, tenant_a: uuid.UUID, tenant_b: uuid.UUID, table: str) -> None:
    await _seed(db, tenant_a)
    assert await assert_isolated(db, table, tenant_a, tenant_b, update=None) == 1


async def test_without_a_tenant_nothing_is_written(db: Database, tenant_a: uuid.UUID) -> None:
    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.unscoped_unit_of_work() as session:
            await session.execute(text(
                "INSERT INTO analytics.avito_daily (tenant_id, channel_id, day) "
                "VALUES (:t, :c, '2026-06-14')"), {"t": tenant_a, "c": uuid.uuid4()})


async def test_the_claim_leases_due_rows_of_every_tenant_once(
        db: Database, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    # Long ago: before any other module's rows, so the claim at `now` sees ours only.
    now = datetime(2000, 1, 1, tzinfo=UTC)
    mine = {await _seed(db, tenant_a, now - timedelta(seconds=1)),
            await _seed(db, tenant_b, now - timedelta(seconds=2))}
    later = await _seed(db, tenant_a, now + timedelta(hours=1))

    async def claim() -> set[uuid.UUID]:
        async with db.unscoped_unit_of_work() as session:
            claims = await AvitoRepository(session).claim_due(now, 100, 300)
            await asyncio.sleep(0.05)  # hold the locks while the other claim runs
            return {c.channel_id for c in claims}

    first, second = await asyncio.gather(claim(), claim())
    assert not first & second  # SKIP LOCKED: one claim each
    assert mine <= first | second and later not in first | second
    async with db.unscoped_unit_of_work() as session:  # leased: not due again
        assert not mine & {c.channel_id for c in
                           await AvitoRepository(session).claim_due(now, 100, 300)}
    async with db.unit_of_work(tenant_a) as session:
        due = await session.scalar(text(
            "SELECT min(next_due_at) FROM analytics.avito_refresh WHERE channel_id = ANY(:c)"),
            {"c": list(mine)})
        assert due >= now + timedelta(seconds=300)
