"""The inbox list's filters beyond status and mode (assignee, unassigned, labels), pinned
conversations first in every sort, and search (buyer name, listing title, message words),
through the real gRPC server and PostgreSQL; cursors stay correct with each."""

from __future__ import annotations

import uuid

import pytest

from clients.rpc.conversations import ConversationsClient
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from services.kernel.bus import Bus
from services.kernel.errors import InvalidArgument
from tests.fixtures.events import eventually, publish_inbound, unified

SORTS = (pb.CONVERSATION_SORT_RECENT, pb.CONVERSATION_SORT_PRICE_ASC,
         pb.CONVERSATION_SORT_PRICE_DESC)


async def _seed(client: ConversationsClient, bus: Bus, tenant: uuid.UUID,
                rows: list[tuple[str, str, int | None]]) -> list[pb.Conversation]:
    """One conversation per (buyer message, listing item, price), oldest first; the buyer's
    name is "Иван" (the fixture's), items are titled "Item <item>"."""
    channel = uuid.uuid4()
    for i, (text, item, price) in enumerate(rows):
        await publish_inbound(bus, tenant, unified(channel, f"u2i-f{i}", f"f{i}", text,
                                                   buyer=f"fb{i}", item_id=item,
                                                   price_minor=price))

    async def stored() -> list[pb.Conversation] | None:
        convs = (await client.list_conversations(tenant, page_size=100)).conversations
        return sorted(convs, key=lambda c: c.external_chat_id) if len(convs) == len(rows) \
            else None
    return await eventually(stored)


async def _walk(client: ConversationsClient, tenant: uuid.UUID, flt: pb.ConversationFilter,
                sort: int = pb.CONVERSATION_SORT_RECENT, size: int = 2) -> list[str]:
    """Every page's chat ids, following the cursors."""
    seen, cursor = [], ""
    while True:
        page = await client.list_conversations(tenant, filter=flt, sort=sort, page_size=size,
                                               cursor=cursor)
        seen += [c.external_chat_id for c in page.conversations]
        cursor = page.page_info.next_cursor
        if not cursor:
            return seen


async def _update(client: ConversationsClient, tenant: uuid.UUID, id_: str,
                  **fields: object) -> None:
    await client.update_conversation(tenant, pb.UpdateConversationRequest(
        id=id_, update_fields=list(fields), **fields))  # type: ignore[arg-type]


async def test_assignee_unassigned_and_labels_with_cursors(
        client: ConversationsClient, bus: Bus, tenant_a: uuid.UUID) -> None:
    convs = await _seed(client, bus, tenant_a, [(f"m{i}", "", None) for i in range(5)])
    me, other = str(uuid.uuid4()), str(uuid.uuid4())
    await _update(client, tenant_a, convs[0].id, assignee_user_id=me, labels=["vip", "опт"])
    await _update(client, tenant_a, convs[2].id, assignee_user_id=me, labels=["vip"])
    await _update(client, tenant_a, convs[3].id, assignee_user_id=other, labels=["опт", "vip"])
    assert await _walk(client, tenant_a, pb.ConversationFilter(assignee_user_id=me), size=1) \
        == ["u2i-f2", "u2i-f0"]
    assert await _walk(client, tenant_a, pb.ConversationFilter(unassigned=True), size=1) \
        == ["u2i-f4", "u2i-f1"]
    assert await _walk(client, tenant_a, pb.ConversationFilter(labels=["vip"])) \
        == ["u2i-f3", "u2i-f2", "u2i-f0"]
    both = pb.ConversationFilter(labels=["опт", "vip"])  # all of them must be on it
    assert await _walk(client, tenant_a, both, size=1) == ["u2i-f3", "u2i-f0"]
    assert await _walk(client, tenant_a, pb.ConversationFilter(
        labels=["vip"], assignee_user_id=me)) == ["u2i-f2", "u2i-f0"]
    assert await _walk(client, tenant_a, pb.ConversationFilter(labels=["нет такой"])) == []


@pytest.mark.parametrize("sort", SORTS)
async def test_pinned_first_in_every_sort_across_pages(
        client: ConversationsClient, bus: Bus, tenant_a: uuid.UUID, sort: int) -> None:
    prices = [300_00, None, 100_00, 500_00, 200_00]
    convs = await _seed(client, bus, tenant_a,
                        [(f"m{i}", str(i), p) for i, p in enumerate(prices)])
    unpinned_order = await _walk(client, tenant_a, pb.ConversationFilter(), sort, size=100)
    for i in (1, 3):
        await _update(client, tenant_a, convs[i].id, pinned=True)
    pinned = [chat for chat in unpinned_order if chat in ("u2i-f1", "u2i-f3")]
    rest = [chat for chat in unpinned_order if chat not in pinned]
    for size in (1, 2, 3, 100):  # a page ending in, at the end of and past the pinned ones
        assert await _walk(client, tenant_a, pb.ConversationFilter(), sort, size) \
            == pinned + rest, size
    # Filters apply to both parts.
    assert await _walk(client, tenant_a, pb.ConversationFilter(unread_only=True), sort, 1) \
        == pinned + rest


async def test_search_finds_names_titles_and_message_words(
        client: ConversationsClient, bus: Bus, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    convs = await _seed(client, bus, tenant_a, [
        ("Здравствуйте, возможна ли доставка в Казань?", "701", 100_00),
        ("Какой размер у куртки?", "702", None),
        ("Торг уместен?", "703", 200_00)])
    await _seed(client, bus, tenant_b, [("доставка нужна", "701", None)])

    async def found(query: str, sort: int = pb.CONVERSATION_SORT_RECENT,
                    size: int = 10) -> list[str]:
        return await _walk(client, tenant_a, pb.ConversationFilter(query=query), sort, size)
    assert await found("доставкой") == ["u2i-f0"]  # Russian stemming: доставка
    assert await found("куртка") == ["u2i-f1"]
    assert await found("Item 70", pb.CONVERSATION_SORT_PRICE_ASC, 1) \
        == ["u2i-f0", "u2i-f2", "u2i-f1"]  # parts of titles, cursors of the price sort
    assert await found("item 703") == ["u2i-f2"]
    assert await found("иВа") == ["u2i-f2", "u2i-f1", "u2i-f0"]  # part of the buyer's name
    assert await found("100%_") == []  # LIKE's wildcards are taken literally
    assert await found("доставка -казань") == []  # web search syntax
    assert await found("   ") == await found("")  # blank = no search
    await _update(client, tenant_a, convs[2].id, pinned=True)
    assert await found("70") == ["u2i-f2", "u2i-f1", "u2i-f0"]  # pinned first here too


async def test_bad_filters_are_refused(client: ConversationsClient,
                                       tenant_a: uuid.UUID) -> None:
    for flt in (pb.ConversationFilter(assignee_user_id="me"),
                pb.ConversationFilter(assignee_user_id=str(uuid.uuid4()), unassigned=True),
                pb.ConversationFilter(labels=[f"l{i}" for i in range(11)]),
                pb.ConversationFilter(query="я" * 201)):
        with pytest.raises(InvalidArgument):
            await client.list_conversations(tenant_a, filter=flt)
