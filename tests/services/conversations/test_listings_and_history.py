"""Conversations and what reconciliation brings: imported history (historical, read), quotes,
names filled in by sync, listing details announced by channels (listing.updated), and the
webhook-to-stored latency metric. The real runtime: gRPC, NATS consumers, PostgreSQL."""

from __future__ import annotations

import uuid

from google.protobuf.timestamp_pb2 import Timestamp
from nats.js.api import PubAck
from prometheus_client import REGISTRY

from clients.rpc import topics
from clients.rpc.conversations import ConversationsClient
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channel_events
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as ev
from services.kernel.bus import Bus
from services.kernel.db import Database
from tests.fixtures.events import Recorder, eventually, unified
from tests.services.conversations.bus_helpers import conversation_updates, handled


async def inbound(bus: Bus, tenant: uuid.UUID, message: common.UnifiedMessage, *,
                  historical: bool = False, received_at: Timestamp | None = None) -> None:
    event = channel_events.MessageInbound(message=message, historical=historical,
                                          received_at=received_at)
    await bus.publish(topics.MESSAGE_INBOUND.subject(tenant), event.SerializeToString(),
                      msg_id=f"inbound:{message.channel_id}:{message.external_message_id}")


async def listing_updated(bus: Bus, tenant: uuid.UUID, channel: uuid.UUID, item_id: str,
                          title: str, price_minor: int | None) -> PubAck:
    event = channel_events.ListingUpdated(
        channel_id=str(channel), status="active", listing=common.Listing(
            external_id=item_id, title=title, price_minor=price_minor or 0,
            has_price=price_minor is not None, url=f"https://www.avito.ru/{item_id}",
            image_url=f"https://img.avito.st/{item_id}.jpg"))
    return await bus.publish(topics.LISTING_UPDATED.subject(tenant), event.SerializeToString(),
                             msg_id=str(uuid.uuid4()))


async def conversations(client: ConversationsClient, tenant: uuid.UUID,
                        count: int) -> list[pb.Conversation]:
    async def found() -> list[pb.Conversation] | None:
        items = list((await client.list_conversations(tenant)).conversations)
        return items if len(items) >= count else None
    return await eventually(found)


async def messages(client: ConversationsClient, tenant: uuid.UUID, conversation_id: str,
                   count: int) -> list[pb.Message]:
    async def found() -> list[pb.Message] | None:
        items = list((await client.list_messages(tenant, conversation_id)).messages)
        return items if len(items) >= count else None
    return await eventually(found)


def read(message: common.UnifiedMessage) -> common.UnifiedMessage:
    message.read = True
    return message


class TestHistory:
    async def test_read_history_is_not_unread_and_unread_history_is(
            self, client: ConversationsClient, bus: Bus, tenant_a: uuid.UUID) -> None:
        channel = uuid.uuid4()
        async with Recorder(bus, f"sb.conversations.{tenant_a}.message.received") as received:
            await inbound(bus, tenant_a, read(unified(channel, "u2i-h1", "h1", "старое")),
                          historical=True)
            await inbound(bus, tenant_a, read(unified(channel, "u2i-h1", "h2", "тоже старое")),
                          historical=True)
            [conv] = await conversations(client, tenant_a, 1)
            stored = await messages(client, tenant_a, conv.id, 2)
            await eventually(lambda: _async(len(received.messages) == 2))
        conv = await client.get_conversation(tenant_a, conv.id)
        assert conv.unread_count == 0 and not conv.HasField("waiting_since")
        assert all(m.historical for m in stored)
        events = [ev.MessageReceived.FromString(data) for _, data in received.messages]
        assert all(e.message.historical for e in events)  # the event still goes out, flagged

        # An unread message in the imported history still counts.
        await inbound(bus, tenant_a, unified(channel, "u2i-h1", "h3", "не прочитано"),
                      historical=True)
        await messages(client, tenant_a, conv.id, 3)
        conv = await client.get_conversation(tenant_a, conv.id)
        assert conv.unread_count == 1 and conv.HasField("waiting_since")

    async def test_history_never_reopens_a_resolved_conversation(
            self, client: ConversationsClient, bus: Bus, tenant_a: uuid.UUID) -> None:
        channel = uuid.uuid4()
        await inbound(bus, tenant_a, unified(channel, "u2i-r", "r1", "вопрос"))
        [conv] = await conversations(client, tenant_a, 1)
        await client.update_conversation(tenant_a, pb.UpdateConversationRequest(
            id=conv.id, status=pb.CONVERSATION_STATUS_RESOLVED, update_fields=["status"]))
        await inbound(bus, tenant_a, unified(channel, "u2i-r", "r0", "давний вопрос"),
                      historical=True)
        await messages(client, tenant_a, conv.id, 2)
        assert (await client.get_conversation(tenant_a, conv.id)).status == \
            pb.CONVERSATION_STATUS_RESOLVED
        await inbound(bus, tenant_a, unified(channel, "u2i-r", "r2", "новый вопрос"))
        await messages(client, tenant_a, conv.id, 3)
        assert (await client.get_conversation(tenant_a, conv.id)).status == \
            pb.CONVERSATION_STATUS_OPEN  # a live message does

    async def test_quotes_resolve_to_our_message_id(
            self, client: ConversationsClient, bus: Bus, tenant_a: uuid.UUID) -> None:
        channel = uuid.uuid4()
        await inbound(bus, tenant_a, unified(channel, "u2i-q", "q1", "Сколько стоит?"))
        quoting = unified(channel, "u2i-q", "q2", "Ответьте на это")
        quoting.quoted_external_message_id = "q1"
        await inbound(bus, tenant_a, quoting)
        [conv] = await conversations(client, tenant_a, 1)
        newest, oldest = await messages(client, tenant_a, conv.id, 2)
        assert newest.quoted_message_id == oldest.id

    async def test_sync_fills_an_empty_contact_name_and_keeps_it(
            self, client: ConversationsClient, bus: Bus, tenant_a: uuid.UUID) -> None:
        channel = uuid.uuid4()
        webhook = unified(channel, "u2i-n", "n1", "без имени", buyer="777")
        webhook.author_name = ""  # webhooks name nobody
        await inbound(bus, tenant_a, webhook)
        [conv] = await conversations(client, tenant_a, 1)
        assert conv.contact.name == ""
        await inbound(bus, tenant_a, unified(channel, "u2i-n", "n2", "из синхронизации",
                                             buyer="777"))  # the chat object names "Иван"
        later = unified(channel, "u2i-n", "n3", "снова без имени", buyer="777")
        later.author_name = ""
        await inbound(bus, tenant_a, later)
        await messages(client, tenant_a, conv.id, 3)
        assert (await client.get_conversation(tenant_a, conv.id)).contact.name == "Иван"


class TestListings:
    async def test_listing_update_reaches_every_conversation_of_that_item(
            self, client: ConversationsClient, bus: Bus, db: Database,
            tenant_a: uuid.UUID) -> None:
        channel, other_channel = uuid.uuid4(), uuid.uuid4()
        bare = [unified(channel, "u2i-l1", "l1", "есть?", buyer="1", item_id="555"),
                unified(channel, "u2i-l2", "l2", "есть?", buyer="2", item_id="555"),
                unified(other_channel, "u2i-l3", "l3", "есть?", buyer="3", item_id="555"),
                unified(channel, "u2i-l4", "l4", "а это?", buyer="4", item_id="556")]
        for message in bare:  # as a webhook has it: the item id alone
            message.listing.title = ""
            await inbound(bus, tenant_a, message)
        await conversations(client, tenant_a, 4)
        await listing_updated(bus, tenant_a, channel, "555", "Велосипед", 1_850_000)
        ack = await listing_updated(bus, tenant_a, channel, "556", "Самокат", 900_000)
        await handled(bus, topics.CONVERSATIONS_LISTINGS, ack)
        assert len(await conversation_updates(bus, db, tenant_a)) == 3
        # The same announcement again changes nothing and says nothing.
        await listing_updated(bus, tenant_a, channel, "555", "Велосипед", 1_850_000)
        ack = await listing_updated(bus, tenant_a, channel, "556", "Самокат", 900_000)
        await handled(bus, topics.CONVERSATIONS_LISTINGS, ack)
        assert len(await conversation_updates(bus, db, tenant_a)) == 3
        by_chat = {c.external_chat_id: c for c in await conversations(client, tenant_a, 4)}
        assert by_chat["u2i-l1"].listing.title == by_chat["u2i-l2"].listing.title == "Велосипед"
        assert by_chat["u2i-l1"].listing.price_minor == 1_850_000
        assert by_chat["u2i-l1"].listing.image_url == "https://img.avito.st/555.jpg"
        assert by_chat["u2i-l3"].listing.title == ""  # another channel's item 555
        cheapest = await client.list_conversations(
            tenant_a, sort=pb.CONVERSATION_SORT_PRICE_ASC)
        assert [c.external_chat_id for c in cheapest.conversations][:3] == \
            ["u2i-l4", *sorted(["u2i-l1", "u2i-l2"], key=lambda chat: by_chat[chat].id)]

    async def test_a_price_change_and_a_price_on_request(
            self, client: ConversationsClient, bus: Bus, tenant_a: uuid.UUID) -> None:
        channel = uuid.uuid4()
        await inbound(bus, tenant_a, unified(channel, "u2i-p", "p1", "?", item_id="77",
                                             price_minor=100_00))
        [conv] = await conversations(client, tenant_a, 1)
        await listing_updated(bus, tenant_a, channel, "77", "Item 77", 80_00)

        async def price(expected: int | None) -> bool:
            listing = (await client.get_conversation(tenant_a, conv.id)).listing
            return (listing.price_minor if listing.has_price else None) == expected
        await eventually(lambda: price(80_00))
        await listing_updated(bus, tenant_a, channel, "77", "Item 77", None)  # «Договорная»
        await eventually(lambda: price(None))

    async def test_a_synced_message_fills_a_bare_listing(
            self, client: ConversationsClient, bus: Bus, tenant_a: uuid.UUID) -> None:
        channel = uuid.uuid4()
        webhook = unified(channel, "u2i-s", "s1", "?", item_id="88")
        webhook.listing.title = ""
        webhook.listing.has_price = False
        await inbound(bus, tenant_a, webhook)
        [conv] = await conversations(client, tenant_a, 1)
        assert conv.listing.external_id == "88" and not conv.listing.title
        await inbound(bus, tenant_a, unified(channel, "u2i-s", "s2", "??", item_id="88",
                                             price_minor=42_00))
        await messages(client, tenant_a, conv.id, 2)
        listing = (await client.get_conversation(tenant_a, conv.id)).listing
        assert (listing.title, listing.price_minor) == ("Item 88", 42_00)


async def test_webhook_to_stored_is_observed_for_webhooks_only(
        client: ConversationsClient, bus: Bus, tenant_a: uuid.UUID) -> None:
    def observed() -> float:
        return REGISTRY.get_sample_value("switchboard_webhook_to_stored_seconds_count") or 0.0

    channel = uuid.uuid4()
    before = observed()
    now = Timestamp()
    now.GetCurrentTime()
    await inbound(bus, tenant_a, unified(channel, "u2i-w", "w1", "живое"), received_at=now)
    await inbound(bus, tenant_a, unified(channel, "u2i-w", "w2", "из синхронизации"))
    [conv] = await conversations(client, tenant_a, 1)
    await messages(client, tenant_a, conv.id, 2)
    assert observed() == before + 1


async def _async(value: bool) -> bool:
    return value
