"""Canned replies through the real gRPC server and PostgreSQL: create, list by title, update,
delete, shortcuts unique in a tenant (not across), rendering for a conversation, and another
tenant's reply or conversation not found."""

from __future__ import annotations

import uuid

import pytest

from clients.rpc.conversations import ConversationsClient
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from services.conversations.models import CannedReply
from services.conversations.repository import ConversationsUnit
from services.kernel.bus import Bus
from services.kernel.db import Database
from services.kernel.errors import Conflict, InvalidArgument, NotFound
from tests.fixtures.events import eventually, publish_inbound, unified


async def test_a_tenants_canned_replies(client: ConversationsClient, tenant_a: uuid.UUID,
                                        tenant_b: uuid.UUID) -> None:
    price = await client.create_canned_reply(tenant_a, "Цена", "Цена: {price}", "/price")
    hello = await client.create_canned_reply(tenant_a, "адрес", "Мы на Ленина, 1")
    assert (price.shortcut, hello.shortcut) == ("price", "")
    with pytest.raises(Conflict):
        await client.create_canned_reply(tenant_a, "Цена 2", "{price}", "price")
    other = await client.create_canned_reply(tenant_b, "Цена", "B", "price")  # its own
    assert [r.title for r in await client.list_canned_replies(tenant_a)] == ["адрес", "Цена"]
    changed = await client.update_canned_reply(tenant_a, pb.UpdateCannedReplyRequest(
        id=hello.id, update_fields=["text", "shortcut"], text="Ленина, 2", shortcut="addr"))
    assert (changed.title, changed.text, changed.shortcut) == ("адрес", "Ленина, 2", "addr")
    with pytest.raises(Conflict):
        await client.update_canned_reply(tenant_a, pb.UpdateCannedReplyRequest(
            id=hello.id, update_fields=["shortcut"], shortcut="price"))
    with pytest.raises(InvalidArgument):
        await client.update_canned_reply(tenant_a, pb.UpdateCannedReplyRequest(
            id=hello.id, update_fields=["id"]))
    for call in (client.delete_canned_reply(tenant_a, other.id),
                 client.update_canned_reply(tenant_a, pb.UpdateCannedReplyRequest(
                     id=other.id, update_fields=["title"], title="x"))):
        with pytest.raises(NotFound):
            await call
    await client.delete_canned_reply(tenant_a, price.id)
    assert [r.id for r in await client.list_canned_replies(tenant_a)] == [hello.id]
    assert [r.text for r in await client.list_canned_replies(tenant_b)] == ["B"]


async def test_render_for_a_conversation(client: ConversationsClient, bus: Bus,
                                         tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    await publish_inbound(bus, tenant_a, unified(uuid.uuid4(), "u2i-canned", "c1", "Цена?",
                                                 item_id="55", price_minor=4_990_00))

    async def stored() -> pb.Conversation | None:
        convs = (await client.list_conversations(tenant_a)).conversations
        return convs[0] if convs else None
    conversation = await eventually(stored)
    reply = await client.create_canned_reply(
        tenant_a, "Цена", "{buyer_name}, «{listing_title}» — {price}. {buyer_phone}{promo}")
    done = await client.render_canned_reply(tenant_a, reply.id, conversation.id)
    assert done.text == "Иван, «Item 55» — 4 990 ₽. {promo}"
    assert (list(done.missing), list(done.unknown)) == (["buyer_phone"], ["promo"])
    with pytest.raises(NotFound):  # another tenant's conversation
        await client.render_canned_reply(tenant_b, reply.id, conversation.id)
    theirs = await client.create_canned_reply(tenant_b, "t", "x")
    with pytest.raises(NotFound):  # another tenant's reply
        await client.render_canned_reply(tenant_a, theirs.id, conversation.id)


async def test_a_shortcut_taken_by_a_concurrent_request_is_a_conflict(
        db: Database, tenant_a: uuid.UUID) -> None:
    """The check before the insert passed for both; the unique index answers the second."""
    async with db.unit_of_work(tenant_a) as session:
        unit = ConversationsUnit(session)
        for title in ("first", "second"):
            unit.canned.add(CannedReply(id=uuid.uuid4(), tenant_id=tenant_a, title=title,
                                        text="x", shortcut="race"))
        with pytest.raises(Conflict, match="/race"):
            await unit.canned.flush_unique("race")
        await session.rollback()
