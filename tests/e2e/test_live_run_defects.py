"""Defects a live `make dev` run showed (issue #11), driven like a user through the whole
platform and the Avito emulator: several buyers writing about one listing each see it on their
conversation, and every live chat shows its buyer's name — looked up once per chat, after the
message was stored, never the seller's own name."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from prometheus_client import REGISTRY

from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as conv_ev
from services.kernel.bus import Bus
from tests.fixtures.events import Recorder, eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant

pytestmark = pytest.mark.slow

SHOP_NAME = "Магазин Сандбокс"


@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Seller")


@pytest.fixture
async def other(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Other")


@pytest.fixture
async def shop(platform: RunningPlatform, seller: Tenant) -> SandboxShop:
    """A connected sandbox shop whose first reconciliation (backfill) is done, so what the
    test's buyers write reaches conversations by webhook only."""
    shop = await platform.connect_sandbox_shop(seller, name=SHOP_NAME)

    async def synced() -> bool:
        resp = await seller.http.get(f"/v1/channels/{shop.channel['id']}")
        return resp.status_code == 200 and resp.json()["last_sync_at"] is not None
    await eventually(synced, within=30)
    return shop


async def _conversations(tenant: Tenant) -> dict[str, dict[str, Any]]:
    resp = await tenant.http.get("/v1/conversations", params={"limit": 100})
    assert resp.status_code == 200, resp.text
    return {c["external_chat_id"]: c for c in resp.json()["items"]}


async def _once_all(tenant: Tenant, chats: list[str], ready: Any,
                    within: float = 30) -> dict[str, dict[str, Any]]:
    """The conversations of `chats`, once `ready(conversation)` holds for every one."""
    async def check() -> dict[str, dict[str, Any]] | None:
        found = await _conversations(tenant)
        if all(chat in found and ready(found[chat]) for chat in chats):
            return {chat: found[chat] for chat in chats}
        return None
    try:
        return await eventually(check, within=within)
    except AssertionError:
        found = await _conversations(tenant)
        missing = {chat: found.get(chat) for chat in chats
                   if chat not in found or not ready(found[chat])}
        raise AssertionError(f"not ready: {missing}") from None


def _has_listing(conversation: dict[str, Any]) -> bool:
    listing = conversation["listing"] or {}
    return bool(listing.get("title"))


def _has_name(conversation: dict[str, Any]) -> bool:
    return bool(conversation["contact"]["name"])


async def _buyer(platform: RunningPlatform, shop: SandboxShop, item_id: int, text: str,
                 name: str | None = None) -> dict[str, Any]:
    """A new buyer (a new chat) writes about `item_id`."""
    extra: dict[str, Any] = {"item_id": item_id, "author_id": 500_000_000 + uuid.uuid4().int % 10**8}
    if name is not None:
        extra["author_name"] = name
    return await platform.buyer_writes(shop, text, **extra)


def _chat_lookups() -> float:
    return REGISTRY.get_sample_value("switchboard_avito_requests_total",
                                     {"endpoint": "get_chat", "status": "200"}) or 0.0


async def test_every_conversation_about_one_listing_shows_it(
        platform: RunningPlatform, seller: Tenant, other: Tenant, shop: SandboxShop) -> None:
    item = shop.account["items"][0]
    expected = {"external_id": str(item["id"]), "title": item["title"],
                "price_minor": item["price"] * 100, "url": item["url"]}

    # One after another: the second conversation is served from the listing cache.
    first = await _buyer(platform, shop, item["id"], "Велосипед ещё продаётся?")
    await _once_all(seller, [first["chat_id"]], _has_listing)
    second = await _buyer(platform, shop, item["id"], "А торг уместен?")
    # Several at once: new conversations while the listing is cached and being announced.
    together = await asyncio.gather(*(
        _buyer(platform, shop, item["id"], f"Покупатель {n}: доставка есть?") for n in range(5)))

    chats = [first["chat_id"], second["chat_id"], *(w["chat_id"] for w in together)]
    found = await _once_all(seller, chats, _has_listing)
    for chat, conversation in found.items():
        listing = conversation["listing"]
        assert {k: listing[k] for k in expected} == expected, chat
        assert listing["image_url"], chat
    assert await _conversations(other) == {}


async def test_every_live_chat_shows_its_buyer_name_looked_up_once(
        platform: RunningPlatform, bus: Bus, seller: Tenant, other: Tenant,
        shop: SandboxShop) -> None:
    items = shop.account["items"]
    names = ["Алексей", "Марина", "Григорий", "Ольга"]
    lookups_before = _chat_lookups()
    async with Recorder(bus, f"sb.conversations.{seller.tenant_id}.>") as recorded:
        # The first buyer's listing is fetched with the chat; the later ones come from the
        # cache, and their names still need the chat.
        first = await _buyer(platform, shop, items[1]["id"], "Диван какого цвета?", names[0])
        await _once_all(seller, [first["chat_id"]], _has_name)
        wrote = [first, *await asyncio.gather(*(
            _buyer(platform, shop, items[1]["id"], f"{name}: диван ещё есть?", name)
            for name in names[1:]))]
        chats = [w["chat_id"] for w in wrote]
        # Each buyer writes again: a chat is looked up once, not per message.
        await asyncio.gather(*(platform.buyer_writes(shop, "И ещё вопрос", chat_id=chat)
                               for chat in chats))

        def complete(conversation: dict[str, Any]) -> bool:
            return _has_name(conversation) and _has_listing(conversation) \
                and conversation["unread_count"] == 2
        found = await _once_all(seller, chats, complete)

        # The name's conversation.updated is committed with the row REST just read, but the
        # outbox relays it a moment later: keep recording until every chat's has arrived.
        async def all_named_updates_seen() -> bool:
            return all(_named_update(recorded.messages, w["chat_id"], name)
                       for w, name in zip(wrote, names, strict=True))
        await eventually(all_named_updates_seen, within=15)

    for w, name in zip(wrote, names, strict=True):
        contact = found[w["chat_id"]]["contact"]
        assert (contact["name"], contact["external_user_id"]) == (name, str(w["author_id"]))
        assert contact["name"] != SHOP_NAME
    assert _chat_lookups() - lookups_before == len(chats)

    # The message was stored (and announced) nameless first: the inbound path never waited
    # for Avito; the name followed as conversation.updated for live views.
    for w, name in zip(wrote, names, strict=True):
        timeline = [(subject.rsplit(".", 2)[-2:], event) for subject, event in
                    _events_of(recorded.messages, w["chat_id"])]
        first_received = next(e for (entity, kind), e in timeline if kind == "received")
        assert first_received.conversation.contact.name == ""
        assert _named_update(recorded.messages, w["chat_id"], name)
    assert await _conversations(other) == {}


def _named_update(messages: list[tuple[str, bytes]], chat_id: str, name: str) -> bool:
    """Was a conversation.updated carrying the buyer's name seen for this chat?"""
    return any(subject.endswith(".conversation.updated") and e.conversation.contact.name == name
               for subject, e in _events_of(messages, chat_id))


def _events_of(messages: list[tuple[str, bytes]], chat_id: str) -> list[tuple[str, Any]]:
    """(subject, payload) of the message.received and conversation.updated events of a chat,
    in the order they were seen."""
    out = []
    for subject, data in messages:
        if subject.endswith(".message.received"):
            event: Any = conv_ev.MessageReceived.FromString(data)
        elif subject.endswith(".conversation.updated"):
            event = conv_ev.ConversationUpdated.FromString(data)
        else:
            continue
        if event.conversation.external_chat_id == chat_id:
            out.append((subject, event))
    return out
