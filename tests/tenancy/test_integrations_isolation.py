"""RLS on the integrations tables (outgoing webhooks): endpoints, events, deliveries, attempts
and the outbox show each tenant its own rows only, and nothing without a tenant; the
dispatcher crosses tenants through its definer functions alone, which answer with leased due
deliveries (id, tenant, endpoint), a count, or a purge count. Delivery times sit in 2100, so
the session platform's own dispatcher never takes these rows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from services.integrations.repository import DeliveriesRepository, EndpointsRepository
from services.kernel.db import Database
from tests.tenancy.rows import assert_isolated

TABLES = ("integrations.endpoints", "integrations.events", "integrations.deliveries",
          "integrations.attempts", "integrations.outbox")
FAR = datetime(2100, 1, 1, 6, 0, tzinfo=UTC)


async def _seed(db: Database, tenant: uuid.UUID, due: datetime = FAR) -> uuid.UUID:
    """An endpoint with an event, a pending delivery due at `due`, an attempt, an outbox row."""
    endpoint, event, delivery = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    async with db.unit_of_work(tenant) as session:
        await session.execute(text(
            "INSERT INTO integrations.endpoints (id, tenant_id, url, secret_enc, retry_window_s) "
            "VALUES (:e, :t, 'https://example.com/hook', 'enc', 86400)"), {"e": endpoint, "t": tenant})
        await session.execute(text(
            "INSERT INTO integrations.events (id, tenant_id, type, conversation_id, occurred_at, "
            "payload) VALUES (:v, :t, 'message.received', gen_random_uuid(), :due, '{}')"),
            {"v": event, "t": tenant, "due": due})
        await session.execute(text(
            "INSERT INTO integrations.deliveries (id, tenant_id, endpoint_id, event_id, "
            "event_type, event_occurred_at, next_attempt_at) VALUES (:d, :t, :e, :v, "
            "'message.received', :due, :due)"),
            {"d": delivery, "t": tenant, "e": endpoint, "v": event, "due": due})
        await session.execute(text(
            "INSERT INTO integrations.attempts (id, tenant_id, delivery_id, number, started_at) "
            "VALUES (gen_random_uuid(), :t, :d, 1, now())"), {"t": tenant, "d": delivery})
        await session.execute(text(
            "INSERT INTO integrations.outbox (id, tenant_id, subject, event_type, payload) "
            "VALUES (gen_random_uuid(), :t, :subject, 'x', '')"),  # the relay may publish it
            {"t": tenant, "subject": f"sb.integrations.{tenant}.x.y"})
    return delivery


@pytest.mark.parametrize("table", TABLES)
async def test_a_tenant_sees_and_changes_its_own_rows_only(
        db: Database, tenant_a: uuid.UUID, tenant_b: uuid.UUID, table: str) -> None:
    await _seed(db, tenant_a)
    update = None if table.endswith(("events", "attempts", "outbox")) else "updated_at = now()" \
        if table.endswith("endpoints") else "last_error = 'x'"
    assert await assert_isolated(db, table, tenant_a, tenant_b, update=update) == 1


async def test_a_row_for_another_tenant_cannot_be_written(
        db: Database, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.unit_of_work(tenant_b) as session:
            await session.execute(text(
                "INSERT INTO integrations.endpoints (id, tenant_id, url, secret_enc, "
                "retry_window_s) VALUES (gen_random_uuid(), :a, 'https://x.example', 'e', 1)"),
                {"a": tenant_a})


async def test_the_dispatcher_claims_due_deliveries_of_every_tenant_through_its_function(
        db: Database, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    due = FAR + timedelta(minutes=int(uuid.uuid4().int % 100_000))  # this test's own time
    ours = {await _seed(db, tenant_a, due): tenant_a, await _seed(db, tenant_b, due): tenant_b}
    async with db.unscoped_unit_of_work() as session:
        claimed = [c for c in await DeliveriesRepository(session).claim(due, 60, 1000, 4)
                   if c.id in ours]
        assert {(c.id, c.tenant_id) for c in claimed} == set(ours.items())
        # Leased: not claimed again until the lease ends.
        assert not [c for c in await DeliveriesRepository(session).claim(due, 60, 1000, 4)
                    if c.id in ours]
        assert await EndpointsRepository(session).paused_count() >= 0
        # Nothing of the tables shows without a tenant, whatever the functions did.
        assert await session.scalar(text("SELECT count(*) FROM integrations.deliveries")) == 0
