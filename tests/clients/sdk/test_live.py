"""Live events through the SDK: a buyer's message arrives; the network dropping under the stream
loses and repeats nothing (it reconnects and resumes after the last event); an `after` the
server cannot replay from is a ResetEvent; credentials and a bad `after` are errors."""

from __future__ import annotations

import asyncio

import pytest
from switchboard_sdk import (
    MESSAGE_RECEIVED,
    AuthenticationError,
    ConversationEvent,
    EventStream,
    InvalidInput,
    LiveEvent,
    ResetEvent,
    Switchboard,
)

from tests.clients.sdk.conftest import client, conversation_of
from tests.clients.sdk.proxy import CuttableProxy
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant


async def until_received(stream: EventStream, text: str, seen: list[LiveEvent],
                         within: float = 20) -> ConversationEvent:
    """Read the stream (recording every event in `seen`) up to the buyer's message `text`."""
    async def read() -> ConversationEvent:
        async for event in stream:
            seen.append(event)
            if (isinstance(event, ConversationEvent) and event.type == MESSAGE_RECEIVED
                    and event.message is not None and event.message.text == text):
                return event
        raise AssertionError("the stream ended")
    return await asyncio.wait_for(read(), within)


async def live(platform: RunningPlatform, shop: SandboxShop, stream: EventStream,
               text: str, seen: list[LiveEvent]) -> ConversationEvent:
    """The stream's first buyer message. Without `after` a stream starts when the server has
    subscribed, which the client cannot see: the buyer writes in the same chat until one
    arrives (a positive signal, no guessed wait)."""
    reading = asyncio.create_task(until_received_any(stream, seen))
    chat_id = None
    for n in range(30):
        written = await platform.buyer_writes(shop, f"{text} {n}",
                                              **({"chat_id": chat_id} if chat_id else {}))
        chat_id = written["chat_id"]
        done, _ = await asyncio.wait({reading}, timeout=1)
        if done:
            return reading.result()
    reading.cancel()
    raise AssertionError("no event arrived")


async def until_received_any(stream: EventStream, seen: list[LiveEvent]) -> ConversationEvent:
    async for event in stream:
        seen.append(event)
        if isinstance(event, ConversationEvent) and event.type == MESSAGE_RECEIVED:
            return event
    raise AssertionError("the stream ended")


async def test_a_buyers_message_arrives(platform: RunningPlatform, shop: SandboxShop,
                                        sb: Switchboard) -> None:
    async with sb.conversation_events() as stream:
        event = await live(platform, shop, stream, "Добрый день!", [])
    assert event.message is not None and event.message.text.startswith("Добрый день!")
    assert event.conversation.channel_id == shop.channel["id"]
    assert stream.last_event_id == event.event_id


async def test_a_dropped_connection_resumes_after_the_last_event(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop, sb: Switchboard) -> None:
    seen: list[LiveEvent] = []
    async with CuttableProxy(platform.gateway_url) as proxy, \
            client(proxy.url, seller.api_key) as through_proxy:
        stream = through_proxy.conversation_events(max_reconnects=None)  # however long the cut
        first = await live(platform, shop, stream, "Первое", seen)
        proxy.cut()  # the network drops: the stream's socket closes under it
        for n in range(2):  # stored while the stream is away, one after the other
            await conversation_of(sb, await platform.buyer_writes(shop, f"Пока нет связи {n}"))
        proxy.restore()
        for n in range(2):
            await until_received(stream, f"Пока нет связи {n}", seen)
        await stream.aclose()
    ids = [int(event.event_id) for event in seen]
    assert ids == sorted(set(ids)), "every event once, in order"
    assert int(first.event_id) < ids[-1] and stream.reconnects >= 1
    received = [e.message.text for e in seen if isinstance(e, ConversationEvent)
                and e.type == MESSAGE_RECEIVED and e.message is not None]
    assert [t for t in received if t.startswith("Пока")] == ["Пока нет связи 0", "Пока нет связи 1"]
    assert first.message is not None and received.count(first.message.text) == 1
    assert proxy.connections >= 2


async def test_a_drop_before_the_first_event_loses_nothing(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop, sb: Switchboard) -> None:
    """The server announces where a new stream begins: a drop before any event resumes there."""
    seen: list[LiveEvent] = []
    async with CuttableProxy(platform.gateway_url) as proxy, \
            client(proxy.url, seller.api_key) as through_proxy:
        stream = through_proxy.conversation_events(max_reconnects=None)
        reading = asyncio.create_task(until_received(stream, "Пока нет связи", seen, within=60))

        async def subscribed() -> bool:
            return stream.last_event_id is not None
        await eventually(subscribed, within=20)
        proxy.cut()  # before any event reached the stream
        await conversation_of(sb, await platform.buyer_writes(shop, "Пока нет связи"))
        proxy.restore()
        event = await reading
        await stream.aclose()
    assert event.message is not None and stream.reconnects >= 1
    assert [e.event_id for e in seen] == sorted(set(e.event_id for e in seen), key=int)


async def test_an_after_the_server_cannot_replay_is_a_reset(platform: RunningPlatform,
                                                            shop: SandboxShop,
                                                            sb: Switchboard) -> None:
    async with sb.conversation_events(after="99999999999") as stream:
        reset = await asyncio.wait_for(anext(stream), 20)
        assert isinstance(reset, ResetEvent) and reset.reason == "unknown event id"
        assert stream.last_event_id == reset.event_id  # the feed continues from there
        # Events after the reset's position follow: no race, the position is known.
        await platform.buyer_writes(shop, "После сброса")
        event = await until_received(stream, "После сброса", [])
    assert int(event.event_id) > int(reset.event_id)


async def test_credentials_and_a_bad_after_are_errors(platform: RunningPlatform,
                                                      sb: Switchboard) -> None:
    async with client(platform.gateway_url, "sb_wrong") as wrong:
        with pytest.raises(AuthenticationError):
            await asyncio.wait_for(anext(wrong.conversation_events()), 20)
    with pytest.raises(InvalidInput):
        await asyncio.wait_for(anext(sb.conversation_events(after="not-an-id")), 20)
