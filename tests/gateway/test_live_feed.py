"""The live feed on its own, on the session's real JetStream: decoding every public event,
resuming after an id, and the reset when the gap is too old or too large."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from nats.js.api import StreamState

from clients.rpc import topics
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as ev
from gateway.conversations.feed import ReplayLimits, TenantFeed
from gateway.conversations.live import PUBLIC_NAMES, LiveEvent, decode
from gateway.conversations.pull import OrderedPull
from services.kernel.bus import Bus
from tests.fixtures.events import eventually

LIMITS = ReplayLimits(window_s=3600, max_events=100)


def _payload(topic: topics.Topic, conversation: pb.Conversation) -> bytes:
    fields = {"conversation": conversation}
    if "message" in topic.payload.DESCRIPTOR.fields_by_name:
        fields["message"] = pb.Message(id="m1", text="привет")
    return topic.payload(**fields).SerializeToString()


@pytest.mark.parametrize("topic", list(PUBLIC_NAMES), ids=lambda t: t.suffix)
def test_every_public_event_decodes(topic: topics.Topic) -> None:
    """conversation.updated and conversation.read carry no message: asking HasField("message")
    of them raised ValueError and the event never reached a client."""
    tenant = uuid.uuid4()
    event = decode(topic.subject(tenant), _payload(topic, pb.Conversation(id="c1")), "42")
    assert event is not None and event.type == PUBLIC_NAMES[topic] and event.event_id == "42"
    assert event.conversation.id == "c1"
    has_message = "message" in topic.payload.DESCRIPTOR.fields_by_name
    assert (event.message.text if event.message else None) == ("привет" if has_message else None)


async def publish(bus: Bus, tenant: uuid.UUID, label: str) -> int:
    """A conversation.updated of `tenant` (no service consumes it); its stream sequence."""
    payload = ev.ConversationUpdated(conversation=pb.Conversation(id=label, labels=[label]))
    ack = await bus.publish(topics.CONVERSATION_UPDATED.subject(tenant), payload.SerializeToString(),
                            msg_id=f"feed-test-{uuid.uuid4()}")
    return int(ack.seq)


async def take(feed: TenantFeed, count: int) -> list[LiveEvent]:
    events = []
    async for event in feed.events():
        events.append(event)
        if len(events) == count:
            break
    return events


def labels(events: list[LiveEvent]) -> list[str]:
    return [e.conversation.id for e in events]


async def test_resumes_after_an_id_in_order_then_live(bus: Bus, tenant_a: uuid.UUID) -> None:
    first = await publish(bus, tenant_a, "one")
    for label in ("two", "three"):
        await publish(bus, tenant_a, label)
    feed = TenantFeed(bus, tenant_a, LIMITS)
    try:
        start = await feed.open(str(first))
        assert start.position == first and not start.reset
        assert labels(await take(feed, 2)) == ["two", "three"]
        live = await publish(bus, tenant_a, "four")
        (event,) = await take(feed, 1)
        assert event.conversation.id == "four" and event.event_id == str(live)
    finally:
        await feed.close()


async def test_without_an_id_it_starts_at_the_end(bus: Bus, tenant_a: uuid.UUID) -> None:
    await publish(bus, tenant_a, "before")
    feed = TenantFeed(bus, tenant_a, LIMITS)
    try:
        start = await feed.open(None)
        assert not start.reset
        await publish(bus, tenant_a, "after")
        assert labels(await take(feed, 1)) == ["after"]
    finally:
        await feed.close()


@pytest.mark.parametrize(("limits", "reason"), [
    (ReplayLimits(window_s=0, max_events=100), "older than"),
    (ReplayLimits(window_s=3600, max_events=2), "more than 2 events"),
])
async def test_a_gap_beyond_the_limits_is_a_reset(bus: Bus, tenant_a: uuid.UUID,
                                                  limits: ReplayLimits, reason: str) -> None:
    first = await publish(bus, tenant_a, "seen")
    for label in ("missed 1", "missed 2", "missed 3"):
        await publish(bus, tenant_a, label)
    feed = TenantFeed(bus, tenant_a, limits)
    try:
        start = await feed.open(str(first))
        assert reason in start.reset and start.position > first
        await publish(bus, tenant_a, "live")
        assert labels(await take(feed, 1)) == ["live"]  # nothing from the gap, then live
    finally:
        await feed.close()


@pytest.mark.parametrize("after", ["99999999999999", "abc", "", "1" * 30])
async def test_an_id_it_never_gave_is_a_reset(bus: Bus, tenant_a: uuid.UUID, after: str) -> None:
    feed = TenantFeed(bus, tenant_a, LIMITS)
    try:
        start = await feed.open(after)
        assert start.reset
    finally:
        await feed.close()


async def test_a_lost_consumer_is_recreated_from_the_position(bus: Bus,
                                                              tenant_a: uuid.UUID) -> None:
    """JetStream drops an idle ephemeral consumer (or loses it with a restart): the feed goes
    on from the last event it handed on, missing nothing and repeating nothing."""
    first = await publish(bus, tenant_a, "one")
    await publish(bus, tenant_a, "two")
    feed = TenantFeed(bus, tenant_a, LIMITS)
    try:
        await feed.open(str(first))
        assert labels(await take(feed, 1)) == ["two"]
        await bus.js.delete_consumer(topics.CONVERSATIONS.name, feed.consumer)
        await publish(bus, tenant_a, "three")
        assert labels(await take(feed, 1)) == ["three"]
    finally:
        await feed.close()


@pytest.mark.parametrize(("first_seq", "last_seq", "refused"), [
    (0, 0, False),  # empty: a client that connected then resumes with all of it
    (1, 9, False),  # nothing removed since it was empty
    (5, 9, True),  # events were removed since: maybe some of the client's
])
async def test_the_position_of_an_empty_stream(bus: Bus, tenant_a: uuid.UUID, first_seq: int,
                                               last_seq: int, refused: bool) -> None:
    """A stream that was empty gives its first clients the position 0 (`make dev`'s fresh
    stack): resuming from it replays everything while nothing was removed."""
    state = StreamState(messages=last_seq, bytes=0, first_seq=first_seq, last_seq=last_seq,
                        consumer_count=0)
    assert bool(await TenantFeed(bus, tenant_a, LIMITS)._refusal("0", state)) is refused


async def test_closing_under_a_fetch_in_flight_ends_quietly(bus: Bus, tenant_a: uuid.UUID,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    feed = TenantFeed(bus, tenant_a, LIMITS)
    await feed.open(None)
    events = aiter(feed.events())
    waiting = asyncio.ensure_future(anext(events))

    async def fetching() -> bool:  # the long poll is waiting on the server
        return bool((await bus.js.consumer_info(topics.CONVERSATIONS.name, feed.consumer)).num_waiting)
    await eventually(fetching)
    await feed.close()
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(waiting, 10)
    assert "re-creating" not in caplog.text


async def test_an_event_is_handed_on_without_waiting_for_a_full_batch(
        bus: Bus, tenant_a: uuid.UUID) -> None:
    """A pull for a batch stays open until the batch is full or expires (seconds): the event
    must reach the reader while that pull is still waiting, not when it ends."""
    feed = TenantFeed(bus, tenant_a, LIMITS)
    try:
        await feed.open(None)
        events = aiter(feed.events())
        waiting = asyncio.ensure_future(anext(events))

        async def pulls_waiting() -> int:
            info = await bus.js.consumer_info(topics.CONVERSATIONS.name, feed.consumer)
            return info.num_waiting or 0
        await eventually(pulls_waiting)
        await publish(bus, tenant_a, "now")
        event = await asyncio.wait_for(waiting, 30)
        assert event.conversation.id == "now"
        assert await pulls_waiting() == 1  # handed on from within the open pull
    finally:
        await feed.close()


async def test_the_gap_counts_what_the_consumer_sent_already(bus: Bus, tenant_a: uuid.UUID) -> None:
    """A consumer's first request goes out as it starts, so the gap's events may be on their way
    before it is counted: they count all the same (CI once told a gap of three as none)."""
    first = await publish(bus, tenant_a, "seen")
    for label in ("missed 1", "missed 2", "missed 3"):
        await publish(bus, tenant_a, label)
    pull = OrderedPull(bus.js, bus.nc, topics.CONVERSATIONS.name)
    try:
        await pull.start(topics.CONVERSATIONS.tenant_pattern(tenant_a), first)
        assert await pull.next() is not None  # delivered: the server no longer counts it pending
        assert await pull.pending() == 3
    finally:
        await pull.stop()
