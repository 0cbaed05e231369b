"""The GraphQL layer's HTTP and WebSocket plumbing, in-process (ASGI) on the recording fakes:
credentials, GraphiQL, both subscription protocols, catch-up arguments, revocation, shutdown."""

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
from starlette.websockets import WebSocketDisconnect

from gateway.conversations.feed import Start
from gateway.conversations.graphql import subscriptions
from gateway.conversations.live import LiveEvent
from gateway.csrf import CSRF_HEADER, csrf_token
from gateway.errors import install_error_handlers
from gateway.graphql.router import graphql_router
from tests.gateway.graphql_fakes import (
    READ_KEY,
    SETTINGS,
    TENANT_A,
    message,
    principal,
)


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


@pytest.mark.parametrize("origin", ["http://evil.example", "null"])
def test_websocket_refuses_the_cookie_from_another_origin(client: TestClient,
                                                          origin: str) -> None:
    client.cookies.set("sb_session", "live-session")
    with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect(
            "/graphql", subprotocols=["graphql-transport-ws"], headers={"Origin": origin}):
        pass
    assert closed.value.code == 1008


@pytest.mark.parametrize("origin", [SETTINGS.public_base_url, "http://testserver"])
def test_websocket_takes_the_cookie_from_our_origin(client: TestClient, origin: str) -> None:
    client.cookies.set("sb_session", "live-session")
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"],
                                  headers={"Origin": origin}) as ws:
        ws.send_json({"type": "connection_init"})
        assert ws.receive_json()["type"] == "connection_ack"


def test_http_by_cookie_needs_the_csrf_token(client: TestClient) -> None:
    client.cookies.set("sb_session", "live-session")
    query = {"query": "{ conversations { edges { node { id } } } }"}
    for headers in ({}, {CSRF_HEADER: "wrong"}):
        refused = client.post("/graphql", json=query, headers=headers)
        assert refused.status_code == 403, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["type"] == "/problems/csrf"
        assert CSRF_HEADER in refused.json()["detail"]
    token = csrf_token(SETTINGS, "live-session")  # type: ignore[arg-type]
    ran = client.post("/graphql", json=query, headers={CSRF_HEADER: token})
    assert ran.status_code == 200 and len(ran.json()["data"]["conversations"]["edges"]) == 3
    # A query over GET is safe: no token needed.
    assert client.get("/graphql", params=query).status_code == 200


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
