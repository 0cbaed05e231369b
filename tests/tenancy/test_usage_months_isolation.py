"""RLS on the plans' monthly counters (migration 0037): conversations.usage_months (messages)
and agent.usage_months (AI replies) show each tenant its own count only, nothing without a
tenant, and another tenant can neither change nor write them — the counting code included
(conversations' repository adds to the bound tenant's row alone)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from services.conversations.quotas.repository import UsageMonthsRepository
from services.kernel.db import Database
from tests.tenancy.rows import assert_isolated

COUNTERS = {"conversations.usage_months": "messages", "agent.usage_months": "ai_replies"}
MONTH = date(2026, 12, 1)


async def _seed(db: Database, tenant: uuid.UUID, table: str) -> None:
    async with db.unit_of_work(tenant) as session:
        await session.execute(text(
            f"INSERT INTO {table} (tenant_id, month, {COUNTERS[table]}) VALUES (:t, :m, 5)"),
            {"t": tenant, "m": MONTH})


@pytest.mark.parametrize("table", COUNTERS)
async def test_a_tenant_sees_and_changes_its_own_count_only(
        db: Database, tenant_a: uuid.UUID, tenant_b: uuid.UUID, table: str) -> None:
    await _seed(db, tenant_a, table)
    assert await assert_isolated(db, table, tenant_a, tenant_b,
                                 update=f"{COUNTERS[table]} = 0") == 1


@pytest.mark.parametrize("table", COUNTERS)
async def test_a_count_for_another_tenant_cannot_be_written(
        db: Database, tenant_a: uuid.UUID, tenant_b: uuid.UUID, table: str) -> None:
    with pytest.raises(DBAPIError, match="row-level security"):
        await _write_as(db, tenant_b, tenant_a, table)


async def _write_as(db: Database, bound: uuid.UUID, owner: uuid.UUID, table: str) -> None:
    async with db.unit_of_work(bound) as session:
        await session.execute(text(
            f"INSERT INTO {table} (tenant_id, month, {COUNTERS[table]}) VALUES (:t, :m, 1)"),
            {"t": owner, "m": MONTH})


async def test_the_message_counter_counts_for_the_bound_tenant_only(
        db: Database, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    async with db.unit_of_work(tenant_a) as session:
        await UsageMonthsRepository(session, tenant_a).add(MONTH, 3)
        assert await UsageMonthsRepository(session, tenant_a).take(MONTH, 4)
        assert not await UsageMonthsRepository(session, tenant_a).take(MONTH, 4)
    async with db.unit_of_work(tenant_b) as session:
        assert await UsageMonthsRepository(session, tenant_b).used(MONTH) == 0
        assert await UsageMonthsRepository(session, tenant_a).used(MONTH) == 0  # RLS, not a WHERE
    async with db.unit_of_work(tenant_a) as session:
        assert await UsageMonthsRepository(session, tenant_a).used(MONTH) == 4
