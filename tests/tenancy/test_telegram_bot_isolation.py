"""RLS on the bot runner's store (`telegram_bot.topics`, `.posts`, `.cursors`): through the
runner's own Store and through raw SQL, a tenant sees and changes its own rows only, a
transaction bound to no tenant sees nothing and can write nothing."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from clients.telegram_bot.store import Claim, Scope, Store
from services.kernel.db import Database
from tests.tenancy.rows import assert_isolated

TABLES = ("telegram_bot.topics", "telegram_bot.posts", "telegram_bot.cursors")
BOT, GROUP = "bot-shared-id", -1001234567890  # the same ids in both tenants: only RLS tells apart


@pytest.fixture
async def store(app_url: str) -> AsyncIterator[Store]:
    runner_store = Store(app_url, pool_size=2)
    yield runner_store
    await runner_store.close()


async def _seed(store: Store, tenant: uuid.UUID) -> Scope:
    scope = Scope(tenant, BOT, GROUP)
    topic = await store.claim_topic(scope, "conv-1", lease_s=30)
    assert topic.claim is Claim.MINE
    assert await store.topic_created(scope, topic, 42, "Иван · Велосипед")
    assert await store.card_posted(scope, topic, 43, "sha")
    post = await store.claim_post(scope, "msg-1", "conv-1", lease_s=30)
    assert await store.post_part(scope, post, 44) and await store.post_done(scope, post)
    await store.save_cursor(tenant, BOT, "100")
    return scope


async def test_the_store_shows_each_tenant_its_own_window_only(
        store: Store, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    mine = await _seed(store, tenant_a)
    theirs = Scope(tenant_b, BOT, GROUP)
    assert (await store.topic(mine, "conv-1")) is not None
    assert await store.posted(mine, "msg-1") == [44]
    assert await store.topic(theirs, "conv-1") is None
    assert await store.posted(theirs, "msg-1") is None
    assert await store.cursor(tenant_b, BOT) is None
    # The same keys in the other tenant are a window of its own, not a view of the first.
    claimed = await store.claim_topic(theirs, "conv-1", lease_s=30)
    assert claimed.claim is Claim.MINE and claimed.thread_id is None
    assert (await store.topic(mine, "conv-1")).thread_id == 42  # type: ignore[union-attr]


@pytest.mark.parametrize("table", TABLES)
async def test_a_tenant_sees_and_changes_its_own_rows_only(
        db: Database, store: Store, tenant_a: uuid.UUID, tenant_b: uuid.UUID, table: str) -> None:
    await _seed(store, tenant_a)
    assert await assert_isolated(db, table, tenant_a, tenant_b, update=None) == 1


async def test_without_a_tenant_nothing_is_written(db: Database, tenant_a: uuid.UUID) -> None:
    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.unscoped_unit_of_work() as session:
            await session.execute(text(
                "INSERT INTO telegram_bot.cursors (tenant_id, bot_id, last_event_id) "
                "VALUES (:t, 'bot', '1')"), {"t": tenant_a})
