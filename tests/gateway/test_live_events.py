"""Live events against the real platform (issue #11): conversation changes reach SSE and the
GraphQL subscription; a client that reconnects with its last event id gets what it missed, in
order and once, or a reset when that is not possible; a slow reader is never dropped."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Any

import pytest

from clients.rpc import topics
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as ev
from services.kernel.bus import Bus
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant
from tests.gateway import live
from tests.gateway.live import next_event, sse

pytestmark = pytest.mark.slow

SUBSCRIBE = """subscription($after: String) { conversationEvents(after: $after) {
  type eventId reason conversation { id labels pinned unreadCount } message { text } } }"""


@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Live seller")


@pytest.fixture
async def shop(platform: RunningPlatform, seller: Tenant) -> SandboxShop:
    return await platform.connect_sandbox_shop(seller)


async def conversation_of(platform: RunningPlatform, seller: Tenant, shop: SandboxShop) -> str:
    await platform.buyer_writes(shop, "Здравствуйте, диван ещё продаётся?")

    async def listed() -> str | None:
        items = (await seller.http.get("/v1/conversations")).json()["items"]
        return items[0]["id"] if items else None
    return await eventually(listed, within=15)  # type: ignore[no-any-return]


def subscription(platform: RunningPlatform, key: str,
                 after: str | None = None) -> contextlib.AbstractAsyncContextManager[Any]:
    return live.subscription(platform.gateway_url, key, SUBSCRIBE, {"after": after})


async def labelled(ws: Any, count: int) -> list[dict[str, Any]]:
    """The next `count` conversation.updated events that changed the labels (not, e.g., the
    listing's details arriving, which repeat the current ones), each once, in order."""
    events: list[dict[str, Any]] = []
    last_id, labels = -1, None
    while len(events) < count:
        event = await next_event(ws, "conversation.updated")
        assert int(event["eventId"]) > last_id
        last_id = int(event["eventId"])
        if event["conversation"]["labels"] and event["conversation"]["labels"] != labels:
            labels = event["conversation"]["labels"]
            events.append(event)
    return events


async def test_conversation_changes_reach_sse_and_the_subscription(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop) -> None:
    conv = await conversation_of(platform, seller, shop)
    async with sse(platform.gateway_url, seller.api_key) as (stream, connected):  # noqa: SIM117
        # The SSE stream's position makes the subscription race-free: it starts right there.
        async with subscription(platform, seller.api_key, after=connected.id) as ws:
            patched = await seller.http.patch(f"/v1/conversations/{conv}",
                                              json={"labels": ["vip"], "pinned": True})
            assert patched.status_code == 200, patched.text
            (updated,) = await stream.labelled(1)
            assert updated.json["conversation"]["labels"] == ["vip"]
            assert updated.json["message"] is None
            (event,) = await labelled(ws, 1)
            assert event["conversation"]["labels"] == ["vip"] and event["conversation"]["pinned"]
            assert event["eventId"] == updated.id

            gql = await seller.http.post("/graphql", json={"query": (
                "mutation($id: ID!) { markRead(conversationId: $id) { unreadCount } }"),
                "variables": {"id": conv}})
            assert gql.json()["data"]["markRead"]["unreadCount"] == 0
            read = await stream.event()
            while read.event != "conversation.read":
                read = await stream.event()
            assert read.json["conversation"]["unread_count"] == 0
            assert (await next_event(ws, "conversation.read"))["conversation"]["unreadCount"] == 0


async def patch_labels(seller: Tenant, conv: str, *labels: str) -> None:
    for label in labels:
        resp = await seller.http.patch(f"/v1/conversations/{conv}", json={"labels": [label]})
        assert resp.status_code == 200, resp.text


async def test_sse_reconnect_gets_what_it_missed_in_order_and_once(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop) -> None:
    conv = await conversation_of(platform, seller, shop)
    async with sse(platform.gateway_url, seller.api_key) as (stream, _):
        await patch_labels(seller, conv, "first")
        (first,) = await stream.labelled(1)
        assert first.json["conversation"]["labels"] == ["first"]
    await patch_labels(seller, conv, "a", "b", "c")  # while disconnected

    async with sse(platform.gateway_url, seller.api_key, last_event_id=first.id) as (stream, _):
        missed = await stream.labelled(3, current=["first"])
        assert [f.json["conversation"]["labels"] for f in missed] == [["a"], ["b"], ["c"]]
        ids = [int(f.id or 0) for f in missed]
        assert ids == sorted(ids) and int(first.id or 0) < ids[0]
        await patch_labels(seller, conv, "live")  # then live, on the same stream
        assert (await stream.labelled(1))[0].json["conversation"]["labels"] == ["live"]
    # An EventSource polyfill sends the id as a query parameter instead.
    async with sse(platform.gateway_url, seller.api_key,
                   params={"lastEventId": missed[0].id or ""}) as (stream, _):
        again = await stream.labelled(3, current=["a"])
        assert [f.json["conversation"]["labels"] for f in again] == [["b"], ["c"], ["live"]]
    # Nothing seen yet but the connection's own position: that is enough to resume from.
    async with sse(platform.gateway_url, seller.api_key) as (_, idle):
        pass
    await patch_labels(seller, conv, "while away")
    async with sse(platform.gateway_url, seller.api_key, last_event_id=idle.id) as (stream, _):
        changed = await stream.labelled(1, current=["live"])
        assert changed[0].json["conversation"]["labels"] == ["while away"]


async def test_subscription_resumes_after_its_last_event(platform: RunningPlatform,
                                                         seller: Tenant, shop: SandboxShop) -> None:
    conv = await conversation_of(platform, seller, shop)
    async with sse(platform.gateway_url, seller.api_key) as (_, connected):
        pass
    await patch_labels(seller, conv, "x", "y")
    async with subscription(platform, seller.api_key, after=connected.id) as ws:
        x, y = await labelled(ws, 2)
        assert (x["conversation"]["labels"], y["conversation"]["labels"]) == (["x"], ["y"])
        assert int(x["eventId"]) < int(y["eventId"])


async def test_a_subscription_that_drops_before_any_event_resumes_from_its_start(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop) -> None:
    """`announceStart` gives a GraphQL client its position before any event (SSE's first id)."""
    conv = await conversation_of(platform, seller, shop)
    query = """subscription { conversationEvents(announceStart: true) { type eventId conversation
      { id } } }"""
    async with live.subscription(platform.gateway_url, seller.api_key, query) as ws:
        start = await next_event(ws, "start")
    assert start["conversation"] is None and start["eventId"].isdigit()
    await patch_labels(seller, conv, "while away")  # the client is gone before any event
    async with subscription(platform, seller.api_key, after=start["eventId"]) as ws:
        (missed,) = await labelled(ws, 1)
    assert missed["conversation"]["labels"] == ["while away"]
    assert int(missed["eventId"]) > int(start["eventId"])


@pytest.mark.parametrize("last_event_id", ["99999999999", "not-an-id"])
async def test_an_unknown_id_gets_a_reset_then_live_events(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop, last_event_id: str) -> None:
    conv = await conversation_of(platform, seller, shop)
    async with sse(platform.gateway_url, seller.api_key,
                   last_event_id=last_event_id) as (stream, first):
        assert first.event == "reset" and first.json["reason"] == "unknown event id"
        assert first.id is not None and first.id.isdigit()  # resume from here next time
        await patch_labels(seller, conv, "after reset")
        assert (await stream.labelled(1))[0].json["conversation"]["labels"] == ["after reset"]
    if last_event_id.isdigit():
        async with subscription(platform, seller.api_key, after=last_event_id) as ws:
            reset = await next_event(ws, "reset")
            assert reset["conversation"] is None and reset["reason"] == "unknown event id"


async def test_a_slow_reader_is_not_dropped(platform: RunningPlatform, seller: Tenant,
                                            bus: Bus) -> None:
    """More than fits in socket buffers and the old per-subscriber queue (1000) arrives while
    the client reads nothing; then it reads everything, in order."""
    count, text = 3000, "ж" * 4000  # ~8 KB a frame
    conversation = pb.Conversation(id=str(uuid.uuid4()), status=pb.CONVERSATION_STATUS_OPEN,
                                   mode=pb.CONVERSATION_MODE_MANAGER)
    async with sse(platform.gateway_url, seller.api_key) as (stream, _):
        subject = topics.NOTE_ADDED.subject(seller.tenant_id)
        for start in range(0, count, 100):
            await asyncio.gather(*(bus.publish(subject, ev.NoteAdded(
                conversation=conversation, message=pb.Message(id=str(n), text=text),
            ).SerializeToString(), msg_id=f"slow-{uuid.uuid4()}") for n in range(start, start + 100)))
        frames = [await stream.event() for _ in range(count)]
    ids = [int(f.id or 0) for f in frames]
    assert ids == sorted(set(ids))  # stream order, each once
    assert sorted(int(f.json["message"]["id"]) for f in frames) == list(range(count))


async def test_an_event_that_cannot_be_shown_is_skipped(platform: RunningPlatform, seller: Tenant,
                                                        bus: Bus) -> None:
    """A producer's bug (here: no status) must not end the stream at that event, again on
    every resume after it."""
    subject = topics.NOTE_ADDED.subject(seller.tenant_id)
    bad = ev.NoteAdded(conversation=pb.Conversation(id="broken"), message=pb.Message(text="?"))
    good = ev.NoteAdded(conversation=pb.Conversation(
        id="fine", status=pb.CONVERSATION_STATUS_OPEN, mode=pb.CONVERSATION_MODE_BOT),
        message=pb.Message(text="ok"))
    async with sse(platform.gateway_url, seller.api_key) as (stream, _):
        for payload in (bad, good):
            await bus.publish(subject, payload.SerializeToString(), msg_id=f"skip-{uuid.uuid4()}")
        shown = await stream.event()
        assert shown.json["conversation"]["id"] == "fine" and shown.json["message"]["text"] == "ok"
