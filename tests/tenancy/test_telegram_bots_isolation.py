"""RLS on `channels.telegram_bots`: each tenant sees, changes and deletes its own bots only, and
nothing without a tenant; across tenants there are only the three definer functions of
migration 0013 (the gateway's webhook check, "whose is this Telegram bot", the runner's list),
each returning its narrow result. A Telegram bot has one owner: a second tenant's row for it
is refused by the unique index even though that tenant cannot see the first row."""

from __future__ import annotations

import random
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from services.kernel.db import Database

_INSERT = text(
    "INSERT INTO channels.telegram_bots (id, tenant_id, telegram_id, username, token_enc, "
    "delivery, webhook_secret_sha256, runner_api_key_id, runner_api_key_enc, status) "
    "VALUES (:id, :t, :tg, 'shop_bot', 'enc', 1, 'secret-hash', gen_random_uuid(), 'enc', 1)")


async def _seed(db: Database, tenant: uuid.UUID, telegram_id: int | None = None) -> uuid.UUID:
    bot = uuid.uuid4()
    async with db.unit_of_work(tenant) as session:
        await session.execute(_INSERT, {"id": bot, "t": tenant,
                                        "tg": telegram_id or random.randrange(10**9, 10**10)})
    return bot


async def _count(db: Database, tenant: uuid.UUID | None, owner: uuid.UUID) -> int:
    unit = db.unit_of_work(tenant) if tenant else db.unscoped_unit_of_work()
    async with unit as session:
        return int(await session.scalar(text(
            "SELECT count(*) FROM channels.telegram_bots WHERE tenant_id = :t"), {"t": owner}) or 0)


async def test_a_tenant_sees_changes_and_deletes_its_own_bots_only(
        db: Database, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    bot = await _seed(db, tenant_a)
    assert await _count(db, tenant_a, tenant_a) == 1
    assert await _count(db, tenant_b, tenant_a) == 0
    assert await _count(db, None, tenant_a) == 0
    async with db.unit_of_work(tenant_b) as session:
        changed = await session.execute(text(
            "UPDATE channels.telegram_bots SET group_chat_id = -1001 WHERE id = :b"), {"b": bot})
        deleted = await session.execute(text(
            "DELETE FROM channels.telegram_bots WHERE id = :b"), {"b": bot})
        assert (changed.rowcount, deleted.rowcount) == (0, 0)
    assert await _count(db, tenant_a, tenant_a) == 1


async def test_no_row_is_written_for_another_tenant_or_without_one(
        db: Database, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    for bound in (tenant_b, None):
        unit = db.unit_of_work(bound) if bound else db.unscoped_unit_of_work()
        with pytest.raises(DBAPIError, match="row-level security"):
            async with unit as session:
                await session.execute(_INSERT, {"id": uuid.uuid4(), "t": tenant_a,
                                                "tg": random.randrange(10**9, 10**10)})


async def test_a_telegram_bot_has_one_owner_across_tenants(
        db: Database, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    telegram_id = random.randrange(10**9, 10**10)
    await _seed(db, tenant_a, telegram_id)
    with pytest.raises(IntegrityError, match="uq_telegram_bots_telegram_id"):
        await _seed(db, tenant_b, telegram_id)


async def test_the_definer_functions_answer_narrowly(
        db: Database, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    telegram_id = random.randrange(10**9, 10**10)
    bot = await _seed(db, tenant_a, telegram_id)
    other = await _seed(db, tenant_b)
    async with db.unscoped_unit_of_work() as session:
        target = (await session.execute(text(
            "SELECT * FROM channels.telegram_webhook_target(:b)"), {"b": bot})).one()
        assert tuple(target) == (tenant_a, "secret-hash", 1, 1)
        assert (await session.execute(text(
            "SELECT * FROM channels.telegram_webhook_target(NULL)"))).all() == []
        assert await session.scalar(text("SELECT channels.telegram_bot_tenant(:tg)"),
                                    {"tg": telegram_id}) == tenant_a
        assert await session.scalar(text("SELECT channels.telegram_bot_tenant(NULL)")) is None
        listed = (await session.execute(text(
            "SELECT id, tenant_id FROM channels.telegram_bot_credentials(NULL, 100000)"))).all()
        assert {(bot, tenant_a), (other, tenant_b)} <= {tuple(row) for row in listed}
        after = (await session.execute(text(
            "SELECT id FROM channels.telegram_bot_credentials(:after, 100000)"),
            {"after": max(bot, other)})).scalars().all()
        assert all(found > max(bot, other) for found in after)
