"""channels-sender works on several chats at once and keeps each chat's sends in order.

Real NATS, PostgreSQL and HTTP to the emulator. The emulator holds one chat's first send
(a latency fault for that chat only); what it recorded, in order, shows both properties:
the held chat's later sends wait for it, other chats' sends go out meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import uuid
from collections.abc import Awaitable, Callable

from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as ev
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as conv_ev
from clients.rpc.topics import CHANNELS_SENDER
from services.channels.config import ChannelsSettings
from services.kernel.bus import Bus, Consumer, ConsumerSpec, Delivery
from services.kernel.runtime import ServiceRuntime
from services.kernel.wire import Durable
from tests.services.channels.conftest import Avito, Listener, connect_avito

Listen = Callable[[str], Awaitable[Listener]]
SENDER_DURABLE = CHANNELS_SENDER.name
HOLD_MS = 2000  # how long the emulator holds the slow chat's first send


def sender_spec(runtime: ServiceRuntime) -> ConsumerSpec:
    return next(s for s in runtime.consumers if s.name == SENDER_DURABLE)


def command(chat_id: str, channel_id: str, text: str) -> conv_ev.MessageSendRequested:
    return conv_ev.MessageSendRequested(
        message_id=str(uuid.uuid4()), conversation_id=str(uuid.uuid5(uuid.NAMESPACE_URL, chat_id)),
        channel_id=channel_id, external_chat_id=chat_id, text=text)


async def two_chats(channels: ChannelsClient, avito: Avito,
                    tenant: uuid.UUID) -> tuple[str, int, str, str]:
    """A connected channel and two chats buyers opened on it."""
    channel, account = await connect_avito(channels, avito, tenant)
    slow, fast = [(await avito.incoming(account["user_id"], text="Здравствуйте!",
                                        author_id=710_000_000 + n))["chat_id"] for n in range(2)]
    assert slow != fast
    return channel.id, account["user_id"], slow, fast


async def sent_order(avito: Avito, user_id: int) -> list[tuple[str, str]]:
    return [(s["chat_id"], s["text"]) for s in await avito.sent(user_id)]


async def test_the_sender_is_concurrent_across_chats_and_ordered_within_one(
        runtime: ServiceRuntime, channels: ChannelsClient, avito: Avito, stack_bus: Bus,
        tenant_a: uuid.UUID, listen: Listen) -> None:
    """The runtime's own sender spec on a durable of this test's, started once every command
    is in the stream, so they arrive in one fetch: A1 A2 A3 B1 B2 B3, A1 held by Avito."""
    channel_id, user_id, slow, fast = await two_chats(channels, avito, tenant_a)
    spec = sender_spec(runtime)
    assert spec.concurrency > 1 and spec.order_key is not None and spec.batch >= 6
    topic = dataclasses.replace(CHANNELS_SENDER.topic, entity="sendtest")
    subject = topic.subject(tenant_a)
    spec = dataclasses.replace(spec, durable=Durable(f"sender-test-{uuid.uuid4().hex[:8]}",
                                                     topic, "tests"))
    delivered = await listen(f"sb.channels.{tenant_a}.message.delivery")
    await avito.latency("send", HOLD_MS, chat_id=slow)
    texts = {chat: [f"{name}{n}" for n in range(1, 4)] for chat, name in ((slow, "A"), (fast, "B"))}
    for chat in (slow, fast):
        for text in texts[chat]:
            await stack_bus.publish(subject, command(chat, channel_id, text).SerializeToString(),
                                    msg_id=str(uuid.uuid4()))

    consumer = Consumer(stack_bus, spec)
    task = asyncio.create_task(consumer.run())
    try:
        events = [ev.MessageDelivery.FromString(m.data) for m in await delivered.wait(6, 20)]
    finally:
        consumer.stop()
        await asyncio.wait_for(task, 10)
        with contextlib.suppress(Exception):
            await stack_bus.js.delete_consumer("SB_CONVERSATIONS", spec.name)
    assert all(e.outcome == ev.DELIVERY_OUTCOME_SENT for e in events)
    order = await sent_order(avito, user_id)
    # Within a chat: stream order, although A1 was held and A2, A3 were ready long before.
    assert [t for c, t in order if c == slow] == texts[slow]
    assert [t for c, t in order if c == fast] == texts[fast]
    # Across chats: B's sends went out while A1 was held (one at a time, A1 would come first).
    assert [t for _, t in order][:3] == texts[fast]


async def test_a_chat_keeps_its_order_through_the_running_sender(
        channels: ChannelsClient, avito: Avito, stack_bus: Bus, tenant_a: uuid.UUID,
        listen: Listen) -> None:
    """The same through the runtime's channels-sender, commands interleaved across chats."""
    channel_id, user_id, slow, fast = await two_chats(channels, avito, tenant_a)
    delivered = await listen(f"sb.channels.{tenant_a}.message.delivery")
    await avito.latency("send", HOLD_MS, chat_id=slow)
    sent_texts = []
    for n in range(1, 4):
        for chat, name in ((slow, "A"), (fast, "B")):
            sent_texts.append(f"{name}{n}")
            await stack_bus.publish(f"sb.conversations.{tenant_a}.message.send_requested",
                                    command(chat, channel_id, f"{name}{n}").SerializeToString(),
                                    msg_id=str(uuid.uuid4()))
    await delivered.wait(6, 20)
    order = await sent_order(avito, user_id)
    assert sorted(t for _, t in order) == sorted(sent_texts)
    assert [t for c, t in order if c == slow] == ["A1", "A2", "A3"]
    assert [t for c, t in order if c == fast] == ["B1", "B2", "B3"]


async def test_undecodable_send_is_dead_lettered_not_grouped_away(
        runtime: ServiceRuntime, stack_bus: Bus, tenant_a: uuid.UUID, listen: Listen) -> None:
    key = sender_spec(runtime).order_key
    assert key is not None
    garbage = Delivery(f"sb.conversations.{tenant_a}.message.send_requested", b"\xff\xff\xff", {}, 1)
    assert key(garbage).startswith("raw:")  # a key of its own, and no exception in the bus
    same = [Delivery("s", command("u2i-x", str(uuid.uuid4()), t).SerializeToString(), {}, 1)
            for t in ("one", "two")]
    assert key(same[0]) == key(same[1]) != key(Delivery(
        "s", command("u2i-y", str(uuid.uuid4()), "three").SerializeToString(), {}, 1))

    dead = await listen(f"sb.dlq.{SENDER_DURABLE}")
    await stack_bus.publish(garbage.subject, garbage.data, msg_id=str(uuid.uuid4()))
    [letter] = await dead.wait(1)
    assert letter.data == garbage.data
    assert (letter.headers or {}).get("Sb-Reason", "").startswith("poison: undecodable")


async def test_a_whole_batch_of_one_chat_is_held_and_a_dead_ones_comes_back_soon(
        runtime: ServiceRuntime, channels_settings: ChannelsSettings) -> None:
    """A batch may hold `batch` sends to one chat, run one after another: each may take a whole
    request timeout, and one of them every attempt of every part — held that long by in-progress
    acks, while ack_wait (what a dead process's sends wait) stays the short setting."""
    s = channels_settings
    one_send = 2 * s.avito_max_attempts * (s.avito_timeout_s + s.avito_backoff_max_s)
    for spec in runtime.consumers:
        if spec.name in (SENDER_DURABLE, "channels-read", "channels-deleter"):
            assert spec.batch == s.send_batch and spec.concurrency == s.send_concurrency
            assert spec.max_hold_s is not None
            assert spec.max_hold_s >= one_send + (spec.batch - 1) * s.avito_timeout_s
            assert spec.ack_wait_s == s.send_ack_wait_s < spec.max_hold_s

