"""Inbox reads through the real gRPC server and PostgreSQL: BatchListMessages (the first page of
ListMessages of many conversations in one call) and keyset pages of every list sort."""

from __future__ import annotations

import uuid

import pytest

from clients.rpc.conversations import ConversationsClient
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from services.kernel.bus import Bus
from services.kernel.errors import InvalidArgument
from tests.fixtures.events import eventually, publish_inbound, unified


async def _chats(client: ConversationsClient, bus: Bus, tenant: uuid.UUID,
                 texts: dict[str, list[str]]) -> dict[str, pb.Conversation]:
    """One conversation per chat id with these buyer messages (oldest first)."""
    channel = uuid.uuid4()
    for chat, lines in texts.items():
        for i, line in enumerate(lines):
            await publish_inbound(bus, tenant, unified(channel, chat, f"{chat}-{i}", line,
                                                       buyer=f"b-{chat}"))

    async def stored() -> dict[str, pb.Conversation] | None:
        convs = (await client.list_conversations(tenant, page_size=100)).conversations
        if len(convs) < len(texts) or sum(c.unread_count for c in convs) < sum(
                len(lines) for lines in texts.values()):
            return None
        return {c.external_chat_id: c for c in convs}
    return await eventually(stored)


class TestBatchListMessages:
    async def test_first_pages_of_many_conversations_in_one_call(
            self, client: ConversationsClient, bus: Bus, tenant_a: uuid.UUID) -> None:
        convs = await _chats(client, bus, tenant_a, {"u2i-b1": ["один", "два", "три"],
                                                     "u2i-b2": ["привет"]})
        long, short = convs["u2i-b1"].id, convs["u2i-b2"].id
        unknown = str(uuid.uuid4())
        pages = await client.batch_list_messages(tenant_a, [long, short, unknown, long],
                                                 page_size=2)
        assert [p.conversation_id for p in pages] == [long, short, unknown]  # distinct, in order
        for page in pages[:2]:  # exactly ListMessages' first page, cursor included
            alone = await client.list_messages(tenant_a, page.conversation_id, page_size=2)
            assert list(page.messages) == list(alone.messages)
            assert page.page_info == alone.page_info
        assert [m.text for m in pages[0].messages] == ["три", "два"]
        assert pages[0].page_info.has_more and pages[0].page_info.next_cursor
        rest = await client.list_messages(tenant_a, long, page_size=2,
                                          cursor=pages[0].page_info.next_cursor)
        assert [m.text for m in rest.messages] == ["один"] and not rest.page_info.has_more
        assert [m.text for m in pages[1].messages] == ["привет"]
        assert not pages[1].page_info.has_more and not pages[1].page_info.next_cursor
        assert list(pages[2].messages) == [] and not pages[2].page_info.has_more
        default = await client.batch_list_messages(tenant_a, [long])
        assert len(default[0].messages) == 3  # page size 0: the default page
        assert await client.batch_list_messages(tenant_a, []) == []

    async def test_bad_requests_are_rejected(self, client: ConversationsClient,
                                             tenant_a: uuid.UUID) -> None:
        with pytest.raises(InvalidArgument):
            await client.batch_list_messages(tenant_a, ["not-a-uuid"])
        with pytest.raises(InvalidArgument):
            await client.batch_list_messages(tenant_a, [str(uuid.uuid4())], page_size=101)
        with pytest.raises(InvalidArgument):
            await client.batch_list_messages(tenant_a, [str(uuid.uuid4()) for _ in range(101)])


class TestListPages:
    @pytest.mark.parametrize(("sort", "expected"), [
        (pb.CONVERSATION_SORT_PRICE_ASC, [100_00, 300_00, 500_00, None, None]),
        (pb.CONVERSATION_SORT_PRICE_DESC, [500_00, 300_00, 100_00, None, None]),
    ])
    async def test_price_pages_keep_unknown_prices_last(
            self, client: ConversationsClient, bus: Bus, tenant_a: uuid.UUID, sort: int,
            expected: list[int | None]) -> None:
        channel = uuid.uuid4()
        for i, price in enumerate([500_00, None, 100_00, None, 300_00]):
            await publish_inbound(bus, tenant_a, unified(
                channel, f"u2i-pp{i}", f"pp{i}", f"msg {i}", buyer=f"pb{i}", price_minor=price,
                item_id=str(i) if price else ""))

        async def five() -> bool:
            return len((await client.list_conversations(tenant_a)).conversations) == 5
        await eventually(five)
        whole = await client.list_conversations(tenant_a, sort=sort)
        seen, cursor = [], ""
        while True:  # pages of 1 cross from known to unknown prices and through the unknown ones
            page = await client.list_conversations(tenant_a, sort=sort, page_size=1, cursor=cursor)
            seen += list(page.conversations)
            cursor = page.page_info.next_cursor
            if not cursor:
                break
        assert [c.listing.price_minor if c.listing.has_price else None for c in seen] == expected
        assert [c.id for c in seen] == [c.id for c in whole.conversations]
        assert all(c.contact.external_user_id.startswith("pb") for c in seen)

    async def test_recent_pages_with_a_filter(self, client: ConversationsClient, bus: Bus,
                                              tenant_a: uuid.UUID) -> None:
        convs = await _chats(client, bus, tenant_a, {f"u2i-r{i}": [f"m{i}"] for i in range(5)})
        resolved = convs["u2i-r2"].id
        await client.update_conversation(tenant_a, pb.UpdateConversationRequest(
            id=resolved, update_fields=["status"], status=pb.CONVERSATION_STATUS_RESOLVED))
        whole = await client.list_conversations(tenant_a)
        assert [c.external_chat_id for c in whole.conversations] == \
            [f"u2i-r{i}" for i in (4, 3, 2, 1, 0)]  # newest first
        only_open = pb.ConversationFilter(status=pb.CONVERSATION_STATUS_OPEN)
        seen, cursor = [], ""
        while True:
            page = await client.list_conversations(tenant_a, filter=only_open, page_size=2,
                                                   cursor=cursor)
            seen += [c.external_chat_id for c in page.conversations]
            cursor = page.page_info.next_cursor
            if not cursor:
                break
        assert seen == [f"u2i-r{i}" for i in (4, 3, 1, 0)]
