"""The HTTP server cuts slow and oversized request heads (switchboard/http_server.py): uvicorn
alone waits for a head for ever (a slowloris holds a connection per few bytes) and httptools
takes headers of any size."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from gateway.config import GatewaySettings
from switchboard.http_server import BackgroundServer
from tests.fixtures.raw_http import RawConnection, lifespan

PROBLEM = "application/problem+json"


async def _ok(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await lifespan(receive, send)
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture
async def server() -> AsyncIterator[str]:
    async with BackgroundServer(_ok, header_timeout_s=0.5, max_header_bytes=8 * 1024) as srv:
        yield srv.url


async def test_a_connection_that_sends_nothing_is_closed_with_408(server: str) -> None:
    conn = await RawConnection.open(server)
    try:
        answer = await conn.answer(within=5)
        assert answer.status == 408 and answer.headers["content-type"] == PROBLEM
        assert await conn.closed_by_server()
    finally:
        await conn.close()


async def test_a_head_sent_a_byte_at_a_time_is_cut_with_408(server: str) -> None:
    conn = await RawConnection.open(server)

    async def dribble() -> None:  # never idle for long, but the head takes 60 s
        head = b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 300 + b"\r\n\r\n"
        try:
            for byte in head:
                await conn.send(bytes([byte]))
                await asyncio.sleep(0.2)
        except ConnectionError:
            pass

    sender = asyncio.create_task(dribble())
    try:
        answer = await conn.answer(within=5)
        assert answer.status == 408
    finally:
        sender.cancel()
        await conn.close()


async def test_an_oversized_head_is_refused_with_431(server: str) -> None:
    conn = await RawConnection.open(server)
    try:
        await conn.head("GET", "/", {f"X-Big-{i}": "b" * 1000 for i in range(12)})
        answer = await conn.answer()
        assert answer.status == 431 and answer.headers["content-type"] == PROBLEM
        assert await conn.closed_by_server()
    finally:
        await conn.close()


async def test_a_kept_alive_connection_gets_a_new_deadline_per_request(server: str) -> None:
    async with httpx.AsyncClient(base_url=server) as http:
        for _ in range(3):  # 3 requests 0.3 s apart on one connection: 0.9 s > 0.5 s in all
            assert (await http.get("/", headers={"X-Fine": "a" * 4000})).text == "ok"
            await asyncio.sleep(0.3)


def test_an_idle_connection_outlives_the_client_pools_and_proxies_idle_limits() -> None:
    """The client must be the one to close an idle connection: a server that closes at the
    same moment races the client's next request, which fails with a read error (CI, at
    uvicorn's 5 s against httpx's 5 s)."""
    server = BackgroundServer(_ok)
    kept = server._server.config.timeout_keep_alive
    assert kept > httpx.Limits(max_connections=1).keepalive_expiry  # httpx's default, 5 s
    assert kept > 60 and GatewaySettings().http_keep_alive_s > 60  # nginx upstreams, 60 s
