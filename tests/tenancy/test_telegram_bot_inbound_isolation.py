"""RLS on the bot runner's rows for the way back (`telegram_bot.replies`, `.offsets`,
`.notices`): through the runner's Ledger and through raw SQL, a tenant sees and changes its own
rows only; a transaction bound to no tenant sees nothing and writes nothing."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from clients.telegram_bot.ledger import Ledger, Outcome
from clients.telegram_bot.store import Claim, Scope, Store
from services.kernel.db import Database

TABLES = ("telegram_bot.replies", "telegram_bot.offsets", "telegram_bot.notices")
BOT, GROUP, PERSON = "bot-shared-id", -1001234567890, 777  # the same ids in both tenants


@pytest.fixture
async def store(app_url: str) -> AsyncIterator[Store]:
    runner_store = Store(app_url, pool_size=2)
    yield runner_store
    await runner_store.close()


async def _seed(ledger: Ledger, tenant: uuid.UUID) -> Scope:
    scope = Scope(tenant, BOT, GROUP)
    topic = await ledger.store.claim_topic(scope, "conv-1", lease_s=30)
    assert topic.claim is Claim.MINE
    assert await ledger.store.topic_created(scope, topic, 42, "Иван")
    await ledger.reply_in_flight(scope, 50, 42, "conv-1")
    await ledger.reply_sent(scope, 50, "msg-1", "conv-1")
    await ledger.save_offset(tenant, BOT, 1000)
    assert await ledger.notice_due(tenant, BOT, PERSON, "link", 600)
    return scope


async def test_the_ledger_shows_each_tenant_its_own_rows_only(
        store: Store, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    ledger = Ledger(store)
    mine = await _seed(ledger, tenant_a)
    theirs = Scope(tenant_b, BOT, GROUP)
    assert await ledger.conversation_of(mine, 42) == "conv-1"
    assert await ledger.conversation_of(theirs, 42) is None
    assert await ledger.offset(tenant_b, BOT) is None
    assert await ledger.claim_outcome(theirs, "msg-1", Outcome.SENT) is None
    assert await ledger.store.posted(theirs, "msg-1") is None
    # The same person in the other tenant was told nothing yet.
    assert await ledger.notice_due(tenant_b, BOT, PERSON, "link", 600)
    assert not await ledger.notice_due(tenant_a, BOT, PERSON, "link", 600)
    claimed = await ledger.claim_outcome(mine, "msg-1", Outcome.SENT)
    assert claimed is not None and claimed.telegram_message_id == 50
    assert await ledger.store.posted(mine, "msg-1") == [50]


@pytest.mark.parametrize("table", TABLES)
async def test_a_tenant_sees_and_changes_its_own_rows_only(
        db: Database, store: Store, tenant_a: uuid.UUID, tenant_b: uuid.UUID, table: str) -> None:
    await _seed(Ledger(store), tenant_a)

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


async def test_without_a_tenant_nothing_is_written(db: Database, tenant_a: uuid.UUID) -> None:
    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.unscoped_unit_of_work() as session:
            await session.execute(text(
                "INSERT INTO telegram_bot.offsets (tenant_id, bot_id, last_update_id) "
                "VALUES (:t, 'bot', 1)"), {"t": tenant_a})
