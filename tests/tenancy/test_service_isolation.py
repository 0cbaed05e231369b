"""RLS on the channels and conversations tables: a tenant sees and changes only its own rows;
without a tenant nothing is visible (not even to the relay, which reads through its definer
functions: tests/tenancy/test_db_roles.py)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from services.kernel.db import Database
from switchboard.devstack.postgres import EmbeddedPostgres
from tests.fixtures.databases import private_database


@pytest.fixture(scope="module")
async def app_url(postgres: EmbeddedPostgres) -> str:
    """A database of this module's own: the rows seeded into the outboxes are not events, and a
    relay of the session's platform would take them (and dead-letter them) mid-test."""
    return await private_database(postgres, "service_isolation")


@pytest.fixture(scope="module")
async def db(app_url: str) -> AsyncIterator[Database]:
    database = Database(app_url, pool_size=5)
    yield database
    await database.dispose()


TABLES = ["channels.channel_accounts", "channels.outbound_sends", "channels.outbox",
          "conversations.contacts", "conversations.conversations", "conversations.messages",
          "conversations.outbox"]


async def _seed(db: Database, tenant: uuid.UUID) -> None:
    """One row in every table, written as the tenant itself."""
    ids = {name: uuid.uuid4() for name in ("channel", "contact", "conversation")}
    statements = [
        ("INSERT INTO channels.channel_accounts (id, tenant_id, kind, name, status, "
         "external_account_id, api_base_url, client_id, client_secret_enc, webhook_token_sha256, "
         "webhook_token_enc, public_base_url) VALUES (:channel, :t, 1, 'shop', 1, :ext, 'http://x', "
         "'id', 'x', 'h', 'x', 'http://x')"),
        ("INSERT INTO channels.outbound_sends (id, tenant_id, message_id, conversation_id, "
         "channel_id, external_chat_id, status) VALUES (gen_random_uuid(), :t, gen_random_uuid(), "
         ":conversation, :channel, 'chat', 1)"),
        ("INSERT INTO conversations.contacts (id, tenant_id, channel_id, external_user_id) "
         "VALUES (:contact, :t, :channel, 'buyer')"),
        ("INSERT INTO conversations.conversations (id, tenant_id, channel_id, channel_kind, "
         "external_chat_id, contact_id, status, mode, last_message_at) VALUES (:conversation, :t, "
         ":channel, 1, 'chat', :contact, 1, 2, now())"),
        ("INSERT INTO conversations.messages (id, tenant_id, conversation_id, direction, sender, "
         "status, sent_at) VALUES (gen_random_uuid(), :t, :conversation, 1, 1, 1, now())"),
    ] + [f"INSERT INTO {schema}.outbox (id, tenant_id, subject, event_type, payload) VALUES "
         f"(gen_random_uuid(), :t, 's', 'e', 'x')" for schema in ("channels", "conversations")]
    async with db.unit_of_work(tenant) as session:
        for sql in statements:
            await session.execute(text(sql), {"t": tenant, "ext": uuid.uuid4().hex, **ids})


async def _counts(session, tenant: uuid.UUID) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {table: await session.scalar(
        text(f"SELECT count(*) FROM {table} WHERE tenant_id = :t"), {"t": tenant})
        for table in TABLES}


async def test_own_rows_only(db: Database, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    await _seed(db, tenant_a)
    async with db.unit_of_work(tenant_a) as session:
        assert set((await _counts(session, tenant_a)).values()) == {1}
    async with db.unit_of_work(tenant_b) as session:
        assert set((await _counts(session, tenant_a)).values()) == {0}
        for table in TABLES:  # updates and deletes of A's rows touch nothing
            changed = await session.execute(text(f"UPDATE {table} SET tenant_id = :b "
                                                 f"WHERE tenant_id = :a"), {"a": tenant_a, "b": tenant_b})
            assert changed.rowcount == 0
            deleted = await session.execute(text(f"DELETE FROM {table} WHERE tenant_id = :a"),
                                            {"a": tenant_a})
            assert deleted.rowcount == 0
    async with db.unscoped_unit_of_work() as session:
        assert set((await _counts(session, tenant_a)).values()) == {0}


@pytest.mark.parametrize("table", ["conversations.contacts", "channels.outbox"])
async def test_cannot_write_rows_for_another_tenant(db: Database, tenant_a: uuid.UUID,
                                                    tenant_b: uuid.UUID, table: str) -> None:
    sql = {"conversations.contacts": "INSERT INTO conversations.contacts (id, tenant_id, channel_id, "
                                     "external_user_id) "
                                     "VALUES (gen_random_uuid(), :a, gen_random_uuid(), 'x')",
           "channels.outbox": "INSERT INTO channels.outbox (id, tenant_id, subject, event_type, payload) "
                              "VALUES (gen_random_uuid(), :a, 's', 'e', 'x')"}[table]
    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.unit_of_work(tenant_b) as session:
            await session.execute(text(sql), {"a": tenant_a})


async def test_pooled_connection_does_not_leak_a_tenant(app_url: str, tenant_a: uuid.UUID) -> None:
    single = Database(app_url, pool_size=1)
    try:
        await _seed(single, tenant_a)
        async with single.unscoped_unit_of_work() as session:
            assert set((await _counts(session, tenant_a)).values()) == {0}
            role = await session.scalar(text("SELECT current_user"))
        assert role == "switchboard_app"
    finally:
        await single.dispose()
