"""The GraphQL layer on its own: schema, limits, error policy, conversions, auth plumbing.

The services are replaced by recording fakes here so each rule is checked in isolation (and
fast); tests/gateway/test_graphql.py runs the same API against the real platform.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from google.protobuf.timestamp_pb2 import Timestamp
from starlette.websockets import WebSocketDisconnect

from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as channels_pb
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common_pb
from clients.rpc.gen.switchboard.common.v1 import pagination_pb2
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from gateway.conversations.feed import Start
from gateway.conversations.graphql import subscriptions
from gateway.conversations.graphql.types import Conversation, Listing
from gateway.conversations.live import LiveEvent
from gateway.errors import install_error_handlers
from gateway.graphql.context import Context
from gateway.graphql.errors import CODES, code_of
from gateway.graphql.router import graphql_router
from gateway.graphql.schema import build_schema
from gateway.identity.principal import Principal
from services.kernel import errors as domain

TENANT_A = uuid.uuid4()
CHANNEL_1, CHANNEL_2 = str(uuid.uuid4()), str(uuid.uuid4())
READ_KEY, WRITE_KEY = "sb_readkey", "sb_writekey"
SETTINGS = SimpleNamespace(graphql_max_depth=8, live_auth_check_s=0.05, graphql_ide=True,
                           graphql_introspection=True)
SCHEMA = build_schema(SETTINGS)  # type: ignore[arg-type]


def principal(*scopes: str, tenant: uuid.UUID = TENANT_A) -> Principal:
    return Principal.for_api_key(tenant, uuid.uuid4(), list(scopes))


def conversation(id_: str, channel_id: str, **fields: Any) -> pb.Conversation:
    return pb.Conversation(id=id_, channel_id=channel_id, channel=common_pb.CHANNEL_KIND_AVITO,
                           external_chat_id=f"chat-{id_[:4]}", contact=pb.Contact(id=id_),
                           status=pb.CONVERSATION_STATUS_OPEN, mode=pb.CONVERSATION_MODE_BOT,
                           **fields)


def message(id_: str, conversation_id: str, text: str = "hi") -> pb.Message:
    return pb.Message(id=id_, conversation_id=conversation_id, direction=common_pb.DIRECTION_INBOUND,
                      sender=pb.SENDER_KIND_CONTACT, content_type="text", text=text,
                      status=pb.MESSAGE_STATUS_RECEIVED)


class FakeConversations:
    def __init__(self, items: list[pb.Conversation]) -> None:
        self.items = {c.id: c for c in items}
        self.calls: list[tuple[str, Any]] = []
        self.fail: Exception | None = None

    def _record(self, name: str, arg: Any) -> None:
        self.calls.append((name, arg))
        if self.fail is not None:
            raise self.fail

    async def list_conversations(self, tenant_id: uuid.UUID, **kw: Any) -> pb.ListConversationsResponse:
        self._record("list", kw)
        return pb.ListConversationsResponse(
            conversations=list(self.items.values()),
            page_info=pagination_pb2.PageInfo(next_cursor="c2", has_more=True))

    async def batch_get_conversations(self, tenant_id: uuid.UUID,
                                      ids: list[str]) -> list[pb.Conversation]:
        self._record("batch", ids)
        return [self.items[i] for i in ids if i in self.items]

    async def list_messages(self, tenant_id: uuid.UUID, conversation_id: str,
                            **kw: Any) -> pb.ListMessagesResponse:
        self._record("messages", (conversation_id, kw))
        return pb.ListMessagesResponse(messages=[message(str(uuid.uuid4()), conversation_id)],
                                       page_info=pagination_pb2.PageInfo())

    async def batch_list_messages(self, tenant_id: uuid.UUID, conversation_ids: list[str],
                                  **kw: Any) -> list[pb.ConversationMessages]:
        self._record("batch_messages", (list(conversation_ids), kw))
        return [pb.ConversationMessages(conversation_id=c, messages=[message(str(uuid.uuid4()), c)],
                                        page_info=pagination_pb2.PageInfo())
                for c in dict.fromkeys(conversation_ids)]

    async def send_message(self, tenant_id: uuid.UUID, conversation_id: str, text: str,
                           **kw: Any) -> pb.Message:
        self._record("send", (conversation_id, text, kw))
        return message(str(uuid.uuid4()), conversation_id, text)

    async def update_conversation(self, tenant_id: uuid.UUID,
                                  request: pb.UpdateConversationRequest) -> pb.Conversation:
        self._record("update", request)
        return self.items[request.id]


class FakeChannels:
    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    async def batch_get_channels(self, tenant_id: uuid.UUID, ids: list[str]) -> list[channels_pb.Channel]:
        self.batches.append(list(ids))
        return [channels_pb.Channel(id=i, kind=common_pb.CHANNEL_KIND_AVITO, name=f"Avito {i[:4]}",
                                    status=channels_pb.CHANNEL_STATUS_ACTIVE) for i in ids]


class FakeIdentity:
    def __init__(self) -> None:
        self.keys = {READ_KEY: principal("read"), WRITE_KEY: principal("write")}

    async def authenticate_api_key(self, raw: str) -> Principal | None:
        return self.keys.get(raw)

    async def authenticate_session(self, token: str) -> Principal | None:
        return principal("write") if token == "live-session" else None


@pytest.fixture
def state() -> SimpleNamespace:
    items = [conversation(str(uuid.uuid4()), ch) for ch in (CHANNEL_1, CHANNEL_2, CHANNEL_1)]
    return SimpleNamespace(conversations=FakeConversations(items), channels=FakeChannels(),
                           identity=FakeIdentity(), bus=None, settings=SETTINGS,
                           closing=asyncio.Event())


async def run(state: SimpleNamespace, query: str, who: Principal | None = None,
              **variables: Any) -> Any:
    who = who if who is not None else principal("write")
    return await SCHEMA.execute(query, variable_values=variables,
                                context_value=Context(state, who))  # type: ignore[arg-type]


def codes(result: Any) -> list[str]:
    return [e.extensions.get("code") for e in result.errors or []]


def test_sdl_has_the_public_contract() -> None:
    sdl = SCHEMA.as_str()
    for name in ("conversations(", "conversation(", "messages(", "channels(", "sendMessage(",
                 "updateConversation(", "markRead(", "conversationEvents(", "after: String = null",
                 "type ConversationConnection", "pageInfo: PageInfo!", "endCursor",
                 "hasNextPage", "priceMinor: Int", "priceRub: Float"):
        assert name in sdl, name


@pytest.mark.parametrize(("error", "code"), [
    (domain.NotFound("x"), "NOT_FOUND"), (domain.InvalidArgument("x"), "BAD_USER_INPUT"),
    (domain.PermissionDenied("x"), "FORBIDDEN"), (domain.Unauthenticated("x"), "UNAUTHENTICATED"),
    (domain.Conflict("x"), "CONFLICT"), (domain.FailedPrecondition("x"), "FAILED_PRECONDITION"),
    (domain.Unavailable("x"), "UNAVAILABLE"), (domain.DomainError("x"), "FAILED_PRECONDITION"),
    (domain.Internal("x"), "INTERNAL_SERVER_ERROR"),
])
def test_every_domain_error_has_a_code(error: domain.DomainError, code: str) -> None:
    assert code_of(error) == code
    assert set(CODES) >= set(domain.ERRORS_BY_CODE.values())


async def test_domain_error_keeps_its_message_and_crashes_are_masked(state: SimpleNamespace) -> None:
    state.conversations.fail = domain.Unavailable("the inbox is resting")
    result = await run(state, "{ conversations { edges { node { id } } } }")
    assert codes(result) == ["UNAVAILABLE"]
    assert result.errors[0].message == "the inbox is resting"

    state.conversations.fail = RuntimeError("password=hunter2 at db-7")
    result = await run(state, "{ conversations { edges { node { id } } } }")
    assert codes(result) == ["INTERNAL_SERVER_ERROR"]
    assert result.errors[0].message == "Unexpected error."
    assert result.errors[0].extensions["correlationId"]  # also in the log line of the crash


async def test_only_crashes_are_logged(state: SimpleNamespace,
                                       caplog: pytest.LogCaptureFixture) -> None:
    query = "{ conversations { edges { node { id } } } }"
    state.conversations.fail = domain.NotFound("no such thing")
    await run(state, query)
    await run(state, "{ conversations(first: 0) { edges { node { id } } } }")
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    state.conversations.fail = RuntimeError("boom")
    await run(state, query)
    (logged,) = [r for r in caplog.records if r.levelname == "ERROR"]
    assert logged.message == "GraphQL resolver failed" and logged.exc_info is not None


async def test_depth_limit_rejects_a_deep_query(state: SimpleNamespace) -> None:
    deepest = ("{ conversations { edges { node { channel { name } messages { edges { node "
               "{ attachments { kind } } } } } } } }")
    assert (await run(state, deepest)).errors is None  # the schema's deepest path fits the default
    calls = len(state.conversations.calls)
    shallow = build_schema(SimpleNamespace(graphql_max_depth=4,  # type: ignore[arg-type]
                                           graphql_introspection=True))
    result = await shallow.execute(deepest, context_value=Context(state, principal("read")))  # type: ignore[arg-type]
    assert result.errors and "exceeds maximum operation depth of 4" in result.errors[0].message
    assert len(state.conversations.calls) == calls  # refused before any service call


async def test_first_above_100_is_refused_before_any_call(state: SimpleNamespace) -> None:
    result = await run(state, "{ conversations(first: 1000) { edges { node { id } } } }")
    assert codes(result) == ["BAD_USER_INPUT"]
    assert "between 1 and 100" in result.errors[0].message
    assert state.conversations.calls == []


async def test_too_many_aliases_are_refused(state: SimpleNamespace) -> None:
    query = "{ " + " ".join(f"a{i}: channels {{ id }}" for i in range(20)) + " }"
    result = await run(state, query)
    assert result.errors and "aliases" in result.errors[0].message


async def test_nested_channel_is_one_batch_call(state: SimpleNamespace) -> None:
    result = await run(state, """{ conversations(first: 3) {
        edges { cursor node { id channel { id name kind status } } }
        pageInfo { hasNextPage endCursor } } }""")
    assert result.errors is None
    assert len(state.channels.batches) == 1
    assert sorted(state.channels.batches[0]) == sorted({CHANNEL_1, CHANNEL_2})
    data = result.data["conversations"]
    assert [e["node"]["channel"]["id"] for e in data["edges"]] == [CHANNEL_1, CHANNEL_2, CHANNEL_1]
    assert data["pageInfo"] == {"hasNextPage": True, "endCursor": "c2"}
    assert [e["cursor"] for e in data["edges"]] == [None, None, "c2"]


async def test_conversation_by_id_null_when_missing_and_bad_id_refused(state: SimpleNamespace) -> None:
    known = next(iter(state.conversations.items))
    query = "query($id: ID!) { conversation(id: $id) { id status mode } }"
    found = await run(state, query, id=known)
    assert found.data["conversation"] == {"id": known, "status": "OPEN", "mode": "BOT"}
    assert (await run(state, query, id=str(uuid.uuid4()))).data["conversation"] is None
    assert codes(await run(state, query, id="not-a-uuid")) == ["BAD_USER_INPUT"]


async def test_scopes(state: SimpleNamespace) -> None:
    send = ("mutation($id: ID!) { sendMessage(input: {conversationId: $id, text: \"hi\"}) "
            "{ id text } }")
    assert codes(await run(state, send, principal("read"), id=str(uuid.uuid4()))) == ["FORBIDDEN"]
    assert [c for c, _ in state.conversations.calls] == []
    sent = await run(state, send, principal("write"), id=str(uuid.uuid4()))
    assert sent.data["sendMessage"]["text"] == "hi"
    nobody = await SCHEMA.execute("{ channels { id } }",
                                  context_value=Context(state, None))  # type: ignore[arg-type]
    assert codes(nobody) == ["UNAUTHENTICATED"]
    no_scope = await run(state, "{ channels { id } }", principal())
    assert codes(no_scope) == ["FORBIDDEN"]


async def test_update_sends_only_the_fields_given(state: SimpleNamespace) -> None:
    known = next(iter(state.conversations.items))
    query = ("mutation($input: UpdateConversationInput!) "
             "{ updateConversation(input: $input) { id } }")
    result = await run(state, query, input={"id": known, "status": "RESOLVED",
                                            "assigneeUserId": None, "labels": ["vip"]})
    assert result.errors is None
    request = state.conversations.calls[-1][1]
    assert list(request.update_fields) == ["status", "assignee_user_id", "labels"]
    assert request.status == pb.CONVERSATION_STATUS_RESOLVED and request.assignee_user_id == ""
    assert list(request.labels) == ["vip"]
    assert codes(await run(state, query, input={"id": known, "status": None})) == ["BAD_USER_INPUT"]
    assert codes(await run(state, query, input={"id": known})) == ["BAD_USER_INPUT"]


def test_conversation_proto_with_unset_timestamps_and_no_price() -> None:
    proto = conversation(str(uuid.uuid4()), CHANNEL_1,
                         listing=common_pb.Listing(external_id="42", title="Sofa"))
    converted = Conversation.from_proto(proto)
    assert converted.created_at is None and converted.waiting_since is None
    assert converted.assignee_user_id is None and converted.last_message_preview is None
    assert converted.listing is not None and converted.listing.price_minor is None
    assert converted.listing.price_rub is None and converted.listing.title == "Sofa"
    assert Conversation.from_proto(conversation(str(uuid.uuid4()), CHANNEL_1)).listing is None


def test_timestamps_are_utc_and_prices_survive_int32() -> None:
    ts = Timestamp(seconds=1_700_000_000)
    converted = Conversation.from_proto(conversation(str(uuid.uuid4()), CHANNEL_1, created_at=ts))
    assert converted.created_at is not None and converted.created_at.utcoffset().total_seconds() == 0
    assert converted.created_at.timestamp() == 1_700_000_000
    flat = Listing.from_proto(common_pb.Listing(price_minor=3_500_000_000, has_price=True))
    assert flat is not None and flat.price_minor is None and flat.price_rub == 35_000_000.0
    sofa = Listing.from_proto(common_pb.Listing(price_minor=1_250_050, has_price=True))
    assert sofa is not None and sofa.price_minor == 1_250_050 and sofa.price_rub == 12_500.5


# --- HTTP and WebSocket plumbing (in-process ASGI) ---------------------------------------


class FakeFeed:
    """What `live_feed` yields: where the feed starts (and any reset), then its events."""

    def __init__(self, start: Start, events: list[LiveEvent]) -> None:
        self.start, self._events = start, events

    async def events(self) -> AsyncIterator[LiveEvent]:
        for event in self._events:
            yield event
        await asyncio.Event().wait()  # live: nothing more, until the client goes


@pytest.fixture
def client(state: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    conv = next(iter(state.conversations.items.values()))

    @contextlib.asynccontextmanager
    async def feed(state_: object, tenant_id: uuid.UUID, after: str | None) -> AsyncIterator[FakeFeed]:
        assert tenant_id == TENANT_A
        start = Start(7, "unknown event id") if after == "999" else Start(int(after or 6))
        yield FakeFeed(start, [LiveEvent("message.received", "7", conv,
                                         message("m1", conv.id, "привет"))])

    monkeypatch.setattr(subscriptions, "live_feed", feed)
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(graphql_router(SETTINGS), prefix="/graphql")  # type: ignore[arg-type]
    app.state.gateway = state
    return TestClient(app)


def test_http_without_credentials_is_401_problem(client: TestClient) -> None:
    resp = client.post("/graphql", json={"query": "{ channels { id } }"})
    assert resp.status_code == 401
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert resp.headers["www-authenticate"] == "Bearer"
    bad = client.post("/graphql", json={"query": "{ channels { id } }"},
                      headers={"Authorization": "Bearer sb_nope"})
    assert bad.status_code == 401


def test_graphiql_page_needs_no_credentials(client: TestClient) -> None:
    resp = client.get("/graphql", headers={"Accept": "text/html"})
    assert resp.status_code == 200 and "graphiql" in resp.text.lower()


def test_http_with_api_key_runs_the_operation(client: TestClient) -> None:
    resp = client.post("/graphql", json={"query": "{ conversations { edges { node { id } } } }"},
                       headers={"Authorization": f"Bearer {READ_KEY}"})
    assert resp.status_code == 200 and len(resp.json()["data"]["conversations"]["edges"]) == 3


def test_websocket_needs_a_key_in_connection_params(client: TestClient) -> None:
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": "Bearer sb_nope"}})
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 4403


def test_websocket_accepts_the_session_cookie(client: TestClient) -> None:
    client.cookies.set("sb_session", "live-session")
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init"})
        assert ws.receive_json()["type"] == "connection_ack"


def test_graphql_ws_refusal_says_why(client: TestClient) -> None:
    with client.websocket_connect("/graphql", subprotocols=["graphql-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": {}})
        refused = ws.receive_json()
        assert refused["type"] == "connection_error"
        assert "authentication required" in refused["payload"]["message"]


@pytest.mark.parametrize("protocol", ["graphql-transport-ws", "graphql-ws"])
def test_websocket_subscription_streams_tenant_events(client: TestClient, protocol: str) -> None:
    start = "subscribe" if protocol == "graphql-transport-ws" else "start"
    data = "next" if protocol == "graphql-transport-ws" else "data"
    with client.websocket_connect("/graphql", subprotocols=[protocol]) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {READ_KEY}"}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": start, "payload": {"query": (
            "subscription { conversationEvents { type eventId message { text } "
            "conversation { id channel { name } } } }")}})
        received = ws.receive_json()
        assert received["type"] == data, received
        event = received["payload"]["data"]["conversationEvents"]
        assert event["type"] == "message.received" and event["message"]["text"] == "привет"
        assert event["conversation"]["channel"]["name"].startswith("Avito")


SUBSCRIBE_AFTER = ("subscription($after: String) { conversationEvents(after: $after) { "
                   "type eventId reason conversation { id } message { text } } }")
SUBSCRIBE_LIVE = "subscription { conversationEvents { type eventId message { text } } }"


def _subscribe(ws: Any, protocol: str, key: str, after: str | None = None) -> None:
    start = "subscribe" if protocol == "graphql-transport-ws" else "start"
    ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {key}"}})
    assert ws.receive_json()["type"] == "connection_ack"
    payload = ({"query": SUBSCRIBE_LIVE} if after is None
               else {"query": SUBSCRIBE_AFTER, "variables": {"after": after}})
    ws.send_json({"id": "1", "type": start, "payload": payload})


def _next_event(ws: Any) -> dict[str, Any]:
    received = ws.receive_json()
    assert received["type"] in ("next", "data"), received
    return received["payload"]["data"]["conversationEvents"]  # type: ignore[no-any-return]


def test_subscription_after_an_unknown_id_starts_with_a_reset(client: TestClient) -> None:
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        _subscribe(ws, "graphql-transport-ws", READ_KEY, after="999")
        reset = _next_event(ws)
        assert reset == {"type": "reset", "eventId": "7", "reason": "unknown event id",
                         "conversation": None, "message": None}
        assert _next_event(ws)["message"] == {"text": "привет"}  # then the feed goes on


def test_subscription_refuses_an_after_it_never_sent(client: TestClient) -> None:
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        _subscribe(ws, "graphql-transport-ws", READ_KEY, after="not-an-id")
        refused = ws.receive_json()["payload"]
        assert refused["data"] is None
        assert [e["extensions"]["code"] for e in refused["errors"]] == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("protocol", ["graphql-transport-ws", "graphql-ws"])
def test_websocket_closes_4401_once_its_key_is_revoked(client: TestClient, state: SimpleNamespace,
                                                       protocol: str) -> None:
    state.identity.keys["sb_soon_revoked"] = principal("read")
    with client.websocket_connect("/graphql", subprotocols=[protocol]) as ws:
        _subscribe(ws, protocol, "sb_soon_revoked")
        assert _next_event(ws)["type"] == "message.received"
        del state.identity.keys["sb_soon_revoked"]  # revoked (live_auth_check_s is 0.05 here)
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                ws.receive_json()
        assert closed.value.code == 4401


def test_websocket_closes_1012_when_the_gateway_shuts_down(client: TestClient,
                                                           state: SimpleNamespace) -> None:
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        _subscribe(ws, "graphql-transport-ws", READ_KEY)
        assert _next_event(ws)["type"] == "message.received"
        ws.portal.call(state.closing.set)  # in the app's event loop
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                ws.receive_json()
        assert closed.value.code == 1012


async def test_agent_preview_needs_write(state: SimpleNamespace) -> None:
    query = '{ agentPreview(question: "Есть доставка?") { outcome } }'
    assert codes(await run(state, query, who=principal("read"))) == ["FORBIDDEN"]
