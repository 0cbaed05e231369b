"""The conversations service through its real gRPC server, NATS consumers and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest

from clients.rpc import topics
from clients.rpc.base import open_channel
from clients.rpc.conversations import ConversationsClient
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channel_events
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as ev
from services.kernel.bus import Bus
from services.kernel.errors import InvalidArgument, NotFound, Unauthenticated
from services.kernel.runtime import ServiceRuntime
from services.kernel.wire import Caller
from tests.fixtures.events import Recorder, eventually, publish_inbound, unified


async def _only_conversation(client: ConversationsClient, tenant: uuid.UUID) -> pb.Conversation:
    async def found() -> pb.Conversation | None:
        resp = await client.list_conversations(tenant)
        return resp.conversations[0] if resp.conversations else None
    return await eventually(found)


class TestInbound:
    async def test_message_creates_contact_conversation_and_event(
            self, client: ConversationsClient, bus: Bus, tenant_a: uuid.UUID) -> None:
        channel = uuid.uuid4()
        async with Recorder(bus, f"sb.conversations.{tenant_a}.>") as events:
            await publish_inbound(bus, tenant_a, unified(channel, "u2i-chat1", "m1", "Здравствуйте!",
                                                         item_id="4012345678", price_minor=300000_00))
            conv = await _only_conversation(client, tenant_a)
            await eventually(lambda: _async(events.on("message.received")))
        assert conv.contact.name == "Иван" and conv.unread_count == 1
        assert conv.listing.price_minor == 300000_00 and conv.waiting_since.seconds > 0
        received = ev.MessageReceived.FromString(events.on("message.received")[0])
        assert received.message.text == "Здравствуйте!"

    async def test_duplicate_delivery_stores_nothing_twice(
            self, client: ConversationsClient, bus: Bus, tenant_a: uuid.UUID) -> None:
        channel = uuid.uuid4()
        msg = unified(channel, "u2i-dup", "m-dup", "один раз")
        await publish_inbound(bus, tenant_a, msg)
        conv = await _only_conversation(client, tenant_a)
        # Beyond JetStream's dedup window the handler itself must be idempotent.
        event = channel_events.MessageInbound(message=msg).SerializeToString()
        await bus.publish(topics.MESSAGE_INBOUND.subject(tenant_a), event,
                          msg_id=f"another-id-{uuid.uuid4()}")
        await publish_inbound(bus, tenant_a, unified(channel, "u2i-dup", "m-2", "второе"))

        async def two() -> bool:
            return len((await client.list_messages(tenant_a, conv.id)).messages) == 2
        await eventually(two)
        conv = await client.get_conversation(tenant_a, conv.id)
        assert conv.unread_count == 2

    async def test_other_tenant_sees_nothing(self, client: ConversationsClient, bus: Bus,
                                             tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
        await publish_inbound(bus, tenant_a, unified(uuid.uuid4(), "u2i-iso", "m-iso", "секрет"))
        conv = await _only_conversation(client, tenant_a)
        assert (await client.list_conversations(tenant_b)).conversations == []
        with pytest.raises(NotFound):
            await client.get_conversation(tenant_b, conv.id)
        with pytest.raises(NotFound):
            await client.send_message(tenant_b, conv.id, "чужое")
        assert await client.batch_get_conversations(tenant_b, [conv.id]) == []


class TestReplies:
    async def test_send_is_pending_then_sent_by_delivery(
            self, client: ConversationsClient, bus: Bus, tenant_a: uuid.UUID) -> None:
        channel = uuid.uuid4()
        await publish_inbound(bus, tenant_a, unified(channel, "u2i-r1", "in-1", "Есть в наличии?"))
        conv = await _only_conversation(client, tenant_a)
        async with Recorder(bus, f"sb.conversations.{tenant_a}.>") as events:
            sent = await client.send_message(tenant_a, conv.id, "Да, есть", idempotency_key="k1")
            again = await client.send_message(tenant_a, conv.id, "Да, есть", idempotency_key="k1")
            assert again.id == sent.id and sent.status == pb.MESSAGE_STATUS_PENDING
            await eventually(lambda: _async(events.on("message.send_requested")))
        request = ev.MessageSendRequested.FromString(events.on("message.send_requested")[0])
        assert request.external_chat_id == "u2i-r1" and request.channel_id == str(channel)
        await _deliver(bus, tenant_a, sent, channel, "ext-out-1")
        msg = await _message(client, tenant_a, conv.id, sent.id, pb.MESSAGE_STATUS_SENT)
        assert msg.external_message_id == "ext-out-1"
        assert not (await client.get_conversation(tenant_a, conv.id)).HasField("waiting_since")

    async def test_echo_links_to_our_send_and_creates_no_duplicate(
            self, client: ConversationsClient, bus: Bus, tenant_a: uuid.UUID) -> None:
        channel = uuid.uuid4()
        await publish_inbound(bus, tenant_a, unified(channel, "u2i-e1", "in-e", "Цена?"))
        conv = await _only_conversation(client, tenant_a)
        sent = await client.send_message(tenant_a, conv.id, "1000 рублей")
        # The echo arrives before the channel's delivery report (the race Avito allows).
        await publish_inbound(bus, tenant_a, unified(channel, "u2i-e1", "ext-e", "1000 рублей", echo=True))
        await _message(client, tenant_a, conv.id, sent.id, pb.MESSAGE_STATUS_SENT)
        await _deliver(bus, tenant_a, sent, channel, "ext-e")
        await publish_inbound(bus, tenant_a, unified(channel, "u2i-e1", "ext-e", "1000 рублей", echo=True))
        messages = (await client.list_messages(tenant_a, conv.id)).messages
        assert [m.text for m in messages] == ["1000 рублей", "Цена?"]

    async def test_echo_of_a_reply_written_in_the_avito_app_is_stored(
            self, client: ConversationsClient, bus: Bus, tenant_a: uuid.UUID) -> None:
        channel = uuid.uuid4()
        await publish_inbound(bus, tenant_a, unified(channel, "u2i-app", "in-app", "Привет"))
        conv = await _only_conversation(client, tenant_a)
        await publish_inbound(bus, tenant_a, unified(
            channel, "u2i-app", "ext-app", "Ответ из приложения", echo=True))

        async def app_reply() -> bool:
            messages = (await client.list_messages(tenant_a, conv.id)).messages
            return any(m.sender == pb.SENDER_KIND_CHANNEL_APP for m in messages)
        await eventually(app_reply)

    async def test_failed_delivery_keeps_the_reason(
            self, client: ConversationsClient, bus: Bus, tenant_a: uuid.UUID) -> None:
        channel = uuid.uuid4()
        await publish_inbound(bus, tenant_a, unified(channel, "u2i-f", "in-f", "?"))
        conv = await _only_conversation(client, tenant_a)
        sent = await client.send_message(tenant_a, conv.id, "ответ")
        await _deliver(bus, tenant_a, sent, channel, "", failed="Avito: chat is blocked")
        msg = await _message(client, tenant_a, conv.id, sent.id, pb.MESSAGE_STATUS_FAILED)
        assert msg.failure_reason == "Avito: chat is blocked"

    async def test_bad_requests_are_rejected(self, client: ConversationsClient,
                                             tenant_a: uuid.UUID) -> None:
        with pytest.raises(InvalidArgument):
            await client.send_message(tenant_a, "not-a-uuid", "x")
        with pytest.raises(NotFound):
            await client.send_message(tenant_a, str(uuid.uuid4()), "x")
        with pytest.raises(InvalidArgument):
            await client.list_conversations(tenant_a, page_size=1000)
        with pytest.raises(InvalidArgument):
            await client.list_conversations(tenant_a, cursor="%%%")


class TestListing:
    async def test_filters_sorting_and_cursor_pages(
            self, client: ConversationsClient, bus: Bus, tenant_a: uuid.UUID) -> None:
        channel = uuid.uuid4()
        for i, price in enumerate([500_00, None, 100_00, 300_00]):
            await publish_inbound(bus, tenant_a, unified(
                channel, f"u2i-p{i}", f"p{i}", f"msg {i}", buyer=f"b{i}", price_minor=price,
                item_id=str(i) if price else ""))

        async def four() -> bool:
            return len((await client.list_conversations(tenant_a)).conversations) == 4
        await eventually(four)
        prices, cursor = [], ""
        while True:
            page = await client.list_conversations(
                tenant_a, sort=pb.CONVERSATION_SORT_PRICE_ASC, page_size=1, cursor=cursor)
            prices += [c.listing.price_minor if c.listing.has_price else None for c in page.conversations]
            cursor = page.page_info.next_cursor
            if not cursor:
                break
        assert prices == [100_00, 300_00, 500_00, None]
        recent = await client.list_conversations(tenant_a, page_size=2)
        assert recent.page_info.has_more and len(recent.conversations) == 2
        conv = recent.conversations[0]
        await client.mark_read(tenant_a, conv.id)
        unread = await client.list_conversations(tenant_a, filter=pb.ConversationFilter(unread_only=True))
        assert conv.id not in [c.id for c in unread.conversations] and len(unread.conversations) == 3

    async def test_update_changes_only_named_fields(
            self, client: ConversationsClient, bus: Bus, tenant_a: uuid.UUID) -> None:
        await publish_inbound(bus, tenant_a, unified(uuid.uuid4(), "u2i-u", "u1", "?"))
        conv = await _only_conversation(client, tenant_a)
        updated = await client.update_conversation(tenant_a, pb.UpdateConversationRequest(
            id=conv.id, update_fields=["status", "labels", "pinned"],
            status=pb.CONVERSATION_STATUS_RESOLVED, labels=["vip", " vip ", "опт"], pinned=True,
            mode=pb.CONVERSATION_MODE_BOT))
        assert updated.status == pb.CONVERSATION_STATUS_RESOLVED and updated.pinned
        assert list(updated.labels) == ["vip", "опт"] and updated.mode == conv.mode
        with pytest.raises(InvalidArgument):
            await client.update_conversation(tenant_a, pb.UpdateConversationRequest(
                id=conv.id, update_fields=["contact"]))


async def test_calls_without_the_service_credential_are_refused(runtime: ServiceRuntime,
                                                                tenant_a: uuid.UUID) -> None:
    bad = ConversationsClient(open_channel(runtime.grpc.address), Caller("gateway", "wrong-token"))
    with pytest.raises(Unauthenticated):
        await bad.list_conversations(tenant_a)
    await bad.channel.close()


async def _async(value):  # type: ignore[no-untyped-def]
    return value


async def _deliver(bus: Bus, tenant: uuid.UUID, sent: pb.Message, channel: uuid.UUID,
                   external_id: str, failed: str = "") -> None:
    outcome = channel_events.DELIVERY_OUTCOME_FAILED if failed else channel_events.DELIVERY_OUTCOME_SENT
    event = channel_events.MessageDelivery(
        message_id=sent.id, conversation_id=sent.conversation_id, channel_id=str(channel),
        outcome=outcome, external_message_id=external_id, failure_reason=failed, attempts=1)
    await bus.publish(topics.MESSAGE_DELIVERY.subject(tenant), event.SerializeToString(),
                      msg_id=f"delivery:{sent.id}:{outcome}")


async def _message(client: ConversationsClient, tenant: uuid.UUID, conversation_id: str,
                   message_id: str, status: int) -> pb.Message:
    async def check() -> pb.Message | None:
        for m in (await client.list_messages(tenant, conversation_id)).messages:
            if m.id == message_id and m.status == status:
                return m
        return None
    return await eventually(check)
