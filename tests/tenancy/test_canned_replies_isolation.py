"""RLS on `conversations.canned_replies` (migration 0026), and the inbox search under RLS: a
tenant's canned replies are its own, and searching for another tenant's buyer, listing or
message words finds nothing of theirs (the search's subqueries read under the same policy)."""

from __future__ import annotations

import uuid

from sqlalchemy import text

from services.conversations.inbox.filters import ConversationFilter, Sort
from services.conversations.repository import ConversationRepository
from services.kernel.db import Database
from tests.tenancy.rows import assert_isolated


async def _canned(db: Database, tenant: uuid.UUID) -> None:
    async with db.unit_of_work(tenant) as session:
        await session.execute(text(
            "INSERT INTO conversations.canned_replies (id, tenant_id, title, text, shortcut) "
            "VALUES (gen_random_uuid(), :t, 'Цена', 'Стоит {price}', 'price')"), {"t": tenant})


async def test_canned_replies_are_the_tenants_own(db: Database, tenant_a: uuid.UUID,
                                                  tenant_b: uuid.UUID) -> None:
    await _canned(db, tenant_a)
    await _canned(db, tenant_b)  # the same shortcut in another tenant is no conflict
    assert await assert_isolated(db, "conversations.canned_replies", tenant_a, tenant_b) == 1


async def _conversation(db: Database, tenant: uuid.UUID, buyer: str, title: str,
                        words: str) -> uuid.UUID:
    contact, conversation = uuid.uuid4(), uuid.uuid4()
    async with db.unit_of_work(tenant) as session:
        await session.execute(text(
            "INSERT INTO conversations.contacts (id, tenant_id, channel_id, external_user_id, "
            "name) VALUES (:contact, :t, gen_random_uuid(), 'buyer', :name)"),
            {"contact": contact, "t": tenant, "name": buyer})
        await session.execute(text(
            "INSERT INTO conversations.conversations (id, tenant_id, channel_id, channel_kind, "
            "external_chat_id, contact_id, status, mode, last_message_at, listing_title) "
            "VALUES (:c, :t, gen_random_uuid(), 1, 'chat', :contact, 1, 2, now(), :title)"),
            {"c": conversation, "t": tenant, "contact": contact, "title": title})
        await session.execute(text(
            "INSERT INTO conversations.messages (id, tenant_id, conversation_id, direction, "
            "sender, status, text, sent_at) VALUES (gen_random_uuid(), :t, :c, 1, 1, 1, :x, "
            "now())"), {"t": tenant, "c": conversation, "x": words})
    return conversation


async def test_search_finds_nothing_of_another_tenant(db: Database, tenant_a: uuid.UUID,
                                                      tenant_b: uuid.UUID) -> None:
    theirs = await _conversation(db, tenant_a, "Секретный Покупатель", "Тайный диван",
                                 "промокод сокровенный")
    ours = await _conversation(db, tenant_b, "Пётр", "Стул", "здравствуйте")
    for query in ("Секретный", "тайный", "сокровенный"):
        async with db.unit_of_work(tenant_a) as session:  # the owner finds it
            rows, _ = await ConversationRepository(session).list_page(
                ConversationFilter(query=query), Sort.RECENT, 50, "")
            assert [c.id for c, _ in rows] == [theirs]
        async with db.unit_of_work(tenant_b) as session:
            rows, _ = await ConversationRepository(session).list_page(
                ConversationFilter(query=query), Sort.RECENT, 50, "")
            assert rows == [], query
    async with db.unit_of_work(tenant_b) as session:
        rows, _ = await ConversationRepository(session).list_page(
            ConversationFilter(query="стул"), Sort.RECENT, 50, "")
        assert [c.id for c, _ in rows] == [ours]
