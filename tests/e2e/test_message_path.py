"""The first message path, driven like a user: a buyer writes on Avito (the emulator), the
seller sees it through REST, replies, and the reply arrives at Avito — duplicates and echoes
included."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from services.kernel.bus import Bus
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant
from tests.fixtures.settled import WEBHOOK_TO_STORED, drained, webhooks_settled

pytestmark = pytest.mark.slow


@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Seller")


@pytest.fixture
async def shop(platform: RunningPlatform, seller: Tenant) -> SandboxShop:
    return await platform.connect_sandbox_shop(seller)


async def _conversations(tenant: Tenant) -> list[dict]:
    resp = await tenant.http.get("/v1/conversations")
    assert resp.status_code == 200, resp.text
    return resp.json()["items"]


async def _messages(tenant: Tenant, conversation_id: str) -> list[dict]:
    resp = await tenant.http.get(f"/v1/conversations/{conversation_id}/messages")
    assert resp.status_code == 200, resp.text
    return resp.json()["items"]


async def test_buyer_message_reply_and_echo(platform: RunningPlatform, seller: Tenant,
                                            shop: SandboxShop, bus: Bus) -> None:
    wrote = await platform.buyer_writes(shop, "Здравствуйте! Велосипед ещё продаётся?")
    conversations = await eventually(lambda: _conversations(seller))
    conv = conversations[0]
    # Avito deliveries name neither buyer nor listing: only ids (enrichment comes separately).
    assert conv["external_chat_id"] == wrote["chat_id"]
    assert conv["contact"]["external_user_id"] == str(wrote["author_id"])
    assert conv["unread_count"] == 1 and conv["channel_id"] == shop.channel["id"]

    reply = await seller.http.post(f"/v1/conversations/{conv['id']}/messages",
                                   json={"text": "Да, продаётся. Приезжайте!"},
                                   headers={"Idempotency-Key": "reply-1"})
    assert reply.status_code == 201 and reply.json()["status"] == "pending"

    async def arrived() -> bool:
        return any(s["text"] == "Да, продаётся. Приезжайте!" for s in await platform.sent(shop))
    await eventually(arrived)

    async def sent_status() -> list[dict]:
        messages = await _messages(seller, conv["id"])
        return messages if messages[0]["status"] == "sent" else []
    messages = await eventually(sent_status)
    # The echo webhook of our own send is linked to it, never stored as a second message.
    await webhooks_settled(platform.emulator, messages[0]["external_message_id"])
    await drained(bus, *WEBHOOK_TO_STORED)
    messages = await _messages(seller, conv["id"])
    assert [m["text"] for m in messages] == ["Да, продаётся. Приезжайте!",
                                            "Здравствуйте! Велосипед ещё продаётся?"]
    assert messages[0]["external_message_id"] and messages[0]["sender"] == "user"
    retried = await seller.http.post(f"/v1/conversations/{conv['id']}/messages",
                                     json={"text": "Да, продаётся. Приезжайте!"},
                                     headers={"Idempotency-Key": "reply-1"})
    assert retried.json()["id"] == reply.json()["id"]
    assert len([s for s in await platform.sent(shop) if s["text"].startswith("Да, продаётся")]) == 1


async def test_mark_read_reaches_avito(platform: RunningPlatform, seller: Tenant,
                                       shop: SandboxShop) -> None:
    wrote = await platform.buyer_writes(shop, "Можно посмотреть сегодня?")
    conv = (await eventually(lambda: _conversations(seller)))[0]
    resp = await seller.http.post(f"/v1/conversations/{conv['id']}/read")
    assert resp.status_code == 200 and resp.json()["unread_count"] == 0

    async def read_upstream() -> bool:
        chat = (await platform.emulator.get(
            f"/_emulator/accounts/{shop.user_id}/chats/{wrote['chat_id']}")).json()
        return chat["unread"] == 0
    await eventually(read_upstream)


async def test_duplicate_webhook_deliveries_store_one_message(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop, bus: Bus) -> None:
    await platform.emulator.post("/_emulator/faults", json={"duplicate_webhooks": True})
    try:
        wrote = await platform.buyer_writes(shop, "Дубль?")
        conv = (await eventually(lambda: _conversations(seller)))[0]
        second = await platform.buyer_writes(shop, "Второе сообщение", chat_id=wrote["chat_id"])

        async def both() -> list[dict]:
            messages = await _messages(seller, conv["id"])
            return messages if len(messages) >= 2 else []
        await eventually(both)
        await webhooks_settled(platform.emulator, wrote["message_id"], second["message_id"])
        await drained(bus, *WEBHOOK_TO_STORED)
        assert len(await _messages(seller, conv["id"])) == 2
    finally:
        await platform.emulator.delete("/_emulator/faults")


async def test_another_tenant_cannot_see_or_touch_it(platform: RunningPlatform, seller: Tenant,
                                                     shop: SandboxShop) -> None:
    await platform.buyer_writes(shop, "Только для продавца")
    conv = (await eventually(lambda: _conversations(seller)))[0]
    other = await platform.new_tenant("Other")
    assert await _conversations(other) == []
    for method, path in [("GET", f"/v1/conversations/{conv['id']}"),
                         ("GET", f"/v1/conversations/{conv['id']}/messages"),
                         ("POST", f"/v1/conversations/{conv['id']}/read"),
                         ("GET", f"/v1/channels/{shop.channel['id']}")]:
        resp = await other.http.request(method, path)
        assert resp.status_code == 404, (path, resp.text)
    resp = await other.http.post(f"/v1/conversations/{conv['id']}/messages", json={"text": "чужое"})
    assert resp.status_code == 404
    assert resp.headers["content-type"].startswith("application/problem+json")


async def test_sse_pushes_new_messages(platform: RunningPlatform, seller: Tenant,
                                       shop: SandboxShop) -> None:
    received: list[str] = []

    async def listen() -> None:
        async with seller.http.stream("GET", "/v1/events", timeout=httpx.Timeout(20)) as resp:
            assert resp.headers["content-type"].startswith("text/event-stream")
            async for line in resp.aiter_lines():
                received.append(line)
                if line.startswith("data:") and "SSE привет" in line:
                    return

    listener = asyncio.create_task(listen())
    await eventually(lambda: _true_if(received))  # the ": connected" comment arrived
    await platform.buyer_writes(shop, "SSE привет")
    await asyncio.wait_for(listener, 15)
    assert "event: message.received" in received


async def _true_if(lines: list[str]) -> bool:
    return bool(lines)
