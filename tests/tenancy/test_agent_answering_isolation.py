"""RLS on the agent's answering tables (settings, pending replies, audit, summaries, outbox): a
tenant sees and changes only its own rows, nothing is visible without a tenant, and a
tenantless unit leases due pending replies (what the debounce scheduler needs) through the
definer function alone.

A database of its own: the session platform's agent leases due pending replies of every tenant
on the real clock, and would take this module's rows from under it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from services.agent.answering.repository import PendingRepository
from services.agent.audit.repository import AuditRepository
from services.kernel.db import Database
from services.kernel.tenancy import tenant_scope
from switchboard.devstack.database import ensure_database, migrate_database, runtime_url
from switchboard.devstack.postgres import EmbeddedPostgres

TABLES = ["agent.settings", "agent.pending_replies", "agent.audit",
          "agent.conversation_summaries", "agent.outbox"]


@pytest.fixture(scope="module")
async def db(postgres: EmbeddedPostgres) -> AsyncIterator[Database]:
    name = f"agent_rls_{uuid.uuid4().hex[:8]}"
    await ensure_database(postgres.url(), name)
    await migrate_database(postgres.url(name))
    database = Database(runtime_url(postgres.url(name)), pool_size=2)
    yield database
    await database.dispose()


@pytest.fixture
def tenant_a() -> uuid.UUID:
    return uuid.uuid4()


@pytest.fixture
def tenant_b() -> uuid.UUID:
    return uuid.uuid4()


async def _seed(db: Database, tenant: uuid.UUID) -> uuid.UUID:
    conversation = uuid.uuid4()
    statements = [
        "INSERT INTO agent.settings (id, tenant_id, values) VALUES (gen_random_uuid(), :t, "
        "'{\"enabled\": true}')",
        "INSERT INTO agent.pending_replies (id, tenant_id, conversation_id, channel_id, "
        "first_unanswered_at, last_buyer_message_at, due_at) VALUES (gen_random_uuid(), :t, :c, "
        "gen_random_uuid(), now(), now(), now() - interval '1 hour')",
        "INSERT INTO agent.audit (id, tenant_id, conversation_id, outcome) VALUES "
        "(gen_random_uuid(), :t, :c, 'reply')",
        "INSERT INTO agent.conversation_summaries (id, tenant_id, conversation_id, summary, "
        "covered_until) VALUES (gen_random_uuid(), :t, :c, 'кратко', now())",
        "INSERT INTO agent.outbox (id, tenant_id, subject, event_type, payload) VALUES "
        "(gen_random_uuid(), :t, 's', 'e', 'x')",
    ]
    async with db.unit_of_work(tenant) as session:
        for sql in statements:
            await session.execute(text(sql), {"t": tenant, "c": conversation})
    return conversation


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
        for table in TABLES:
            changed = await session.execute(text(f"UPDATE {table} SET tenant_id = :b "
                                                 f"WHERE tenant_id = :a"), {"a": tenant_a, "b": tenant_b})
            deleted = await session.execute(text(f"DELETE FROM {table} WHERE tenant_id = :a"),
                                            {"a": tenant_a})
            assert changed.rowcount == 0 and deleted.rowcount == 0
    async with db.unscoped_unit_of_work() as session:
        assert set((await _counts(session, tenant_a)).values()) == {0}


async def test_cannot_write_settings_for_another_tenant(db: Database, tenant_a: uuid.UUID,
                                                       tenant_b: uuid.UUID) -> None:
    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.unit_of_work(tenant_b) as session:
            await session.execute(text(
                "INSERT INTO agent.settings (id, tenant_id, values) "
                "VALUES (gen_random_uuid(), :a, '{}')"), {"a": tenant_a})


async def test_a_tenantless_unit_leases_pending_replies_and_sees_nothing_else(
        db: Database, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    conv_a, conv_b = await _seed(db, tenant_a), await _seed(db, tenant_b)
    async with db.unscoped_unit_of_work() as session:
        claims = await PendingRepository(session).claim_due(
            datetime.now(UTC), timedelta(minutes=3), 500)
        assert set((await _counts(session, tenant_a)).values()) == {0}
        deleted = await session.execute(text("DELETE FROM agent.pending_replies"))
        assert deleted.rowcount == 0
    leased = {c.conversation_id: c.tenant_id for c in claims}
    assert leased[conv_a] == tenant_a and leased[conv_b] == tenant_b
    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.unscoped_unit_of_work() as session:
            await session.execute(text(
                "INSERT INTO agent.pending_replies (id, tenant_id, conversation_id, channel_id, "
                "first_unanswered_at, last_buyer_message_at, due_at) VALUES (gen_random_uuid(), "
                "gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), now(), now(), now())"))
    # A leased row is completed in its own tenant's unit of work, invisible to the other tenant.
    claim = next(c for c in claims if c.conversation_id == conv_a)
    with tenant_scope(tenant_b):
        async with db.unit_of_work(tenant_b) as session:
            assert await PendingRepository(session).complete(claim, timedelta(seconds=20)) is False
    with tenant_scope(tenant_a):
        async with db.unit_of_work(tenant_a) as session:
            assert await PendingRepository(session).complete(claim, timedelta(seconds=20)) is True


async def test_the_model_health_reads_its_own_tenants_audit_only(
        db: Database, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    """GetAgentHealth's query (ix_audit_model_results) under RLS: tenant A's failures are not
    tenant B's, and without a tenant nothing is read."""
    async with db.unit_of_work(tenant_a) as session:
        for _ in range(3):
            await session.execute(text(
                "INSERT INTO agent.audit (id, tenant_id, conversation_id, outcome, model_result, "
                "reason) VALUES (gen_random_uuid(), :t, gen_random_uuid(), 'handoff', 'auth', "
                "'ошибка модели')"), {"t": tenant_a})
    hour_ago = datetime.now(UTC) - timedelta(hours=1)
    async with db.unit_of_work(tenant_a) as session:
        mine = await AuditRepository(session).model_facts(3, hour_ago)
    assert mine.streak == 3 and mine.handed_over == 3 and mine.last_error is not None
    for unit in (db.unit_of_work(tenant_b), db.unscoped_unit_of_work()):
        async with unit as session:
            theirs = await AuditRepository(session).model_facts(3, hour_ago)
        assert (theirs.latest, theirs.streak, theirs.last_error, theirs.handed_over) == \
            ([], 0, None, 0)
