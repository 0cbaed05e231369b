"""Retries against a real gateway behind a front that answers 503 to the first requests: a read
is retried until it gets through; a write the server does not deduplicate is not repeated, a
send (which carries an idempotency key) is, and arrives once."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from switchboard_sdk import ServerError, Switchboard

from switchboard.http_server import BackgroundServer
from tests.clients.sdk.conftest import client, conversation_of
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant


class FlakyFront:
    """ASGI: `failures` answers of 503 (problem+json, Retry-After: 0), then the gateway's own."""

    def __init__(self, gateway_url: str) -> None:
        self.gateway_url, self.failures, self.requests = gateway_url, 0, 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":  # startup, then shutdown: nothing to do for either
            for stage in ("startup", "shutdown"):
                await receive()
                await send({"type": f"lifespan.{stage}.complete"})
            return
        body, more = b"", True
        while more:
            message = await receive()
            body, more = body + message.get("body", b""), message.get("more_body", False)
        self.requests += 1
        if self.failures > 0:
            self.failures -= 1
            await respond(send, 503, {"Retry-After": "0", "Content-Type": "application/problem+json"},
                          json.dumps({"status": 503, "detail": "try again"}).encode())
            return
        headers = {k.decode(): v.decode() for k, v in scope["headers"] if k != b"host"}
        async with httpx.AsyncClient(base_url=self.gateway_url, timeout=15) as http:
            answer = await http.request(scope["method"], scope["path"], headers=headers, content=body)
        await respond(send, answer.status_code, {"Content-Type": answer.headers["content-type"]},
                      answer.content)


async def respond(send: Any, status: int, headers: dict[str, str], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(k.encode(), v.encode()) for k, v in headers.items()]})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture
async def front(platform: RunningPlatform) -> Any:
    flaky = FlakyFront(platform.gateway_url)
    async with BackgroundServer(flaky) as server:
        flaky.url = server.url  # type: ignore[attr-defined]
        yield flaky


async def test_reads_are_retried_and_blind_writes_are_not(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop, sb: Switchboard,
        front: Any) -> None:
    conversation = await conversation_of(sb, await platform.buyer_writes(shop, "Скидка будет?"))
    async with client(front.url, seller.api_key, retries=3) as flaky:
        front.failures = 2
        assert (await flaky.conversation(conversation.id)).id == conversation.id
        assert front.requests == 3

        front.failures, front.requests = 1, 0
        with pytest.raises(ServerError) as caught:
            await flaky.block_contact(conversation.id)
        assert caught.value.status == 503 and front.requests == 1

        front.failures, front.requests = 2, 0
        reply = await flaky.send_message(conversation.id, "Будет!", idempotency_key="once-1")
        assert front.requests == 3
        again = await sb.send_message(conversation.id, "Будет!", idempotency_key="once-1")
        assert again.id == reply.id  # the key makes a repeat the same message

        front.failures, front.requests = 5, 0
        with pytest.raises(ServerError):
            await flaky.channels()
        assert front.requests == 4  # the first try and three retries, then the error
    outbound = [m for m in (await sb.messages(conversation.id)).items if m.text == "Будет!"]
    assert [m.id for m in outbound] == [reply.id]
