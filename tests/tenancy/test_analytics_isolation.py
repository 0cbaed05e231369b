"""RLS on the analytics projection's tables (`analytics.settings`, `.message_facts`,
`.conversation_facts`, `.hourly`): a tenant's projected event and settings are its own — another
tenant's metrics, reads and writes see nothing of them, and nothing is seen without a tenant."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from services.analytics.projection.rules import Snapshot
from services.analytics.projection.service import ConversationEvent, MessageSeen, project
from services.analytics.repository import AnalyticsUnit
from services.kernel.db import Database
from tests.tenancy.rows import assert_isolated

TABLES = ("analytics.settings", "analytics.message_facts", "analytics.conversation_facts",
          "analytics.hourly")
AT = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


async def _seed(db: Database, tenant: uuid.UUID) -> None:
    async with db.unit_of_work(tenant) as session:
        unit = AnalyticsUnit(session)
        await unit.settings.put("Europe/Moscow", [])
        snap = Snapshot(uuid.uuid4(), "L1", "Диван", "", 1, AT, AT)
        await project(unit.facts, unit.settings, ConversationEvent(
            "received", uuid.uuid4(), snap, MessageSeen(uuid.uuid4(), "in", "buyer", AT)))


@pytest.mark.parametrize("table", TABLES)
async def test_a_tenant_sees_and_changes_its_own_rows_only(
        db: Database, tenant_a: uuid.UUID, tenant_b: uuid.UUID, table: str) -> None:
    await _seed(db, tenant_a)
    await assert_isolated(db, table, tenant_a, tenant_b, update=f"tenant_id = '{tenant_b}'")


async def test_another_tenants_metrics_and_settings_show_nothing_of_it(
        db: Database, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    await _seed(db, tenant_a)
    async with db.unit_of_work(tenant_b) as session:
        unit = AnalyticsUnit(session)
        assert await unit.metrics.sums(AT.replace(hour=0), AT.replace(hour=23), [], "", "UTC") == []
        assert await unit.metrics.channels() == []
        assert await unit.settings.get() is None
    async with db.unit_of_work(tenant_a) as session:
        unit = AnalyticsUnit(session)
        assert (await unit.metrics.sums(AT.replace(hour=0), AT.replace(hour=23), [], "",
                                        "UTC"))  # the positive signal: A's own figures are there


async def test_a_row_for_another_tenant_cannot_be_written(
        db: Database, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.unit_of_work(tenant_b) as session:
            await session.execute(text(
                "INSERT INTO analytics.hourly (tenant_id, hour, channel_id, listing_id, assignee, "
                "metric, bucket, value) VALUES (:a, now(), gen_random_uuid(), '', '', "
                "'messages_in', -1, 1)"), {"a": tenant_a})
