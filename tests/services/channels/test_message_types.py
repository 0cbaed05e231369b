"""Inbound message types, from Avito's JSON to the stored message, and the client's honouring
of Avito's rate-limit headers.

Pure tests of the normalization per type; then every type written by an emulated buyer,
through the real webhook path (emulator -> gateway -> JetStream -> channels -> conversations),
read back over the public API; a buyer deleting a message; the X-RateLimit-* headers against
an emulator configured with low limits.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest
from prometheus_client import REGISTRY

from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from services.channels.avito.client import AvitoClient, RetryPolicy
from services.channels.avito.errors import AvitoUnavailable
from services.channels.avito.normalize import AccountRef, normalize_webhook
from services.channels.avito.ratelimit import EndpointLimits, TokenBucket
from switchboard.emulators.avito import AvitoEmulatorSettings, create_app
from switchboard.http_server import BackgroundServer
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant

SELLER, BUYER = 312345678, 487654321
ACCOUNT = AccountRef(channel_id=str(uuid.uuid4()), user_id=str(SELLER))


def delivery(msg_type: str, content: dict[str, Any], *, message_id: str = "m1",
             author_id: int = BUYER, **value: Any) -> bytes:
    return orjson.dumps({
        "id": str(uuid.uuid4()), "version": "v3.0.0", "timestamp": 1706865998,
        "payload": {"type": "message", "value": {
            "id": message_id, "chat_id": "u2i-chat", "user_id": SELLER, "author_id": author_id,
            "created": 1706865998, "type": msg_type, "chat_type": "u2i", "content": content,
            "item_id": 4012345678, **value}}})


def attachments(m: common.UnifiedMessage) -> list[dict[str, str]]:
    return [{f.name: v for f, v in a.ListFields()} for a in m.attachments]


# -- normalization, per type ------------------------------------------------------------

def test_image_keeps_every_size_in_raw_and_the_largest_as_url() -> None:
    sizes = {"32x32": "https://i/32.jpg", "1280x960": "https://i/1280.jpg",
             "140x105": "https://i/140.jpg", "640x480": "https://i/640.jpg"}
    m = normalize_webhook(ACCOUNT, delivery("image", {"image": {"sizes": sizes}}))
    assert (m.content_type, m.text) == ("image", "")
    assert attachments(m) == [{"kind": "image", "url": "https://i/1280.jpg"}]
    assert orjson.loads(m.raw)["content"]["image"]["sizes"] == sizes


def test_voice_stores_the_voice_id_and_no_url() -> None:
    m = normalize_webhook(ACCOUNT, delivery("voice", {"voice": {"voice_id": "v-1"}}))
    assert attachments(m) == [{"kind": "voice", "external_id": "v-1"}]


def test_link_item_location() -> None:
    link = normalize_webhook(ACCOUNT, delivery("link", {"link": {
        "text": "", "url": "https://ex.com/a", "preview": {"title": "Ex", "domain": "ex.com"}}}))
    assert link.text == "https://ex.com/a"
    assert attachments(link) == [{"kind": "link", "url": "https://ex.com/a", "title": "Ex"}]
    item = normalize_webhook(ACCOUNT, delivery("item", {"item": {
        "title": "Диван", "item_url": "https://avito.ru/1", "image_url": "https://i/1.jpg",
        "price_string": "15 000 ₽"}}))
    assert item.text == "Диван — 15 000 ₽"
    assert attachments(item) == [
        {"kind": "item", "url": "https://avito.ru/1", "title": "Диван"},
        {"kind": "image", "url": "https://i/1.jpg", "title": "Диван"}]
    place = normalize_webhook(ACCOUNT, delivery("location", {"location": {
        "kind": "street", "lat": 59.93, "lon": 30.31, "title": "Невский", "text": ""}}))
    assert place.text == "Невский"
    assert attachments(place) == [{"kind": "location", "url": "geo:59.93,30.31",
                                   "title": "Невский"}]


def test_call_system_and_the_types_avito_sends_empty() -> None:
    call = normalize_webhook(ACCOUNT, delivery("call", {"call": {"status": "missed",
                                                                 "target_user_id": SELLER}}))
    assert (call.text, attachments(call)) == ("", [{"kind": "call", "title": "missed"}])
    system = normalize_webhook(ACCOUNT, delivery(
        "system", {"flow_id": "seller_audience_discount", "text": "Скидка 5%"}, author_id=0))
    assert (system.text, system.external_user_id) == ("Скидка 5%", "")  # a bot, not a buyer
    assert attachments(system) == [{"kind": "system", "external_id": "seller_audience_discount"}]
    for kind in ("file", "video", "appCall"):
        m = normalize_webhook(ACCOUNT, delivery(kind, {}))
        assert (m.content_type, m.text, attachments(m)) == (kind, "", [{"kind": kind}])
    deleted = normalize_webhook(ACCOUNT, delivery("deleted", {}))
    assert (deleted.content_type, deleted.text, attachments(deleted)) == ("deleted", "", [])


def test_a_quote_names_the_quoted_message() -> None:
    m = normalize_webhook(ACCOUNT, delivery("text", {"text": "Да"}, quote={
        "id": "q-1", "author_id": SELLER, "created": 1, "type": "text",
        "content": {"text": "Берёте?"}}))
    assert m.quoted_external_message_id == "q-1"
    assert normalize_webhook(ACCOUNT, delivery("text", {"text": "x"})) \
        .quoted_external_message_id == ""


# -- every type through the real webhook path -------------------------------------------

@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Types seller")


@pytest.fixture
async def shop(platform: RunningPlatform, seller: Tenant) -> SandboxShop:
    return await platform.connect_sandbox_shop(seller)


async def stored(tenant: Tenant, chat_id: str, message_id: str,
                 check: Any = None) -> dict[str, Any]:
    """The stored message with this Avito id, once it is there (and `check(it)` holds)."""
    async def find() -> dict[str, Any] | None:
        conversations = (await tenant.http.get("/v1/conversations")).json()["items"]
        for conversation in conversations:
            if conversation["external_chat_id"] != chat_id:
                continue
            messages = (await tenant.http.get(
                f"/v1/conversations/{conversation['id']}/messages")).json()["items"]
            for message in messages:
                if message["external_message_id"] == message_id and (check is None
                                                                     or check(message)):
                    return message
        return None
    return await eventually(find, within=15)  # type: ignore[no-any-return]


def kinds(message: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [(a["kind"], a["url"], a["external_id"], a["title"]) for a in message["attachments"]]


async def test_every_type_lands_with_its_content(platform: RunningPlatform, seller: Tenant,
                                                 shop: SandboxShop) -> None:
    first = await platform.buyer_writes(shop, "Здравствуйте, диван ещё продаётся?")
    chat = first["chat_id"]

    async def write(**spec: Any) -> dict[str, Any]:
        sent = await platform.emulator.post(f"/_emulator/accounts/{shop.user_id}/incoming",
                                            json={"chat_id": chat, **spec})
        assert sent.status_code == 200, sent.text
        return await stored(seller, chat, sent.json()["message_id"])

    text = await stored(seller, chat, first["message_id"])
    assert (text["content_type"], text["text"]) == ("text", "Здравствуйте, диван ещё продаётся?")

    image = await write(type="image", image="https://img.example/photo.jpg")
    assert (image["content_type"], kinds(image)) == (
        "image", [("image", "https://img.example/photo.jpg", "", "")])
    voice = await write(type="voice", voice_id="voice-abc")
    assert kinds(voice) == [("voice", "", "voice-abc", "")]  # links expire: no URL stored
    link = await write(type="link", url="https://example.com/d", text="вот такой",
                       preview={"title": "Диваны", "domain": "example.com"})
    assert (link["text"], kinds(link)) == (
        "вот такой", [("link", "https://example.com/d", "", "Диваны")])
    item = await write(type="item")
    listing = shop.account["items"][0]
    assert item["text"].startswith(listing["title"] + " — ") and item["text"].endswith("₽")
    assert [k[0] for k in kinds(item)] == ["item", "image"]
    assert kinds(item)[0][1] == listing["url"]
    place = await write(type="location", location={"lat": 55.75, "lon": 37.62,
                                                   "title": "Тверская 1", "text": "Москва"})
    assert (place["text"], kinds(place)) == (
        "Москва", [("location", "geo:55.75,37.62", "", "Тверская 1")])
    call = await write(type="call", call_status="missed")
    assert (call["text"], kinds(call)) == ("", [("call", "", "", "missed")])
    for kind in ("file", "video", "appCall"):
        other = await write(type=kind)
        assert (other["content_type"], other["text"], kinds(other)) == (kind, "", [(kind, "", "", "")])
    system = await write(type="system", flow_id="seller_audience_discount", text="Скидка")
    assert (system["content_type"], system["text"]) == ("system", "Скидка")
    assert kinds(system) == [("system", "", "seller_audience_discount", "")]
    assert system["sender"] == "contact"
    conversation = (await seller.http.get(f"/v1/conversations/{text['conversation_id']}")).json()
    assert conversation["contact"]["external_user_id"] == str(first["author_id"])


async def webhook(platform: RunningPlatform, shop: SandboxShop, value: dict[str, Any]) -> None:
    """What Avito POSTs to the registered URL, for what the emulator's buyers cannot do."""
    url = shop.channel["webhook_url"]
    body = {"id": str(uuid.uuid4()), "version": "v3.0.0", "timestamp": int(time.time()),
            "payload": {"type": "message", "value": {
                "user_id": shop.user_id, "created": int(time.time()), "chat_type": "u2i",
                **value}}}
    async with httpx.AsyncClient(base_url=platform.gateway_url) as http:
        resp = await http.post(url[url.index("/webhooks/"):], json=body)
    assert resp.status_code == 200, resp.text


async def test_a_buyer_deleting_a_message_updates_the_stored_one(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop) -> None:
    written = await platform.buyer_writes(shop, "Отдадите за 10 тысяч?")
    chat, message_id = written["chat_id"], written["message_id"]
    original = await stored(seller, chat, message_id)
    await webhook(platform, shop, {"id": message_id, "chat_id": chat,
                                   "author_id": written["author_id"], "type": "deleted",
                                   "content": {}})
    deleted = await stored(seller, chat, message_id,
                           lambda m: m["content_type"] == "deleted")
    assert deleted["id"] == original["id"] and deleted["text"] == ""
    listed = (await seller.http.get(
        f"/v1/conversations/{original['conversation_id']}/messages")).json()["items"]
    assert [m["id"] for m in listed].count(original["id"]) == 1  # updated, not added


async def test_a_quote_links_the_quoted_message(platform: RunningPlatform, seller: Tenant,
                                                shop: SandboxShop) -> None:
    """The buyer quotes an earlier message in the emulator: its webhook carries `quote`, and the
    stored message points at the stored one it quotes."""
    asked = await platform.buyer_writes(shop, "Какой размер?")
    chat = asked["chat_id"]
    quoted = await stored(seller, chat, asked["message_id"])
    sent = await platform.emulator.post(f"/_emulator/accounts/{shop.user_id}/incoming", json={
        "chat_id": chat, "text": "Вот про это", "quote_id": asked["message_id"]})
    assert sent.status_code == 200, sent.text
    reply = await stored(seller, chat, sent.json()["message_id"])
    assert (reply["text"], reply["quoted_message_id"]) == ("Вот про это", quoted["id"])


# -- rate-limit headers, against an emulator with low limits ----------------------------

@pytest.fixture
async def limited_avito() -> AsyncIterator[tuple[str, httpx.AsyncClient]]:
    settings = AvitoEmulatorSettings(rate_limits={"send": 3, "read": 30})
    async with BackgroundServer(create_app(settings)) as server, \
            httpx.AsyncClient(base_url=server.url, timeout=10) as control:
        yield server.url, control


async def limited_client(url: str, control: httpx.AsyncClient,
                         http: httpx.AsyncClient) -> tuple[AvitoClient, int, str]:
    account = (await control.post("/_emulator/accounts", json={
        "items": [{"title": "Стол", "price": 5000}]})).raise_for_status().json()
    chat = (await control.post(f"/_emulator/accounts/{account['user_id']}/incoming",
                               json={"text": "Добрый день"})).raise_for_status().json()
    client = AvitoClient(http, base_url=url, client_id=account["client_id"],
                         client_secret=account["client_secret"],
                         policy=RetryPolicy(max_attempts=3, backoff_base_s=0.01,
                                            backoff_max_s=0.05, retry_after_max_s=5),
                         bucket=TokenBucket(100, 100))
    return client, account["user_id"], chat["chat_id"]


def too_many() -> float:
    return REGISTRY.get_sample_value("switchboard_avito_requests_total",
                                     {"endpoint": "send_text", "status": "429"}) or 0.0


async def test_remaining_zero_pauses_the_endpoint_instead_of_hitting_429(
        limited_avito: tuple[str, httpx.AsyncClient]) -> None:
    url, control = limited_avito
    async with httpx.AsyncClient(timeout=5) as http:
        client, user_id, chat = await limited_client(url, control, http)
        refused_before = too_many()
        for n in range(3):
            await client.send_text(user_id, chat, f"ответ {n}")  # the third leaves 0
        started = time.monotonic()
        with pytest.raises(AvitoUnavailable) as paused:
            await client.send_text(user_id, chat, "четвёртый")
        assert time.monotonic() - started < 1  # not waited for: handed back with a delay
        assert paused.value.status == 429
        assert 55 <= (paused.value.retry_after_s or 0) <= 60  # a whole window, no Retry-After
        assert too_many() == refused_before  # Avito was not even asked
        sent = (await control.get(f"/_emulator/accounts/{user_id}/sent")).json()["sent"]
        assert [s["text"] for s in sent] == ["ответ 0", "ответ 1", "ответ 2"]
        await client.mark_read(user_id, chat)  # other endpoints are not paused


async def test_a_lower_limit_slows_the_endpoint_down_never_up(
        limited_avito: tuple[str, httpx.AsyncClient]) -> None:
    url, control = limited_avito
    async with httpx.AsyncClient(timeout=5) as http:
        client, user_id, chat = await limited_client(url, control, http)
        await client.mark_read(user_id, chat)  # learns: 30 a minute, i.e. one per 2 s
        started = time.monotonic()
        await client.mark_read(user_id, chat)  # the endpoint's single token
        await client.mark_read(user_id, chat)  # waits for the next one
        assert 1.5 <= time.monotonic() - started < 4


async def test_limits_follow_the_headers_within_the_configured_ceiling() -> None:
    now = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limits = EndpointLimits(5.0, clock=lambda: now[0], sleep=sleep)
    limits.observe("items", "25", "20", None)
    assert limits.rate("items") == pytest.approx(25 / 60)
    limits.observe("items", "6000", "5999", None)  # above the configured 5/s: back to 5/s
    assert limits.rate("items") == 5.0
    limits.observe("send", None, "0", 7.0)  # Retry-After says when the window resets
    await limits.acquire("send", max_wait_s=30)
    assert slept == [7.0]
    limits.observe("send", None, "0", None)
    with pytest.raises(Exception, match="used up for 60 s"):
        await limits.acquire("send", max_wait_s=30)
