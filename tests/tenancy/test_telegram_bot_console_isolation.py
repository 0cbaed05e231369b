"""RLS on the console's and the alerts' rows (`telegram_bot.dialogs`, `.handoff_alerts`,
`.channel_alerts`): through the runner's ConsoleStore and raw SQL, a tenant sees and changes
its own rows only; a transaction bound to no tenant sees nothing."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import text

from clients.telegram_bot.console.store import ConsoleStore, DialogKey
from clients.telegram_bot.store import Store
from services.kernel.db import Database

TABLES = ("telegram_bot.dialogs", "telegram_bot.handoff_alerts", "telegram_bot.channel_alerts")
BOT = "bot-shared-id"  # the same ids in both tenants


@pytest.fixture
async def rows(app_url: str) -> AsyncIterator[ConsoleStore]:
    store = Store(app_url, pool_size=2)
    yield ConsoleStore(store)
    await store.close()


def _key(tenant: uuid.UUID) -> DialogKey:
    return DialogKey(tenant, BOT, 777, 777, 0, "default")


async def _seed(rows: ConsoleStore, tenant: uuid.UUID) -> None:
    await rows.save_state(_key(tenant), "ConnectAvito:client_id")
    await rows.save_data(_key(tenant), {"name": "Склад"})
    await rows.handoff_waits(tenant, BOT, "conv-1", "2026-12-03T10:00:00", timedelta(0))
    assert await rows.change_problems(tenant, BOT, "ch-1", [], ["credentials"])


async def test_the_console_store_shows_each_tenant_its_own_rows_only(
        rows: ConsoleStore, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    await _seed(rows, tenant_a)
    assert await rows.dialog(_key(tenant_a)) == ("ConnectAvito:client_id", {"name": "Склад"})
    assert await rows.dialog(_key(tenant_b)) == (None, {})
    assert await rows.channel_problems(tenant_b, BOT) == {}
    assert await rows.claim_due_handoffs(tenant_b, BOT, lease_s=30) == []
    [due] = await rows.claim_due_handoffs(tenant_a, BOT, lease_s=30)
    assert due.conversation_id == "conv-1"
    # A finished dialog leaves no row.
    await rows.save_state(_key(tenant_a), None)
    await rows.save_data(_key(tenant_a), {})
    assert await rows.dialog(_key(tenant_a)) == (None, {})


@pytest.mark.parametrize("table", TABLES)
async def test_a_tenant_sees_and_changes_its_own_rows_only(
        db: Database, rows: ConsoleStore, tenant_a: uuid.UUID, tenant_b: uuid.UUID,
        table: str) -> None:
    await _seed(rows, tenant_a)

    async def count(bound: uuid.UUID | None) -> int:
        unit = db.unit_of_work(bound) if bound else db.unscoped_unit_of_work()
        async with unit as session:
            return int(await session.scalar(
                text(f"SELECT count(*) FROM {table} WHERE tenant_id = :t"), {"t": tenant_a}) or 0)

    assert (await count(tenant_a), await count(tenant_b), await count(None)) == (1, 0, 0)
    async with db.unit_of_work(tenant_b) as session:
        changed = await session.execute(text(f"DELETE FROM {table} WHERE tenant_id = :a"),
                                        {"a": tenant_a})
        assert changed.rowcount == 0
    assert await count(tenant_a) == 1
