"""Listing enrichment and refresh in the channels service, for real: a conversation that
knows its item id only gets the listing (from Avito, then from the cache), and a stale one is
fetched again by reconciliation once its price changed on Avito."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from sqlalchemy import select, text

from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as ev
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as conv_ev
from services.channels.models import Listing
from services.channels.runtime import ChannelsRuntime
from services.kernel.bus import Bus
from services.kernel.db import Database
from tests.services.channels import sync_helpers
from tests.services.channels.conftest import Avito, Listener, eventually
from tests.services.channels.sync_helpers import connect

Listen = Callable[[str], Awaitable[Listener]]
stop = sync_helpers.stop
# Fixtures shared with the other sync tests (autouse: each test starts with nothing due).
nothing_due = sync_helpers.nothing_due


async def test_conversation_without_listing_details_is_enriched(
        channels: ChannelsClient, avito: Avito, stack_bus: Bus, stack_db: Database,
        tenant_a: uuid.UUID, listen: Listen) -> None:
    account = await avito.account(items=[{"title": "Холодильник", "price": 27500}])
    item = account["items"][0]
    written = await avito.incoming(account["user_id"], text="Работает?")
    channel = await connect(channels, account, tenant_a)
    announced = await listen(f"sb.channels.{tenant_a}.listing.updated")
    received = conv_ev.MessageReceived(conversation=conv.Conversation(
        id=str(uuid.uuid4()), channel_id=channel.id, external_chat_id=written["chat_id"],
        listing=common.Listing(external_id=str(item["id"]))))
    subject = f"sb.conversations.{tenant_a}.message.received"
    await stack_bus.publish(subject, received.SerializeToString(), msg_id=str(uuid.uuid4()))
    [msg] = await announced.wait(1)
    update = ev.ListingUpdated.FromString(msg.data)
    assert update.channel_id == channel.id and update.status == "active"
    assert (update.listing.title, update.listing.price_minor, update.listing.url) == \
        ("Холодильник", 2_750_000, item["url"])
    async with stack_db.unit_of_work(tenant_a) as session:
        cached = await session.scalar(select(Listing).where(Listing.item_id == str(item["id"])))
    assert cached is not None and cached.price_minor == 2_750_000

    # Another new conversation about the same item: served from the cache, not refetched.
    await stack_bus.publish(subject, received.SerializeToString(), msg_id=str(uuid.uuid4()))
    await asyncio.sleep(0.5)
    async with stack_db.unit_of_work(tenant_a) as session:
        again = await session.scalar(select(Listing).where(Listing.item_id == str(item["id"])))
    assert again is not None and again.fetched_at == cached.fetched_at


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


async def _nonempty(listener: Listener) -> list[Any] | None:
    return listener.messages or None
