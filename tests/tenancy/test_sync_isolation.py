"""RLS on the reconciliation tables: `channels.sync_state`, `channels.listings` and
`channels.chats` show each tenant its own rows only, and nothing without a tenant; the due-row
scheduler leases `sync_state` rows across tenants through its definer function alone
(tests/tenancy/test_db_roles.py)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from services.kernel.db import Database
from tests.tenancy.rows import assert_isolated

TABLES = ("channels.sync_state", "channels.listings", "channels.chats")


async def _seed(db: Database, tenant: uuid.UUID) -> uuid.UUID:
    channel = uuid.uuid4()
    async with db.unit_of_work(tenant) as session:
        await session.execute(text(
            "INSERT INTO channels.channel_accounts (id, tenant_id, kind, name, status, "
            "external_account_id, api_base_url, client_id, client_secret_enc, "
            "webhook_token_sha256, webhook_token_enc, public_base_url) VALUES (:c, :t, 1, 'shop', "
            "1, :ext, 'http://x', 'id', 'x', 'h', 'x', 'http://x')"),
            {"c": channel, "t": tenant, "ext": uuid.uuid4().hex})
        await session.execute(text(
            "INSERT INTO channels.sync_state (id, tenant_id, channel_id, next_due_at) "
            "VALUES (gen_random_uuid(), :t, :c, now())"), {"c": channel, "t": tenant})
        await session.execute(text(
            "INSERT INTO channels.listings (id, tenant_id, channel_id, item_id, title) "
            "VALUES (gen_random_uuid(), :t, :c, '4012345678', 'Велосипед')"),
            {"c": channel, "t": tenant})
        await session.execute(text(
            "INSERT INTO channels.chats (id, tenant_id, channel_id, chat_id, buyer_user_id, "
            "buyer_name) VALUES (gen_random_uuid(), :t, :c, 'u2i-chat', '487654321', 'Иван')"),
            {"c": channel, "t": tenant})
    return channel


@pytest.mark.parametrize("table", TABLES)
async def test_a_tenant_sees_and_changes_its_own_rows_only(
        db: Database, tenant_a: uuid.UUID, tenant_b: uuid.UUID, table: str) -> None:
    await _seed(db, tenant_a)
    assert await assert_isolated(db, table, tenant_a, tenant_b) == 1


async def test_without_a_tenant_nothing_is_changed(db: Database, tenant_a: uuid.UUID) -> None:
    channel = await _seed(db, tenant_a)
    async with db.unscoped_unit_of_work() as session:
        moved = await session.execute(text(
            "UPDATE channels.sync_state SET next_due_at = now() + interval '1 minute' "
            "WHERE channel_id = :c"), {"c": channel})
        assert moved.rowcount == 0
    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.unscoped_unit_of_work() as session:
            await session.execute(text(
                "INSERT INTO channels.sync_state (id, tenant_id, channel_id, next_due_at) "
                "VALUES (gen_random_uuid(), :t, :c, now())"), {"c": channel, "t": tenant_a})
