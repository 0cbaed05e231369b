"""Ingestor.ingest_many (the consumer's batch path) against one-by-one `ingest`, on PostgreSQL:
the same messages must leave the same conversations, messages and events behind."""

from __future__ import annotations

import uuid
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy import select

from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as ev
from services.conversations.ingest.inbound import Ingestor
from services.conversations.models import Contact, Conversation, Message, OutboxEvent
from services.conversations.repository import ConversationsUnit
from services.kernel.db import Database
from services.kernel.outbox import Outbox
from services.kernel.tenancy import tenant_scope
from services.kernel.unit import Units
from tests.fixtures.events import unified


def _at(message: common.UnifiedMessage, second: int) -> common.UnifiedMessage:
    message.sent_at.CopyFrom(Timestamp(seconds=1_790_000_000 + second))
    return message


def _batch(channel: uuid.UUID) -> list[tuple[common.UnifiedMessage, bool]]:
    """Three chats, out of order, a repeat, a nameless then named buyer, an echo of an app
    reply, a quote, and a history import — the mix a fetched batch can hold."""
    quoted = _at(unified(channel, "chat-1", "m-quote", "ответ на ваше"), 9)
    quoted.quoted_external_message_id = "m-1"
    nameless = _at(unified(channel, "chat-3", "m-5", "без имени", buyer="3003"), 4)
    nameless.author_name = ""
    return [
        (_at(unified(channel, "chat-1", "m-2", "второе", item_id="77", price_minor=500_00), 2), False),
        (_at(unified(channel, "chat-1", "m-1", "первое", item_id="77", price_minor=500_00), 1), False),
        (_at(unified(channel, "chat-2", "m-3", "другой чат", buyer="2002"), 3), False),
        (_at(unified(channel, "chat-1", "m-2", "второе", item_id="77", price_minor=500_00), 2), False),
        (nameless, False),
        (_at(unified(channel, "chat-3", "m-6", "с именем", buyer="3003"), 6), False),
        (_at(unified(channel, "chat-2", "m-app", "ответ из приложения", echo=True), 7), False),
        (quoted, False),
        (_at(unified(channel, "chat-4", "m-old", "давнее", buyer="4004"), 0), True),
    ]


async def _snapshot(db: Database, tenant: uuid.UUID) -> dict[str, Any]:
    async with db.unit_of_work(tenant) as session:
        conversations = (await session.scalars(select(Conversation))).all()
        contacts = {c.id: c for c in (await session.scalars(select(Contact))).all()}
        messages = (await session.scalars(select(Message))).all()
        events = (await session.scalars(select(OutboxEvent).order_by(OutboxEvent.created_at))).all()
    chat_of = {c.id: c.external_chat_id for c in conversations}
    quoted = {m.id: m.external_message_id for m in messages}
    return {
        "conversations": sorted(
            (c.external_chat_id, contacts[c.contact_id].external_user_id,
             contacts[c.contact_id].name, c.unread_count, c.waiting_since, c.last_message_at,
             c.last_message_preview, c.listing_external_id, c.listing_price_minor, c.status)
            for c in conversations),
        "messages": sorted(
            (chat_of[m.conversation_id], m.external_message_id, m.direction, m.sender, m.status,
             m.historical, quoted.get(m.quoted_message_id) if m.quoted_message_id else None)
            for m in messages),
        "received": sorted(
            ev.MessageReceived.FromString(e.payload).message.external_message_id
            for e in events if e.event_type.endswith("MessageReceived")),
    }


async def test_a_batch_stores_what_one_by_one_stores(db: Database, tenant_a: uuid.UUID,
                                                     tenant_b: uuid.UUID) -> None:
    ingestor, units = Ingestor(), Units(db, ConversationsUnit, Outbox(OutboxEvent))
    channel = uuid.uuid4()
    with tenant_scope(tenant_a):
        async with units(tenant_a) as unit:
            stored = await ingestor.ingest_many(unit, _batch(channel))
    # One by one in time order: the batch orders by sent_at itself (stream order is not
    # time order), e.g. a conversation waits since its earliest unanswered message.
    with tenant_scope(tenant_b):
        for message, historical in sorted(_batch(channel), key=lambda b: b[0].sent_at.seconds):
            async with units(tenant_b) as unit:
                await ingestor.ingest(unit, message, historical=historical)
    batched, one_by_one = await _snapshot(db, tenant_a), await _snapshot(db, tenant_b)
    assert batched == one_by_one
    assert sorted(stored) == [0, 1, 2, 4, 5, 6, 7, 8]  # all but the repeat
    assert len(batched["conversations"]) == 4 and len(batched["received"]) == 8
    chat1 = next(c for c in batched["conversations"] if c[0] == "chat-1")
    assert chat1[3] == 3 and chat1[6] == "ответ на ваше"  # unread, preview of the newest
    chat3 = next(c for c in batched["conversations"] if c[0] == "chat-3")
    assert chat3[2] == "Иван"  # a later message named the buyer


async def test_a_batch_redelivered_changes_nothing(db: Database, tenant_a: uuid.UUID) -> None:
    ingestor, units = Ingestor(), Units(db, ConversationsUnit, Outbox(OutboxEvent))
    channel = uuid.uuid4()
    with tenant_scope(tenant_a):
        async with units(tenant_a) as unit:
            await ingestor.ingest_many(unit, _batch(channel))
        before = await _snapshot(db, tenant_a)
        async with units(tenant_a) as unit:
            assert await ingestor.ingest_many(unit, _batch(channel)) == []
    assert await _snapshot(db, tenant_a) == before
