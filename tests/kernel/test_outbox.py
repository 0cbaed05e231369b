"""The outbox: an event committed with its business row is published even if the process died
before publishing; a rolled-back transaction publishes nothing; re-publishing is harmless."""

from __future__ import annotations

import contextlib
import uuid

from sqlalchemy import func, select

from clients.rpc import topics
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as ev
from services.conversations.models import OutboxEvent
from services.kernel.bus import Bus
from services.kernel.db import Database
from services.kernel.outbox import Outbox, OutboxRelay
from services.kernel.tenancy import tenant_scope
from services.kernel.wire import Stream, Topic
from tests.fixtures.events import Recorder, eventually


async def _write_event(db: Database, outbox: Outbox, tenant: uuid.UUID, *, fail: bool = False) -> None:
    with tenant_scope(tenant):
        async with db.unit_of_work() as session:
            outbox.add(session, topics.CONVERSATION_UPDATED, tenant, ev.ConversationUpdated())
            if fail:
                raise RuntimeError("business rule broke after the event was written")


async def test_committed_event_survives_a_crash_before_publish(
        db: Database, bus: Bus, tenant_a: uuid.UUID) -> None:
    outbox = Outbox(OutboxEvent)
    # The "crash": the transaction committed, but no relay ran in this process.
    await _write_event(db, outbox, tenant_a)
    async with Recorder(bus, f"sb.conversations.{tenant_a}.>") as seen:
        relay = OutboxRelay(db, bus, outbox)  # a relay started later, e.g. after a restart
        await relay.relay_once()  # (a relay of a platform running in this session may beat it)
        await eventually(lambda: _async(len(seen.on("conversation.updated")) == 1))
    async with db.unit_of_work(tenant_a) as session:
        left = await session.scalar(select(func.count()).select_from(OutboxEvent)
                                    .where(OutboxEvent.tenant_id == tenant_a))
    assert left == 0


async def test_rolled_back_transaction_publishes_nothing(
        db: Database, bus: Bus, tenant_a: uuid.UUID) -> None:
    outbox = Outbox(OutboxEvent)
    with contextlib.suppress(RuntimeError):
        await _write_event(db, outbox, tenant_a, fail=True)
    async with db.unit_of_work(tenant_a) as session:
        rows = await session.scalar(select(func.count()).select_from(OutboxEvent)
                                    .where(OutboxEvent.tenant_id == tenant_a))
    assert rows == 0


async def test_republishing_an_event_is_deduplicated(db: Database, bus: Bus,
                                                     tenant_a: uuid.UUID) -> None:
    event_id = uuid.uuid4()
    first = await bus.publish(topics.CONVERSATION_UPDATED.subject(tenant_a), b"",
                              msg_id=str(event_id))
    again = await bus.publish(topics.CONVERSATION_UPDATED.subject(tenant_a), b"",
                              msg_id=str(event_id))
    assert not first.duplicate and again.duplicate


async def _async(value: bool) -> bool:
    return value


async def test_an_event_written_twice_with_its_own_id_is_published_once(
        db: Database, bus: Bus, tenant_a: uuid.UUID) -> None:
    """Two transactions record the same fact before the relay runs (e.g. two enrichments of
    one listing): both commit, and JetStream keeps one copy."""
    outbox, event_id = Outbox(OutboxEvent), uuid.uuid4()
    with tenant_scope(tenant_a):
        for _ in range(2):
            async with db.unit_of_work() as session:
                assert outbox.add(session, topics.CONVERSATION_UPDATED, tenant_a,
                                  ev.ConversationUpdated(), event_id=event_id) == event_id
    relay = OutboxRelay(db, bus, outbox)
    await relay.relay_once()
    subject = topics.CONVERSATION_UPDATED.subject(tenant_a)
    info = await bus.js.stream_info("SB_CONVERSATIONS", subjects_filter=subject)
    assert (info.state.subjects or {}).get(subject) == 1


async def test_an_event_no_stream_takes_is_dead_lettered_and_blocks_nothing(
        db: Database, bus: Bus, tenant_a: uuid.UUID) -> None:
    """A row whose subject no stream routes (a producer's bug) used to fail every pass of the
    relay, and with it every row behind it: the outbox of that service stopped for good."""
    outbox = Outbox(OutboxEvent)
    nowhere = Topic(Stream("SB_NOWHERE", "nowhere"), "tests", "conversation", "updated",
                    ev.ConversationUpdated)
    with tenant_scope(tenant_a):
        async with db.unit_of_work() as session:
            outbox.add(session, nowhere, tenant_a, ev.ConversationUpdated())
        async with db.unit_of_work() as session:
            outbox.add(session, topics.CONVERSATION_UPDATED, tenant_a, ev.ConversationUpdated())
    dlq = await bus.js.pull_subscribe("sb.dlq.outbox.conversations",
                                      durable=f"dlq-outbox-{uuid.uuid4().hex[:8]}",
                                      stream="SB_DEAD_LETTER")
    async with Recorder(bus, f"sb.conversations.{tenant_a}.>") as seen:
        relay = OutboxRelay(db, bus, outbox)

        async def drained() -> bool:
            await relay.relay_once()
            async with db.unit_of_work(tenant_a) as session:
                left = await session.scalar(select(func.count()).select_from(OutboxEvent)
                                            .where(OutboxEvent.tenant_id == tenant_a))
            return left == 0

        await eventually(drained)
        await eventually(lambda: _async(len(seen.on("conversation.updated")) == 1))
    [dead] = await dlq.fetch(1, timeout=5)
    assert dead.headers["Sb-Original-Subject"] == nowhere.subject(tenant_a)
    await dead.ack()
