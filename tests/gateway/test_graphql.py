"""GraphQL against the real platform: a buyer writes on Avito (the emulator), the seller reads,
answers and listens through /graphql over real HTTP and WebSocket."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import websockets

from clients.rpc import topics
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as ev
from gateway.state import GatewayState
from services.kernel.bus import Bus
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant
from tests.gateway import live
from tests.gateway.live import next_event, sse

pytestmark = pytest.mark.slow

LIST = """query($first: Int = 20) { conversations(first: $first) {
  edges { cursor node { id externalChatId unreadCount lastMessagePreview status mode
                        contact { externalUserId } channel { id name kind } } }
  pageInfo { hasNextPage endCursor } } }"""
MESSAGES = """query($id: ID!) { messages(conversationId: $id) {
  edges { node { id text direction sender status createdAt } } } }"""
SEND = """mutation($id: ID!, $text: String!, $key: String) {
  sendMessage(input: {conversationId: $id, text: $text, idempotencyKey: $key}) {
    id text status direction sender } }"""
SUBSCRIBE = """subscription($after: String) { conversationEvents(after: $after) {
  type eventId conversation { id unreadCount channel { id } } message { text direction } } }"""


@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("GraphQL seller")


@pytest.fixture
async def shop(platform: RunningPlatform, seller: Tenant) -> SandboxShop:
    return await platform.connect_sandbox_shop(seller)


async def gql(tenant: Tenant, query: str, *, api_key: str | None = None,
              **variables: Any) -> dict:
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else None
    resp = await tenant.http.post("/graphql", json={"query": query, "variables": variables},
                                  headers=headers)
    assert resp.status_code == 200, resp.text
    return resp.json()


def codes(body: dict) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors") or []]


async def inbox(tenant: Tenant, count: int = 1) -> list[dict]:
    async def listed() -> list[dict]:
        body = await gql(tenant, LIST)
        assert "errors" not in body, body
        edges = body["data"]["conversations"]["edges"]
        return [e["node"] for e in edges] if len(edges) >= count else []
    return await eventually(listed, within=15)


def gateway_state(platform: RunningPlatform) -> GatewayState:
    assert platform.platform.gateway is not None
    app = platform.platform.gateway.app  # the in-process gateway's FastAPI app
    state: GatewayState = app.state.gateway
    return state


async def test_inbox_lists_what_the_buyer_wrote(platform: RunningPlatform, seller: Tenant,
                                                shop: SandboxShop) -> None:
    wrote = await platform.buyer_writes(shop, "Здравствуйте! Велосипед ещё продаётся?")
    (conv,) = await inbox(seller)
    assert conv["externalChatId"] == wrote["chat_id"]
    assert conv["contact"]["externalUserId"] == str(wrote["author_id"])
    assert conv["unreadCount"] == 1 and conv["status"] == "OPEN"
    assert conv["channel"] == {"id": shop.channel["id"], "name": "Sandbox shop", "kind": "AVITO"}
    messages = (await gql(seller, MESSAGES, id=conv["id"]))["data"]["messages"]["edges"]
    assert [(m["node"]["text"], m["node"]["direction"], m["node"]["sender"])
            for m in messages] == [("Здравствуйте! Велосипед ещё продаётся?", "INBOUND", "CONTACT")]

    read = await gql(seller, "mutation($id: ID!) { markRead(conversationId: $id) { unreadCount } }",
                     id=conv["id"])
    assert read["data"]["markRead"]["unreadCount"] == 0


async def test_nested_channel_costs_one_batch_call(platform: RunningPlatform, seller: Tenant,
                                                   shop: SandboxShop,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    other = await platform.connect_sandbox_shop(seller, "Second shop")
    for target, text in ((shop, "Первый"), (shop, "Второй"), (other, "Третий")):
        await platform.buyer_writes(target, text)
    convs = await inbox(seller, count=3)
    assert {c["channel"]["id"] for c in convs} == {shop.channel["id"], other.channel["id"]}

    channels = gateway_state(platform).channels
    original, batches = channels.batch_get_channels, []

    async def counted(tenant_id: uuid.UUID, ids: list[str]) -> Any:
        batches.append(sorted(ids))
        return await original(tenant_id, ids)

    monkeypatch.setattr(channels, "batch_get_channels", counted)
    body = await gql(seller, LIST)
    assert [e["node"]["channel"]["name"] for e in body["data"]["conversations"]["edges"]]
    assert batches == [sorted({shop.channel["id"], other.channel["id"]})]


async def test_send_message_shows_up_and_reaches_avito(platform: RunningPlatform, seller: Tenant,
                                                       shop: SandboxShop) -> None:
    await platform.buyer_writes(shop, "Можно сегодня посмотреть?")
    (conv,) = await inbox(seller)
    sent = await gql(seller, SEND, id=conv["id"], text="Да, после шести", key="gql-1")
    message = sent["data"]["sendMessage"]
    assert message["status"] == "PENDING" and message["direction"] == "OUTBOUND"
    again = await gql(seller, SEND, id=conv["id"], text="Да, после шести", key="gql-1")
    assert again["data"]["sendMessage"]["id"] == message["id"]  # idempotent retry
    too_long = await gql(seller, SEND, id=conv["id"], text="Да, после шести", key="k" * 129)
    assert codes(too_long) == ["BAD_USER_INPUT"], too_long  # was INTERNAL_SERVER_ERROR
    assert "128" in too_long["errors"][0]["message"]

    texts = [e["node"]["text"] for e in
             (await gql(seller, MESSAGES, id=conv["id"]))["data"]["messages"]["edges"]]
    assert texts == ["Да, после шести", "Можно сегодня посмотреть?"]  # newest first

    async def delivered() -> bool:
        return any(s["text"] == "Да, после шести" for s in await platform.sent(shop))
    await eventually(delivered, within=15)


async def test_other_tenant_sees_nothing(platform: RunningPlatform, seller: Tenant,
                                         shop: SandboxShop) -> None:
    await platform.buyer_writes(shop, "Только для продавца A")
    (conv,) = await inbox(seller)
    rival = await platform.new_tenant("Tenant B")
    assert (await gql(rival, LIST))["data"]["conversations"]["edges"] == []
    assert (await gql(rival, "query($id: ID!) { conversation(id: $id) { id } }",
                      id=conv["id"]))["data"]["conversation"] is None
    assert codes(await gql(rival, MESSAGES, id=conv["id"])) == ["NOT_FOUND"]
    assert codes(await gql(rival, SEND, id=conv["id"], text="чужое")) == ["NOT_FOUND"]
    assert (await gql(rival, "{ channels { id } }"))["data"]["channels"] == []
    mine = (await gql(seller, "query($id: ID!) { conversation(id: $id) { id } }", id=conv["id"]))
    assert mine["data"]["conversation"] == {"id": conv["id"]}


async def test_read_scoped_key_cannot_send(platform: RunningPlatform, seller: Tenant,
                                           shop: SandboxShop) -> None:
    await platform.buyer_writes(shop, "Есть доставка?")
    (conv,) = await inbox(seller)
    created = await seller.http.post("/v1/api-keys", json={"name": "dashboard", "scopes": ["read"]})
    assert created.status_code == 201, created.text
    reader = created.json()["key"]
    assert len((await gql(seller, LIST, api_key=reader))["data"]["conversations"]["edges"]) == 1
    refused = await gql(seller, SEND, api_key=reader, id=conv["id"], text="нельзя")
    assert codes(refused) == ["FORBIDDEN"] and refused["data"] is None
    texts = [e["node"]["text"] for e in
             (await gql(seller, MESSAGES, id=conv["id"]))["data"]["messages"]["edges"]]
    assert texts == ["Есть доставка?"]


async def test_http_without_credentials_is_401(platform: RunningPlatform) -> None:
    async with httpx.AsyncClient(base_url=platform.gateway_url) as anonymous:
        resp = await anonymous.post("/graphql", json={"query": "{ channels { id } }"})
        assert resp.status_code == 401
        assert resp.headers["content-type"].startswith("application/problem+json")
        ide = await anonymous.get("/graphql", headers={"Accept": "text/html"})
        assert ide.status_code == 200 and "graphiql" in ide.text.lower()


# --- subscriptions over a real WebSocket (graphql-transport-ws) ---------------------------


@contextlib.asynccontextmanager
async def subscription(platform: RunningPlatform, key: str) -> AsyncIterator[Any]:
    # Subscribed after the SSE stream's position: race-free, whenever the feed is in place.
    async with sse(platform.gateway_url, key) as (_, connected):
        position = connected.id
    async with live.subscription(platform.gateway_url, key, SUBSCRIBE,
                                 {"after": position}) as ws:
        yield ws


async def test_subscription_receives_buyer_messages(platform: RunningPlatform, seller: Tenant,
                                                    shop: SandboxShop, bus: Bus) -> None:
    rival = await platform.new_tenant("Listener B")
    async with subscription(platform, seller.api_key) as ws, \
            subscription(platform, rival.api_key) as rival_ws:
        await platform.buyer_writes(shop, "Пишу прямо сейчас")
        event = await next_event(ws, "message.received")
        assert event["message"] == {"text": "Пишу прямо сейчас", "direction": "INBOUND"}
        assert event["conversation"]["channel"] == {"id": shop.channel["id"]}
        assert event["eventId"]
        # Tenant B hears nothing of tenant A: its first event is its own marker, published after
        # A's event was delivered (the feed is in stream order).
        marker = ev.NoteAdded(conversation=pb.Conversation(
            id=str(uuid.uuid4()), channel_id=str(uuid.uuid4()), channel=common.CHANNEL_KIND_AVITO,
            status=pb.CONVERSATION_STATUS_OPEN, mode=pb.CONVERSATION_MODE_MANAGER),
            message=pb.Message(text="marker", direction=common.DIRECTION_INBOUND,
                               sender=pb.SENDER_KIND_CONTACT, status=pb.MESSAGE_STATUS_RECEIVED))
        await bus.publish(topics.NOTE_ADDED.subject(rival.tenant_id), marker.SerializeToString(),
                          msg_id=f"marker-{uuid.uuid4()}")
        frame = json.loads(await asyncio.wait_for(rival_ws.recv(), 15))
        heard = frame["payload"]["data"]["conversationEvents"]
        assert heard["type"] == "note.added" and heard["message"]["text"] == "marker"


async def test_websocket_without_key_is_refused(platform: RunningPlatform) -> None:
    url = platform.gateway_url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
