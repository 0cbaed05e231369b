"""Who may keep a live stream, and what the gateway checks (issue #11): a revoked key or an
ended session closes its open streams within seconds; shutting down ends every open stream
with a final word instead of hanging; the agent's preview needs write; /readyz asks the agent
and knowledge services too."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import websockets

from switchboard.platform import GatewayRuntime
from tests.fixtures.platform import RunningPlatform, Tenant, second_gateway
from tests.gateway.live import sse, subscription

pytestmark = pytest.mark.slow

SUBSCRIBE = "subscription { conversationEvents { type eventId } }"


@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Access seller")


async def new_key(seller: Tenant, *scopes: str) -> tuple[str, str]:
    created = await seller.http.post("/v1/api-keys", json={"name": "live", "scopes": list(scopes)})
    assert created.status_code == 201, created.text
    return created.json()["id"], created.json()["key"]


def websocket(gateway_url: str, key: str) -> contextlib.AbstractAsyncContextManager[Any]:
    return subscription(gateway_url, key, SUBSCRIBE)


async def close_code(ws: Any, within: float = 20) -> int:
    async def closed() -> int:
        with contextlib.suppress(websockets.ConnectionClosed):
            while True:
                await ws.recv()
        assert ws.close_code is not None
        return int(ws.close_code)
    return await asyncio.wait_for(closed(), within)


async def test_revoking_a_key_ends_its_open_streams(platform: RunningPlatform,
                                                    seller: Tenant) -> None:
    key_id, key = await new_key(seller, "read")
    async with sse(platform.gateway_url, key) as (stream, _), \
            websocket(platform.gateway_url, key) as ws:
        revoked = await seller.http.delete(f"/v1/api-keys/{key_id}")
        assert revoked.status_code == 204
        end = await stream.event()
        assert end.event == "end"
        assert end.json["reason"] == "unauthorized" and end.json["reconnect"] is False
        with pytest.raises(StopAsyncIteration):  # and the stream is over
            await stream.frame()
        assert await close_code(ws) == 4401


async def test_logging_out_ends_the_session_stream(platform: RunningPlatform,
                                                   seller: Tenant) -> None:
    async with httpx.AsyncClient(base_url=platform.gateway_url) as browser:
        login = await browser.post("/v1/auth/login", json={"email": seller.email,
                                                          "password": seller.password})
        assert login.status_code == 200, login.text
        async with sse(platform.gateway_url, cookies=dict(browser.cookies)) as (stream, _):
            assert (await browser.post("/v1/auth/logout")).status_code == 204
            end = await stream.event()
            assert end.event == "end" and end.json["reason"] == "unauthorized"


async def test_agent_preview_needs_write(platform: RunningPlatform, seller: Tenant) -> None:
    """It calls the tenant's paid LLM and writes audit rows: a read-only key may not."""
    _, reader = await new_key(seller, "read")
    _, writer = await new_key(seller, "write")
    body = {"question": "Есть доставка?"}
    async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=15) as http:
        refused = await http.post("/v1/agent/preview", json=body,
                                  headers={"Authorization": f"Bearer {reader}"})
        assert refused.status_code == 403, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        query = {"query": '{ agentPreview(question: "Есть доставка?") { outcome } }'}
        gql = await http.post("/graphql", json=query, headers={"Authorization": f"Bearer {reader}"})
        assert [e["extensions"]["code"] for e in gql.json()["errors"]] == ["FORBIDDEN"]
        usage = await http.get("/v1/agent/usage", headers={"Authorization": f"Bearer {reader}"})
        assert usage.json()["previews"] == 0  # nothing ran for the refused ones
        allowed = await http.post("/v1/agent/preview", json=body,
                                  headers={"Authorization": f"Bearer {writer}"})
        assert allowed.status_code == 200, allowed.text


@contextlib.asynccontextmanager
async def own_gateway(platform: RunningPlatform, **overrides: Any) -> AsyncIterator[GatewayRuntime]:
    """A second gateway on the platform's services (port 0), to stop or to misconfigure."""
    runtime = await second_gateway(platform, **overrides)
    try:
        yield runtime
    finally:
        await asyncio.wait_for(runtime.stop(), 30)


async def test_readyz_asks_the_agent_and_knowledge_services(platform: RunningPlatform) -> None:
    async with httpx.AsyncClient(base_url=platform.gateway_url) as http:
        ready = await http.get("/readyz")
        assert ready.status_code == 200, ready.text
    async with own_gateway(platform, agent_target="127.0.0.1:9") as gateway, \
            httpx.AsyncClient(base_url=gateway.url, timeout=15) as http:
        resp = await http.get("/readyz")
        assert resp.status_code == 503, resp.text
        checks = resp.json()["checks"]
        assert checks["agent"] is False and checks["knowledge"] is False
        assert checks["conversations"] and checks["channels"] and checks["database"]
        assert "agent" in resp.json()["detail"]


async def test_shutdown_ends_open_streams_with_a_final_event(platform: RunningPlatform,
                                                             seller: Tenant) -> None:
    """Before, an open SSE stream kept the gateway's HTTP server waiting for ever (uvicorn
    waits for open responses before the app's shutdown runs)."""
    async with own_gateway(platform) as gateway, \
            sse(gateway.url, seller.api_key) as (stream, _), \
            websocket(gateway.url, seller.api_key) as ws:
        await asyncio.wait_for(gateway.stop(), 30)  # returns: nothing held it
        end = await stream.event()
        assert end.event == "end"
        assert end.json["reason"] == "shutdown" and end.json["reconnect"] is True
        assert await close_code(ws) == 1012  # service restart: reconnect
