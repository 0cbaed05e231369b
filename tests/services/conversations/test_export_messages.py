"""ExportMessages through the real gRPC server and PostgreSQL: a range's messages conversation
by conversation in keyset pages, the channel filter, the totals, and what it refuses."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from clients.rpc.conversations import ConversationsClient
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from services.kernel.bus import Bus
from services.kernel.errors import InvalidArgument
from tests.fixtures.events import eventually, publish_inbound, unified

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


async def _seed(client: ConversationsClient, bus: Bus, tenant: uuid.UUID,
                chats: dict[str, list[tuple[int, str]]]) -> uuid.UUID:
    """One channel; per chat, buyer messages sent T0 + the given hours."""
    channel = uuid.uuid4()
    for chat, lines in chats.items():
        for hours, text in lines:
            message = unified(channel, chat, f"{chat}-{hours}", text, buyer=f"b-{chat}")
            message.sent_at.FromDatetime(T0 + timedelta(hours=hours))
            await publish_inbound(bus, tenant, message)
    expected = sum(len(lines) for lines in chats.values())

    async def stored() -> bool:
        convs = (await client.list_conversations(tenant, page_size=100)).conversations
        return sum(c.unread_count for c in convs if c.channel_id == str(channel)) == expected
    await eventually(stored)
    return channel


async def _all_pages(client: ConversationsClient, tenant: uuid.UUID, since: datetime,
                     until: datetime, channels: list[str], size: int
                     ) -> tuple[list[pb.ExportMessagesResponse], list[pb.Message]]:
    pages, cursor = [], ""
    while True:
        page = await client.export_messages(tenant, since, until, channels, page_size=size,
                                            cursor=cursor)
        pages.append(page)
        cursor = page.page_info.next_cursor
        if not cursor:
            return pages, [m for p in pages for m in p.messages]


class TestExportMessages:
    async def test_pages_walk_the_range_conversation_by_conversation(
            self, client: ConversationsClient, bus: Bus, tenant_a: uuid.UUID,
            tenant_b: uuid.UUID) -> None:
        channel = await _seed(client, bus, tenant_a, {
            "x-1": [(0, "рано"), (25, "первое 😀"), (26, "второе")],
            "x-2": [(27, "привет"), (30, "ещё")],
            "x-3": [(1, "вне диапазона")]})
        other = await _seed(client, bus, tenant_a, {"y-1": [(28, "другой канал")]})
        await _seed(client, bus, tenant_b, {"z-1": [(28, "чужое")]})
        since, until = T0 + timedelta(hours=24), T0 + timedelta(hours=30)
        pages, messages = await _all_pages(client, tenant_a, since, until, [str(channel)], 2)
        assert len(pages) == 2 and pages[0].total_messages == 3
        assert pages[0].total_conversations == 2 and pages[1].total_messages == 0
        by_conv: dict[str, list[str]] = {}
        for m in messages:  # contiguous per conversation, oldest first inside one
            assert not by_conv or m.conversation_id in by_conv or all(
                m.conversation_id > c for c in by_conv)
            by_conv.setdefault(m.conversation_id, []).append(m.text)
        assert sorted(by_conv.values()) == [["первое 😀", "второе"], ["привет"]]
        for page in pages:  # each page names the conversations of its messages, once
            assert {c.id for c in page.conversations} == {m.conversation_id
                                                          for m in page.messages}
            assert all(c.contact.external_user_id.startswith("b-x-") for c in page.conversations)
        _, every = await _all_pages(client, tenant_a, since, until, [], 100)
        assert sorted(m.text for m in every) == ["второе", "другой канал", "первое 😀", "привет"]
        _, theirs = await _all_pages(client, tenant_b, since, until, [str(other)], 100)
        assert theirs == []  # another tenant's channel id finds nothing of tenant_a's

    async def test_a_conversation_whose_only_activity_in_the_range_is_a_note_is_exported(
            self, client: ConversationsClient, bus: Bus, tenant_a: uuid.UUID) -> None:
        channel = await _seed(client, bus, tenant_a, {"n-1": [(0, "давно")]})
        conversation = next(c for c in (await client.list_conversations(
            tenant_a, page_size=100)).conversations if c.channel_id == str(channel))
        note = await client.add_note(tenant_a, conversation.id, "перезвонить в пятницу")
        since = note.sent_at.ToDatetime(tzinfo=UTC) - timedelta(minutes=1)
        pages, messages = await _all_pages(client, tenant_a, since, since + timedelta(hours=1),
                                           [str(channel)], 100)
        assert [(m.content_type, m.text) for m in messages] == [("note", "перезвонить в пятницу")]
        assert pages[0].total_messages == 1 and pages[0].total_conversations == 1
        assert [c.id for c in pages[0].conversations] == [conversation.id]

    @pytest.mark.parametrize(("hours", "size", "detail"), [
        (-1, 0, "from must be before to"), (24 * 367, 0, "at most 366 days"),
        (1, 1001, "page size")])
    async def test_bad_requests_are_rejected(self, client: ConversationsClient,
                                             tenant_a: uuid.UUID, hours: int, size: int,
                                             detail: str) -> None:
        with pytest.raises(InvalidArgument, match=detail):
            await client.export_messages(tenant_a, T0, T0 + timedelta(hours=hours),
                                         page_size=size)
        with pytest.raises(InvalidArgument, match="cursor"):
            await client.export_messages(tenant_a, T0, T0 + timedelta(hours=1), cursor="x.y")

    async def test_times_that_are_not_ones_are_rejected(self, client: ConversationsClient,
                                                        tenant_a: uuid.UUID) -> None:
        bad = pb.ExportMessagesRequest(**{"from": {"seconds": 1, "nanos": -5}})
        bad.to.FromDatetime(T0)
        with pytest.raises(InvalidArgument, match="`from` is not a valid time"):
            await client._call(client._stub.ExportMessages, bad, tenant_a)
        with pytest.raises(InvalidArgument, match="from and to are required"):
            await client._call(client._stub.ExportMessages, pb.ExportMessagesRequest(), tenant_a)
