"""The claims the SECURITY DEFINER functions make across tenants (syncs, token checks, snoozed
conversations, catch-up, agent replies, the outbox relays): each leases the due rows of every
tenant in one statement, and nothing else of those rows is reachable as no tenant.

A database of its own (tests/tenancy/seeded.py)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, text

from services.agent.answering.repository import PendingRepository
from services.channels.repository import AccountsRepository
from services.channels.sync.repository import SyncStateRepository
from services.conversations.repository import ConversationRepository
from services.kernel.db import Database
from services.kernel.outbox import RelayRepository
from tests.tenancy.seeded import Seeded, seed, seeded_fixtures, tenant_of

owner_url, db, a, b = seeded_fixtures()


@pytest.fixture
def statements(db: Database) -> Iterator[list[str]]:
    """The SQL statements the runtime sends while the test runs."""
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        sent.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    yield sent
    event.remove(db.engine.sync_engine, "before_cursor_execute", record)


async def test_sync_claims_lease_due_rows_of_every_tenant_in_one_statement(
        db: Database, a: Seeded, b: Seeded, statements: list[str]) -> None:
    later = await seed(db, due=False)
    now = datetime.now(UTC)
    async with db.unscoped_unit_of_work() as session:
        statements.clear()
        claims = await SyncStateRepository(session).claim_due(now, 100, 300.0, [b.channel])
        assert len([s for s in statements if "claim_due_syncs" in s]) == 1
        assert len(statements) == 2  # binding no tenant, then the claim: nothing per row
    leased = {c.channel_id: c for c in claims}
    assert a.channel in leased and b.channel not in leased and later.channel not in leased
    assert leased[a.channel].tenant_id == a.tenant
    assert leased[a.channel].lease_until == now + timedelta(seconds=300)
    async with db.unscoped_unit_of_work() as session:  # leased: not due again until it ends
        again = await SyncStateRepository(session).claim_due(now, 100, 300.0, [])
        assert a.channel not in {c.channel_id for c in again}
        assert await SyncStateRepository(session).overdue(now + timedelta(hours=1), 60) >= 1


async def test_token_check_claims_lease_active_avito_accounts_of_every_tenant(
        db: Database, a: Seeded, b: Seeded, statements: list[str]) -> None:
    now = datetime.now(UTC)
    async with db.unit_of_work(b.tenant) as session:  # b's account: disconnected, not due
        await session.execute(text("UPDATE channels.channel_accounts SET status = 2 "
                                   "WHERE id = :id"), {"id": b.channel})
    async with db.unscoped_unit_of_work() as session:
        statements.clear()
        claims = await AccountsRepository(session).claim_token_checks(now, 1000, 300.0)
        assert len(statements) == 2  # binding no tenant, then the claim: nothing per row
    leased = {c.channel_id: c.tenant_id for c in claims}
    assert leased.get(a.channel) == a.tenant and b.channel not in leased
    async with db.unscoped_unit_of_work() as session:  # leased: not due again until it ends
        again = await AccountsRepository(session).claim_token_checks(now, 1000, 300.0)
        assert a.channel not in {c.channel_id for c in again}
        # Nothing else of the row is reachable as no tenant.
        assert (await session.execute(text(
            "SELECT count(*) FROM channels.channel_accounts"))).scalar_one() == 0


async def test_snoozed_due_names_due_snoozed_conversations_of_every_tenant_only(
        db: Database, a: Seeded, b: Seeded) -> None:
    now = datetime.now(UTC)
    ids = {}
    for seeded, status, until in ((a, 3, now - timedelta(minutes=1)),  # due
                                  (b, 3, now + timedelta(hours=1)),  # snoozed, not due
                                  (b, 1, None)):  # open
        ids[(seeded.tenant, status)] = conversation = uuid.uuid4()
        async with db.unit_of_work(seeded.tenant) as session:
            await session.execute(text(
                "INSERT INTO conversations.contacts (id, tenant_id, channel_id, "
                "external_user_id) VALUES (:c, :t, :ch, :x)"),
                {"c": conversation, "t": seeded.tenant, "ch": seeded.channel,
                 "x": str(conversation)})
            await session.execute(text(
                "INSERT INTO conversations.conversations (id, tenant_id, channel_id, "
                "channel_kind, external_chat_id, contact_id, status, mode, last_message_at, "
                "snoozed_until) VALUES (:c, :t, :ch, 1, :x, :c, :s, 2, now(), :u)"),
                {"c": conversation, "t": seeded.tenant, "ch": seeded.channel,
                 "x": str(conversation), "s": status, "u": until})
    async with db.unscoped_unit_of_work() as session:
        due = await ConversationRepository(session).snoozed_due(now, 1000)
        assert due == [(a.tenant, ids[(a.tenant, 3)])]
        # Nothing else of the rows is reachable as no tenant.
        assert (await session.execute(text(
            "SELECT count(*) FROM conversations.conversations"))).scalar_one() == 0


async def test_catch_up_makes_recently_active_accounts_of_every_tenant_due(
        db: Database, a: Seeded, b: Seeded) -> None:
    quiet, later = await seed(db, due=False), await seed(db, due=False)
    for seeded in (a, later):  # a webhook lately; `a` is due already, `later` is not
        async with db.unit_of_work(seeded.tenant) as session:
            await session.execute(text("UPDATE channels.channel_accounts SET last_webhook_at = now()"))
    async with db.unscoped_unit_of_work() as session:
        assert await SyncStateRepository(session).catch_up(datetime.now(UTC) - timedelta(minutes=5)) == 1
    now = datetime.now(UTC)
    async with db.unscoped_unit_of_work() as session:
        claimed = {c.channel_id for c in await SyncStateRepository(session).claim_due(
            now, 100, 300.0, [])}
    assert later.channel in claimed and quiet.channel not in claimed


async def test_reply_claims_lease_due_rows_of_every_tenant(db: Database, a: Seeded,
                                                           b: Seeded) -> None:
    later = await seed(db, due=False)
    now = datetime.now(UTC)
    async with db.unscoped_unit_of_work() as session:
        claims = await PendingRepository(session).claim_due(now, timedelta(minutes=3), 500)
    by_tenant = {c.tenant_id: c for c in claims}
    assert {a.tenant, b.tenant} <= set(by_tenant) and later.tenant not in by_tenant
    assert by_tenant[a.tenant].attempts == 1 and by_tenant[a.tenant].channel_id == a.channel
    async with db.unscoped_unit_of_work() as session:
        again = await PendingRepository(session).claim_due(now, timedelta(minutes=3), 500)
        assert not {a.tenant, b.tenant} & {c.tenant_id for c in again}
        due = await PendingRepository(session).next_due(now)
        assert due is not None and due > now  # only the unleased, later wait is left


async def test_concurrent_claims_skip_each_others_rows(db: Database, a: Seeded, b: Seeded) -> None:
    """Two relays (or schedulers) at once: the second takes what the first does not hold,
    without waiting for it (SKIP LOCKED inside the definer functions)."""
    async with db.unscoped_unit_of_work() as first:
        held = await RelayRepository(first, "conversations").claim(1000)
        assert {a.tenant, b.tenant} <= {tenant_of(r.subject) for r in held}
        async with db.unscoped_unit_of_work() as second:
            other = await asyncio.wait_for(RelayRepository(second, "conversations").claim(1000), 5)
            assert not {r.id for r in held} & {r.id for r in other}


async def test_the_relay_reads_and_deletes_only_through_its_functions(
        db: Database, a: Seeded) -> None:
    async with db.unscoped_unit_of_work() as session:
        repo = RelayRepository(session, "agent")
        waiting, oldest = await repo.backlog()
        assert waiting >= 1 and oldest is not None
        rows = [r for r in await repo.claim(1000) if tenant_of(r.subject) == a.tenant]
        assert [(r.event_type, r.payload, r.headers) for r in rows] == [
            ("e", b"payload", {"Nats-Msg-Id": "m"})]
        await repo.delete([r.id for r in rows])
    async with db.unit_of_work(a.tenant) as session:
        assert await session.scalar(text("SELECT count(*) FROM agent.outbox")) == 0
        assert await session.scalar(text("SELECT count(*) FROM channels.outbox")) == 1
