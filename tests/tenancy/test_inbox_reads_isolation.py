"""The inbox's read queries under RLS: BatchListMessages' query (a LATERAL walk per asked id) and
the list (a page picked from conversations, then joined to contacts) give another tenant's ids
and rows nothing, even when asked for them by id alongside the caller's own."""

from __future__ import annotations

import uuid

from sqlalchemy import text

from services.conversations.inbox.filters import ConversationFilter, Sort
from services.conversations.repository import ConversationRepository, MessageRepository
from services.kernel.db import Database


async def _conversation_with_messages(db: Database, tenant: uuid.UUID, count: int) -> uuid.UUID:
    """A contact, a conversation and `count` messages, written as the tenant itself."""
    contact, conversation = uuid.uuid4(), uuid.uuid4()
    async with db.unit_of_work(tenant) as session:
        await session.execute(text(
            "INSERT INTO conversations.contacts (id, tenant_id, channel_id, external_user_id) "
            "VALUES (:contact, :t, gen_random_uuid(), 'buyer')"), {"contact": contact, "t": tenant})
        await session.execute(text(
            "INSERT INTO conversations.conversations (id, tenant_id, channel_id, channel_kind, "
            "external_chat_id, contact_id, status, mode, last_message_at) VALUES (:c, :t, "
            "gen_random_uuid(), 1, 'chat', :contact, 1, 2, now())"),
            {"c": conversation, "t": tenant, "contact": contact})
        for i in range(count):
            await session.execute(text(
                "INSERT INTO conversations.messages (id, tenant_id, conversation_id, direction, "
                "sender, status, text, sent_at) VALUES (gen_random_uuid(), :t, :c, 1, 1, 1, :x, "
                "now() - make_interval(secs => :i))"),
                {"t": tenant, "c": conversation, "x": f"secret {i}", "i": i})
    return conversation


async def test_batch_messages_of_another_tenants_conversations_are_empty(
        db: Database, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    theirs = await _conversation_with_messages(db, tenant_a, 3)
    ours = await _conversation_with_messages(db, tenant_b, 2)
    async with db.unit_of_work(tenant_b) as session:
        pages = await MessageRepository(session).newest_of_many([theirs, ours], 10)
    assert pages[theirs] == ([], "")
    assert [m.text for m in pages[ours][0]] == ["secret 0", "secret 1"]
    assert {m.tenant_id for m in pages[ours][0]} == {tenant_b}
    async with db.unit_of_work(tenant_a) as session:  # the owner does see them
        assert len((await MessageRepository(session).newest_of_many([theirs], 10))[theirs][0]) == 3


async def test_the_list_shows_own_conversations_only(db: Database, tenant_a: uuid.UUID,
                                                     tenant_b: uuid.UUID) -> None:
    theirs = await _conversation_with_messages(db, tenant_a, 1)
    ours = await _conversation_with_messages(db, tenant_b, 1)
    for sort in Sort:
        async with db.unit_of_work(tenant_b) as session:
            rows, cursor = await ConversationRepository(session).list_page(
                ConversationFilter(), sort, 50, "")
        assert [(c.id, contact.tenant_id) for c, contact in rows] == [(ours, tenant_b)]
        assert cursor == "" and theirs not in {c.id for c, _ in rows}
