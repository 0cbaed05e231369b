"""A bounded edge: every body is bounded before it is read (gateway/body_limit.py), uploads are
read only after their caller is authenticated (gateway/uploads.py), and a body that stops
coming is cut. Against the running gateway over real sockets: a request's head is sent and
the answer read while the body is held back, so "at once" means before the body was sent."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send

from gateway.app import body_limits
from gateway.body_limit import BodyLimit, BodyLimits
from gateway.config import GatewaySettings
from switchboard.http_server import BackgroundServer
from tests.fixtures.platform import RunningPlatform, Tenant
from tests.fixtures.raw_http import Answer, RawConnection, lifespan

PROBLEM = "application/problem+json"
HUNDRED_MB = 100_000_000


@pytest.fixture
async def seller(platform: RunningPlatform) -> AsyncIterator[Tenant]:
    tenant = await platform.new_tenant("Bodies")
    yield tenant
    await tenant.http.aclose()


async def _head_only(url: str, method: str, path: str, headers: dict[str, str]) -> RawConnection:
    conn = await RawConnection.open(url)
    await conn.head(method, path, headers)
    return conn


@pytest.mark.parametrize(("path", "content_type", "size"), [
    ("/v1/conversations/{c}/messages", "application/json", HUNDRED_MB),
    ("/graphql", "application/json", HUNDRED_MB),
    ("/v1/media", "multipart/form-data; boundary=x", HUNDRED_MB),
    # 20 files of 20 MB may come at once: 500 MB is past it
    ("/v1/agent/knowledge/documents", "multipart/form-data; boundary=x", 5 * HUNDRED_MB),
    ("/webhooks/avito/{c}/token", "application/json", HUNDRED_MB),
])
async def test_a_declared_oversized_body_is_refused_at_once(
        platform: RunningPlatform, seller: Tenant, path: str, content_type: str,
        size: int) -> None:
    conn = await _head_only(platform.gateway_url, "POST", path.format(c=uuid.uuid4()), {
        "Authorization": f"Bearer {seller.api_key}", "Content-Type": content_type,
        "Content-Length": str(size)})
    try:
        answer = await conn.answer()  # no byte of the body was sent
        assert answer.status == 413, answer.body
        assert answer.headers["content-type"].startswith(PROBLEM)
        assert "larger than" in answer.json()["detail"]
        assert answer.closing and await conn.closed_by_server()  # not drained: cut
    finally:
        await conn.close()


async def _send_until_answered(conn: RawConnection, first: bytes, chunk: bytes,
                               most: int) -> Answer:
    """Send `first`, then `chunk` up to `most` times while reading: the answer as it comes."""

    async def send() -> None:
        with contextlib.suppress(ConnectionError):
            await conn.chunk(first)
            for _ in range(most):
                await conn.chunk(chunk)

    sender = asyncio.create_task(send())
    try:
        return await conn.answer(within=20)
    finally:
        sender.cancel()


async def test_a_chunked_body_is_cut_once_it_passes_the_limit(platform: RunningPlatform,
                                                             seller: Tenant) -> None:
    conn = await _head_only(platform.gateway_url, "PUT", "/v1/agent/settings", {
        "Authorization": f"Bearer {seller.api_key}", "Content-Type": "application/json",
        "Transfer-Encoding": "chunked"})
    try:  # 10 MB offered, 1 MB taken
        answer = await _send_until_answered(conn, b'{"system_prompt": "', b"x" * 100_000, 100)
        assert answer.status == 413, answer.body
        assert answer.headers["content-type"].startswith(PROBLEM)
        assert await conn.closed_by_server()
    finally:
        await conn.close()


async def test_a_chunked_upload_past_its_limit_is_cut(platform: RunningPlatform,
                                                     seller: Tenant) -> None:
    conn = await _head_only(platform.gateway_url, "POST", "/v1/media", {
        "Authorization": f"Bearer {seller.api_key}",
        "Content-Type": "multipart/form-data; boundary=b", "Transfer-Encoding": "chunked"})
    try:  # 40 MB offered, 24 MB (and the multipart's slack) taken
        answer = await _send_until_answered(
            conn, b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
                  b"Content-Type: image/png\r\n\r\n", b"\0" * (1024 * 1024), 40)
        assert answer.status == 413, answer.body
        assert answer.headers["content-type"].startswith(PROBLEM)
    finally:
        await conn.close()


async def test_an_upload_is_not_read_before_its_caller_is_authenticated(
        platform: RunningPlatform) -> None:
    """Was: FastAPI read the whole multipart body (spooled to disk) before the 401."""
    for headers in ({}, {"Authorization": "Bearer sb_not-a-key"}):
        conn = await _head_only(platform.gateway_url, "POST", "/v1/agent/knowledge/documents", {
            **headers, "Content-Type": "multipart/form-data; boundary=b",
            "Content-Length": str(50_000_000)})  # under the upload's limit
        try:
            answer = await conn.answer()  # the 50 MB were never sent
            assert answer.status == 401, answer.body
            assert answer.headers["content-type"].startswith(PROBLEM)
        finally:
            await conn.close()


async def test_uploads_within_their_limits_still_work(seller: Tenant) -> None:
    resp = await seller.http.post("/v1/agent/knowledge/documents", files=[
        ("files", ("faq.csv", "вопрос;ответ\nДоставка?;Да, СДЭК\n".encode(), "text/csv")),
        ("files", ("notes.txt", b"We ship on weekdays.", "text/plain"))])
    assert resp.status_code == 207, resp.text
    assert resp.json()["stored"] == 2
    resp = await seller.http.post("/v1/agent/knowledge/documents", files=[])
    assert resp.status_code == 422 and resp.headers["content-type"].startswith(PROBLEM)
    resp = await seller.http.post("/v1/media", content=b"not multipart",
                                  headers={"content-type": "application/octet-stream"})
    assert resp.status_code == 422, resp.text


def test_the_upload_routes_of_the_schema_are_the_ones_with_upload_limits() -> None:
    """The table in gateway/app.py names routes by path: a renamed route must not fall back
    to the JSON limit unnoticed, nor a new multipart route go without its own."""
    from gateway.app import create_app

    app = create_app(GatewaySettings())
    multipart = {("POST", path) for path, ops in app.openapi()["paths"].items()
                 for method, op in ops.items()
                 if "multipart/form-data" in op.get("requestBody", {}).get("content", {})}
    assert multipart == set(body_limits(GatewaySettings()).routes)


# --- the middleware on its own, with short timeouts ------------------------------------------


async def _echo(scope: Scope, receive: Receive, send: Send) -> None:
    """Reads the whole body and answers its size; /stream answers, then waits for the client
    to leave (as SSE does) for up to 2 s."""
    if scope["type"] == "lifespan":
        await lifespan(receive, send)
        return
    if scope["path"] == "/stream":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"open\n", "more_body": True})
        assert (await receive())["type"] == "http.request"  # the (empty) body
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(2):
                await receive()  # no deadline once the (empty) body is in
        await send({"type": "http.response.body", "body": b"done\n"})
        return
    size = 0
    while True:
        message: Message = await receive()
        size += len(message.get("body", b""))
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(size).encode()})


async def _chunks(chunk: bytes, count: int) -> AsyncIterator[bytes]:
    for _ in range(count):
        yield chunk


@pytest.fixture
async def bounded() -> AsyncIterator[str]:
    limits = BodyLimits(default=1000, routes={("POST", "/upload"): 10_000}, prefixes=[],
                        idle_timeout_s=0.5, timeout_s=1.5, upload_timeout_s=3)
    async with BackgroundServer(BodyLimit(_echo, limits)) as srv:
        yield srv.url


async def test_a_body_that_stops_coming_is_cut_with_408(bounded: str) -> None:
    conn = await _head_only(bounded, "POST", "/", {"Content-Length": "100"})
    try:
        await conn.send(b"x" * 10)  # and then nothing
        answer = await conn.answer(within=5)
        assert answer.status == 408 and answer.headers["content-type"].startswith(PROBLEM)
        assert await conn.closed_by_server()
    finally:
        await conn.close()


async def test_a_body_dribbled_past_its_deadline_is_cut_with_408(bounded: str) -> None:
    conn = await _head_only(bounded, "POST", "/", {"Content-Length": "900"})

    async def dribble() -> None:  # a byte every 0.2 s: never idle 0.5 s, but 180 s in all
        with contextlib.suppress(ConnectionError):
            for _ in range(900):
                await conn.send(b"x")
                await asyncio.sleep(0.2)

    sender = asyncio.create_task(dribble())
    try:
        answer = await conn.answer(within=5)  # the whole body had 1.5 s
        assert answer.status == 408, answer.body
    finally:
        sender.cancel()
        await conn.close()


async def test_bodies_within_their_limits_pass_and_streams_have_no_deadline(bounded: str) -> None:
    async with httpx.AsyncClient(base_url=bounded) as http:
        assert (await http.post("/", content=b"x" * 1000)).text == "1000"
        assert (await http.post("/upload", content=b"x" * 10_000)).text == "10000"
        assert (await http.post("/", content=b"x" * 1001)).status_code == 413
        chunked = await http.post("/", content=_chunks(b"x" * 100, 11))
        assert chunked.status_code == 413
        stream = await http.get("/stream")  # open 2 s, past the 0.5 s idle and 1.5 s deadline
        assert stream.text == "open\ndone\n"
