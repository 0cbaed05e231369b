"""Chat details in the channels service, for real: a conversation that knows its item id only
gets the listing (from Avito, then from the cache — announced for every new conversation, not
dropped as a copy of the first announcement), a contact without a name gets the buyer's name
from the chat (once per chat, never the seller's), and a stale listing is fetched again by
reconciliation once its price changed on Avito."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from nats.js.api import PubAck
from prometheus_client import REGISTRY
from sqlalchemy import select, text

from clients.rpc import topics
from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as pb
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as ev
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as conv_ev
from services.channels.models import Chat, Listing
from services.channels.runtime import ChannelsRuntime
from services.kernel.bus import Bus
from services.kernel.db import Database
from tests.services.channels import sync_helpers
from tests.services.channels.bus_signals import drained, stored
from tests.services.channels.conftest import Avito, Listener, eventually
from tests.services.channels.sync_helpers import connect

Listen = Callable[[str], Awaitable[Listener]]
stop = sync_helpers.stop
# Fixtures shared with the other sync tests (autouse: each test starts with nothing due).
nothing_due = sync_helpers.nothing_due


async def message_received(bus: Bus, tenant: uuid.UUID, channel: pb.Channel, chat_id: str,
                           item_id: str = "", buyer_id: str = "", name: str = "",
                           conversation_id: str = "") -> PubAck:
    """conversations announcing a stored buyer message of `chat_id`, as its conversation
    stands: the item id only (no title), the buyer with `name`."""
    event = conv_ev.MessageReceived(conversation=conv.Conversation(
        id=conversation_id or str(uuid.uuid4()), channel_id=channel.id, external_chat_id=chat_id,
        listing=common.Listing(external_id=item_id),
        contact=conv.Contact(id=str(uuid.uuid4()), external_user_id=buyer_id, name=name)))
    return await bus.publish(topics.MESSAGE_RECEIVED.subject(tenant), event.SerializeToString(),
                             msg_id=str(uuid.uuid4()))


async def handled(bus: Bus, ack: PubAck) -> None:
    """channels-listings has acked everything up to that message.received."""
    await drained(bus, "SB_CONVERSATIONS", topics.CHANNELS_LISTINGS.name, ack.seq)


async def relayed(bus: Bus, db: Database, tenant: uuid.UUID, subject: str) -> int:
    """How many events on `subject` JetStream kept, once the outbox holds none of them (the
    relay publishes a row before it deletes it, in one transaction)."""
    async def drained_outbox() -> bool:
        async with db.unit_of_work(tenant) as session:
            return not await session.scalar(text(
                "SELECT count(*) FROM channels.outbox WHERE subject = :s"), {"s": subject})
    await eventually(drained_outbox)
    return await stored(bus, subject)


async def cached(db: Database, tenant: uuid.UUID, item_id: str) -> Listing | None:
    async with db.unit_of_work(tenant) as session:
        return await session.scalar(select(Listing).where(Listing.item_id == item_id))


def chat_lookups() -> float:
    return REGISTRY.get_sample_value("switchboard_avito_requests_total",
                                     {"endpoint": "get_chat", "status": "200"}) or 0.0


async def test_every_new_conversation_about_a_cached_listing_gets_it_announced(
        channels: ChannelsClient, avito: Avito, stack_bus: Bus, stack_db: Database,
        tenant_a: uuid.UUID, tenant_b: uuid.UUID, listen: Listen) -> None:
    account = await avito.account(items=[{"title": "Холодильник", "price": 27500}])
    item = account["items"][0]
    item_id = str(item["id"])
    buyers = [await avito.incoming(account["user_id"], text="Работает?", item_id=item["id"],
                                   author_id=700_000_000 + n) for n in range(4)]
    channel = await connect(channels, account, tenant_a)
    subject = topics.LISTING_UPDATED.subject(tenant_a)
    announced = await listen(subject)
    await message_received(stack_bus, tenant_a, channel, buyers[0]["chat_id"], item_id)
    [msg] = await announced.wait(1)
    update = ev.ListingUpdated.FromString(msg.data)
    assert update.channel_id == channel.id and update.status == "active"
    assert (update.listing.title, update.listing.price_minor, update.listing.url) == \
        ("Холодильник", 2_750_000, item["url"])
    assert update.listing.image_url
    first = await cached(stack_db, tenant_a, item_id)
    assert first is not None and first.price_minor == 2_750_000

    # Later conversations about the same item, one after another and several at once: each is
    # served from the cache (not fetched again) and each announcement is kept by JetStream —
    # the one conversations act on may be the only one its conversation ever sees.
    await message_received(stack_bus, tenant_a, channel, buyers[1]["chat_id"], item_id)
    await eventually(lambda: _at_least(stack_bus, subject, 2))
    acks = await asyncio.gather(*(message_received(stack_bus, tenant_a, channel, b["chat_id"],
                                                   item_id) for b in buyers[2:]))
    await handled(stack_bus, max(acks, key=lambda a: a.seq))
    assert await relayed(stack_bus, stack_db, tenant_a, subject) == 4
    again = await cached(stack_db, tenant_a, item_id)
    assert again is not None and again.fetched_at == first.fetched_at
    assert await cached(stack_db, tenant_b, item_id) is None


async def test_a_redelivered_request_is_one_announcement_per_conversation(
        channels: ChannelsClient, avito: Avito, stack_bus: Bus, stack_db: Database,
        tenant_a: uuid.UUID) -> None:
    account = await avito.account(items=[{"title": "Лыжи", "price": 4000}])
    item_id = str(account["items"][0]["id"])
    chat = (await avito.incoming(account["user_id"], text="Лыжи ещё есть?"))["chat_id"]
    channel = await connect(channels, account, tenant_a)
    subject = topics.LISTING_UPDATED.subject(tenant_a)
    await message_received(stack_bus, tenant_a, channel, chat, item_id)
    await eventually(lambda: _at_least(stack_bus, subject, 1))  # fetched and cached
    conversation = str(uuid.uuid4())
    for _ in range(2):  # the same conversation asks twice: one fact
        ack = await message_received(stack_bus, tenant_a, channel, chat, item_id,
                                     conversation_id=conversation)
    await handled(stack_bus, ack)
    assert await relayed(stack_bus, stack_db, tenant_a, subject) == 2


async def test_a_listing_cached_without_a_title_is_fetched_again(
        channels: ChannelsClient, avito: Avito, stack_bus: Bus, stack_db: Database,
        tenant_a: uuid.UUID, listen: Listen) -> None:
    """A chat Avito would not show (here: unknown) leaves the listing title-less; the next
    conversation about the item has its own chat to take the details from."""
    account = await avito.account(items=[{"title": "Палатка", "price": 12000}])
    item_id = str(account["items"][0]["id"])
    chat = (await avito.incoming(account["user_id"], text="Палатка какая?"))["chat_id"]
    channel = await connect(channels, account, tenant_a)
    subject = topics.LISTING_UPDATED.subject(tenant_a)
    announced = await listen(subject)
    ack = await message_received(stack_bus, tenant_a, channel, "u2i-unknownChat0000000000",
                                 item_id)
    await handled(stack_bus, ack)
    blank = await cached(stack_db, tenant_a, item_id)
    assert blank is not None and blank.title == ""
    assert await relayed(stack_bus, stack_db, tenant_a, subject) == 0
    await message_received(stack_bus, tenant_a, channel, chat, item_id)
    [msg] = await announced.wait(1)
    assert ev.ListingUpdated.FromString(msg.data).listing.title == "Палатка"


async def test_a_nameless_buyer_is_named_from_the_chat_once_per_chat(
        channels: ChannelsClient, avito: Avito, stack_bus: Bus, stack_db: Database,
        tenant_a: uuid.UUID, tenant_b: uuid.UUID, listen: Listen) -> None:
    account = await avito.account(name="Магазин Продавца",
                                  items=[{"title": "Куртка", "price": 6000}])
    item_id = str(account["items"][0]["id"])
    wrote = [await avito.incoming(account["user_id"], text="Размер?", item_id=int(item_id),
                                  author_id=710_000_000 + n, author_name=name)
             for n, name in enumerate(["Светлана", "Пётр"])]
    channel = await connect(channels, account, tenant_a)
    subject = topics.CONTACT_UPDATED.subject(tenant_a)
    named = await listen(subject)
    before = chat_lookups()
    # The first: listing and name from one chat lookup. The second: the listing from the cache,
    # the name still from its chat. Each buyer writes three times: one lookup per chat.
    for w in wrote:
        for _ in range(3):
            ack = await message_received(stack_bus, tenant_a, channel, w["chat_id"], item_id,
                                         buyer_id=str(w["author_id"]))
    await handled(stack_bus, ack)
    assert chat_lookups() - before == len(wrote)
    assert await relayed(stack_bus, stack_db, tenant_a, subject) == len(wrote)
    events = sorted((ev.ContactUpdated.FromString(m.data) for m in named.messages),
                    key=lambda e: e.name)
    assert [(e.channel_id, e.external_user_id, e.name, e.external_chat_id) for e in events] == \
        sorted([(channel.id, str(w["author_id"]), w_name, w["chat_id"])
                for w, w_name in zip(wrote, ["Светлана", "Пётр"], strict=True)], key=lambda t: t[2])
    async with stack_db.unit_of_work(tenant_a) as session:
        rows = (await session.scalars(select(Chat).where(
            Chat.channel_id == uuid.UUID(channel.id)))).all()
    assert sorted(r.buyer_name for r in rows) == ["Пётр", "Светлана"]
    async with stack_db.unit_of_work(tenant_b) as session:
        assert (await session.scalars(select(Chat))).all() == []

    # A contact that has a name, a placeholder (an echo's chat) and Avito's system user ask
    # for nothing.
    for buyer_id, name in [(str(wrote[0]["author_id"]), "Светлана"), ("chat:u2i-x", ""),
                           ("0", "")]:
        ack = await message_received(stack_bus, tenant_a, channel, "u2i-anotherChat000000000",
                                     buyer_id=buyer_id, name=name)
    await handled(stack_bus, ack)
    assert chat_lookups() - before == len(wrote)


async def test_the_seller_name_is_never_taken_for_the_buyer(
        channels: ChannelsClient, avito: Avito, stack_bus: Bus, stack_db: Database,
        tenant_a: uuid.UUID, listen: Listen) -> None:
    """The buyer id the conversation holds is not among the chat's users (Avito may hash the
    other party's id): the one user beside the seller is the buyer — the seller's own name,
    listed first, is never taken."""
    account = await avito.account(name="Магазин Игоря")
    wrote = await avito.incoming(account["user_id"], text="Привет", author_name="Зоя")
    channel = await connect(channels, account, tenant_a)
    named = await listen(topics.CONTACT_UPDATED.subject(tenant_a))
    async with httpx.AsyncClient(base_url=avito.url) as control:
        chat = (await control.get(f"/_emulator/accounts/{account['user_id']}/chats/"
                                  f"{wrote['chat_id']}")).raise_for_status().json()
    assert [u["name"] for u in chat["users"]] == ["Магазин Игоря", "Зоя"]
    await message_received(stack_bus, tenant_a, channel, wrote["chat_id"], buyer_id="12345")
    [msg] = await named.wait(1)
    assert ev.ContactUpdated.FromString(msg.data).name == "Зоя"


async def test_stale_listing_is_refreshed_by_reconciliation(
        runtime: ChannelsRuntime, channels: ChannelsClient, avito: Avito, stack_db: Database,
        tenant_a: uuid.UUID, listen: Listen, stop: asyncio.Event) -> None:
    account = await avito.account(items=[{"title": "Стол", "price": 9000}])
    user_id, item = account["user_id"], account["items"][0]
    written = await avito.incoming(user_id, text="Стол ещё есть?")
    await connect(channels, account, tenant_a)
    await runtime.sync.run_once(stop)  # type: ignore[union-attr]  # backfill caches it
    async with httpx.AsyncClient(base_url=avito.url) as control:
        (await control.patch(f"/_emulator/accounts/{user_id}/items/{item['id']}",
                             json={"price": 8000})).raise_for_status()
    async with stack_db.unit_of_work(tenant_a) as session:  # six hours later
        await session.execute(text("UPDATE channels.listings SET fetched_at = now() - "
                                   "interval '7 hours' WHERE item_id = :item"),
                              {"item": str(item["id"])})
    announced = await listen(f"sb.channels.{tenant_a}.listing.updated")
    await avito.incoming(user_id, chat_id=written["chat_id"], text="Уступите?")
    claims = await runtime.sync.claim()  # type: ignore[union-attr]
    assert not claims  # not due yet: ask for it
    channel_id = (await channels.list_channels(tenant_a)).channels[-1].id
    await channels.sync_channel(tenant_a, channel_id)
    await runtime.sync.run_once(stop)  # type: ignore[union-attr]
    [msg] = await eventually(lambda: _nonempty(announced))
    assert ev.ListingUpdated.FromString(msg.data).listing.price_minor == 800_000


async def _at_least(bus: Bus, subject: str, count: int) -> bool:
    return await stored(bus, subject) >= count


async def _nonempty(listener: Listener) -> list[Any] | None:
    return listener.messages or None
