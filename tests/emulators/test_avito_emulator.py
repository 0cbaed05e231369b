"""The Avito emulator over real HTTP, with a second server capturing its webhook deliveries."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request, Response

from switchboard.devstack.http import BackgroundServer
from switchboard.emulators.avito import AvitoEmulatorSettings, create_app, persistence
from switchboard.emulators.avito.schemas import AccountSpec

CHAT_ID = re.compile(r"^u2[iu]-[A-Za-z0-9~_]{22}$")
MESSAGE_ID = re.compile(r"^[0-9a-f]{32}$")
RFC3339_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


async def eventually(check: Callable[[], Awaitable[Any]]) -> Any:
    """Poll `check` until it returns something truthy; deliveries run in the background."""
    async with asyncio.timeout(5):
        while True:
            if result := await check():
                return result
            await asyncio.sleep(0.01)


@dataclass
class Receiver:
    """A webhook endpoint: records every POST, answers with queued statuses, then 200."""

    url: str = ""
    calls: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/hook")
        async def hook(request: Request) -> Response:
            self.calls.append((dict(request.headers), await request.body()))
            return Response(status_code=self.statuses.pop(0) if self.statuses else 200)

        return app

    async def wait(self, count: int) -> list[tuple[dict[str, str], bytes]]:
        async def arrived() -> list[tuple[dict[str, str], bytes]] | None:
            return self.calls if len(self.calls) >= count else None

        return await eventually(arrived)

    async def bodies(self, count: int) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in await self.wait(count)]


@dataclass
class Seller:
    user_id: int
    account: dict[str, Any]
    headers: dict[str, str]

    def chats_path(self, suffix: str = "") -> str:
        return f"/messenger/v2/accounts/{self.user_id}/chats{suffix}"

    def send_path(self, chat_id: str) -> str:
        return f"/messenger/v1/accounts/{self.user_id}/chats/{chat_id}/messages"

    def messages_path(self, chat_id: str) -> str:
        return f"/messenger/v3/accounts/{self.user_id}/chats/{chat_id}/messages/"


@dataclass
class Avito:
    http: httpx.AsyncClient

    async def account(self, **spec: Any) -> dict[str, Any]:
        response = await self.http.post("/_emulator/accounts", json=spec)
        assert response.status_code == 200, response.text
        return response.json()

    async def token(self, account: dict[str, Any]) -> str:
        response = await self.http.post("/token", data=credentials(account))
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    async def seller(self, **spec: Any) -> Seller:
        account = await self.account(**spec)
        token = await self.token(account)
        return Seller(account["user_id"], account, {"Authorization": f"Bearer {token}"})

    async def incoming(self, seller: Seller, **body: Any) -> dict[str, Any]:
        if "image" not in body:
            body.setdefault("text", "Здравствуйте!")
        response = await self.http.post(f"/_emulator/accounts/{seller.user_id}/incoming",
                                        json=body)
        assert response.status_code == 200, response.text
        return response.json()

    async def subscribe(self, seller: Seller, url: str) -> None:
        response = await self.http.post("/messenger/v3/webhook", json={"url": url},
                                        headers=seller.headers)
        assert response.json() == {"ok": True}

    async def control(self, path: str) -> Any:
        response = await self.http.get(f"/_emulator{path}")
        assert response.status_code == 200, response.text
        return response.json()

    async def settled_deliveries(self, count: int) -> list[dict[str, Any]]:
        """The deliveries log once `count` deliveries have finished (delivered or failed)."""

        async def settled() -> list[dict[str, Any]] | None:
            log = (await self.control("/deliveries"))["deliveries"]
            done = [record for record in log if record["state"] != "pending"]
            return log if len(done) >= count else None

        return await eventually(settled)

    async def advance(self, seconds: float) -> None:
        await self.http.post("/_emulator/clock", json={"advance_seconds": seconds})


def credentials(account: dict[str, Any], secret: str | None = None) -> dict[str, str]:
    return {"grant_type": "client_credentials", "client_id": account["client_id"],
            "client_secret": secret or account["client_secret"]}


ITEMS = [{"title": "Mazda 3 2008", "price": 300000}, {"title": "Диван", "price": 15000}]
Start = Callable[..., Awaitable[Avito]]


@contextlib.asynccontextmanager
async def serving(**settings: Any) -> AsyncIterator[Avito]:
    """An emulator from startup to shutdown (lifespan included)."""
    async with BackgroundServer(create_app(AvitoEmulatorSettings(**settings))) as server, \
            httpx.AsyncClient(base_url=server.url, timeout=5) as http:
        yield Avito(http)


@pytest.fixture
async def start() -> AsyncIterator[Start]:
    async with contextlib.AsyncExitStack() as stack:

        async def _start(**settings: Any) -> Avito:
            return await stack.enter_async_context(serving(**settings))

        yield _start


@pytest.fixture
async def avito(start: Start) -> Avito:
    return await start(seed=7)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    async with BackgroundServer(receiver.app()) as server:
        receiver.url = f"{server.url}/hook"
        yield receiver


async def test_token_is_issued_on_both_paths(avito: Avito) -> None:
    account = await avito.account()
    for path in ("/token", "/token/"):
        response = await avito.http.post(path, data=credentials(account))
        assert response.status_code == 200
        body = response.json()
        assert body["token_type"] == "Bearer" and body["expires_in"] == 86400
        assert body["access_token"]
        assert response.headers["x-ratelimit-limit"] == "600"


async def test_token_rejects_bad_secret_and_other_grants(avito: Avito) -> None:
    account = await avito.account()
    bad = await avito.http.post("/token", data=credentials(account, secret="wrong"))
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_client"
    grant = await avito.http.post("/token", data={**credentials(account), "grant_type": "password"})
    assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"


async def test_missing_or_garbage_token_is_401(avito: Avito) -> None:
    for headers in ({}, {"Authorization": "Bearer garbage"}, {"Authorization": "Basic eDp5"}):
        response = await avito.http.get("/core/v1/accounts/self", headers=headers)
        assert response.status_code == 401
        assert response.json() == {"error": {"code": 401, "message": "Unauthorized"}}


async def test_expired_token_is_403_and_a_new_one_works(avito: Avito) -> None:
    seller = await avito.seller()
    assert (await avito.http.get("/core/v1/accounts/self", headers=seller.headers)).is_success
    await avito.advance(86400)
    expired = await avito.http.get("/core/v1/accounts/self", headers=seller.headers)
    assert expired.status_code == 403
    assert expired.json() == {"error": {"code": 403, "message": "Forbidden"}}
    fresh = {"Authorization": f"Bearer {await avito.token(seller.account)}"}
    assert (await avito.http.get("/core/v1/accounts/self", headers=fresh)).is_success


async def test_expired_token_status_is_configurable(start: Start) -> None:
    avito = await start(expired_token_status=401, token_ttl_s=60)
    seller = await avito.seller()
    await avito.advance(61)
    response = await avito.http.get(seller.chats_path(), headers=seller.headers)
    assert response.status_code == 401


async def test_other_accounts_user_id_is_403(avito: Avito) -> None:
    mine, theirs = await avito.seller(), await avito.seller()
    response = await avito.http.get(theirs.chats_path(), headers=mine.headers)
    assert response.status_code == 403


async def test_accounts_self(avito: Avito) -> None:
    seller = await avito.seller(name="Автосалон")
    body = (await avito.http.get("/core/v1/accounts/self", headers=seller.headers)).json()
    assert body["id"] == seller.user_id and body["name"] == "Автосалон"
    assert body["phones"] == [body["phone"]] and body["email"]
    assert body["profile_url"].startswith("https://avito.ru/user/")


async def test_chats_default_to_item_chats_only(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    item_chat = (await avito.incoming(seller))["chat_id"]
    profile_chat = "u2u-" + "A" * 22
    await avito.incoming(seller, chat_id=profile_chat)

    async def chat_ids(params: Any) -> set[str]:
        response = await avito.http.get(seller.chats_path(), params=params, headers=seller.headers)
        assert response.status_code == 200, response.text
        return {chat["id"] for chat in response.json()["chats"]}

    assert await chat_ids({}) == {item_chat}
    assert await chat_ids({"chat_types": "u2i,u2u"}) == {item_chat, profile_chat}
    assert await chat_ids([("chat_types", "u2i"), ("chat_types", "u2u")]) == {item_chat,
                                                                              profile_chat}
    assert await chat_ids({"chat_types": "u2u"}) == {profile_chat}
    bogus = await avito.http.get(seller.chats_path(), params={"chat_types": "x2y"},
                                 headers=seller.headers)
    assert bogus.status_code == 400 and "chat_types" in bogus.json()["error"]["fields"]


async def test_chats_limit_and_offset_are_validated(avito: Avito) -> None:
    seller = await avito.seller()
    for params in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"offset": 1001}):
        response = await avito.http.get(seller.chats_path(), params=params, headers=seller.headers)
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == 400 and error["message"] == "Validation error"
        assert set(error["fields"]) == set(params)
    edge = await avito.http.get(seller.chats_path(), params={"limit": 100, "offset": 1000},
                                headers=seller.headers)
    assert edge.json() == {"chats": [], "meta": {"has_more": False}}


async def test_chats_page_newest_first_with_has_more(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    created = [(await avito.incoming(seller))["chat_id"] for _ in range(5)]
    await avito.incoming(seller, chat_id=created[0], text="ещё вопрос")
    expected = [created[0], *reversed(created[1:])]
    seen, offset, has_more = [], 0, True
    while has_more:
        page = (await avito.http.get(seller.chats_path(), params={"limit": 2, "offset": offset},
                                     headers=seller.headers)).json()
        seen += [chat["id"] for chat in page["chats"]]
        has_more, offset = page["meta"]["has_more"], offset + 2
    assert seen == expected
    assert all(CHAT_ID.match(chat_id) for chat_id in seen)


async def test_chat_shape_item_filter_and_404(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    first, second = (item["id"] for item in seller.account["items"])
    chat_id = (await avito.incoming(seller, item_id=second, author_name="Иван"))["chat_id"]
    await avito.incoming(seller, item_id=first)
    chat = (await avito.http.get(seller.chats_path(f"/{chat_id}"), headers=seller.headers)).json()
    assert chat["context"]["type"] == "item"
    assert chat["context"]["value"]["id"] == second
    assert chat["context"]["value"]["price_string"] == "15 000 ₽"
    assert chat["users"][0]["id"] == seller.user_id
    assert chat["users"][1]["name"] == "Иван"
    assert chat["last_message"]["direction"] == "in"
    filtered = (await avito.http.get(seller.chats_path(), params={"item_ids": str(second)},
                                     headers=seller.headers)).json()
    assert [c["id"] for c in filtered["chats"]] == [chat_id]
    missing = await avito.http.get(seller.chats_path("/u2i-unknown"), headers=seller.headers)
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": 404, "message": "Not found"}}


async def test_incoming_delivers_signed_v3_webhook(avito: Avito, receiver: Receiver) -> None:
    seller = await avito.seller(items=ITEMS)
    await avito.subscribe(seller, receiver.url)
    sent = await avito.incoming(seller, text="планируется поставка?")
    [(headers, raw)] = await receiver.wait(1)
    expected = hmac.new(seller.account["client_secret"].encode(), raw, hashlib.sha256).hexdigest()
    assert headers["x-avito-messenger-signature"] == expected
    assert headers["content-type"] == "application/json"
    envelope = json.loads(raw)
    assert envelope["id"] in sent["delivery_ids"] and uuid.UUID(envelope["id"]).version == 4
    assert envelope["version"] == "v3.0.0" and isinstance(envelope["timestamp"], int)
    assert envelope["payload"]["type"] == "message"
    value = envelope["payload"]["value"]
    assert MESSAGE_ID.match(value["id"]) and value["id"] == sent["message_id"]
    assert value["chat_id"] == sent["chat_id"] and value["chat_type"] == "u2i"
    assert value["user_id"] == seller.user_id and value["author_id"] == sent["author_id"]
    assert value["item_id"] == seller.account["items"][0]["id"]
    assert value["type"] == "text" and value["content"] == {"text": "планируется поставка?"}
    assert RFC3339_Z.match(value["published_at"]) and value["read"] is None
    [record] = await avito.settled_deliveries(1)
    assert record["state"] == "delivered" and record["status_code"] == 200

    assert record["attempts"] == 1 and record["url"] == receiver.url


async def test_send_is_logged_and_echoed(avito: Avito, receiver: Receiver) -> None:
    seller = await avito.seller(items=ITEMS)
    await avito.subscribe(seller, receiver.url)
    chat_id = (await avito.incoming(seller))["chat_id"]
    await receiver.wait(1)
    response = await avito.http.post(seller.send_path(chat_id), headers=seller.headers,
                                     json={"message": {"text": "Да, в наличии"}, "type": "text"})
    assert response.status_code == 200
    message = response.json()
    assert set(message) == {"id", "created", "direction", "type", "content"}
    assert message["direction"] == "out" and message["content"] == {"text": "Да, в наличии"}
    sent = (await avito.control(f"/accounts/{seller.user_id}/sent"))["sent"]
    assert sent == [{"chat_id": chat_id, "message_id": message["id"], "text": "Да, в наличии",
                     "created": message["created"]}]
    echo = (await receiver.bodies(2))[1]["payload"]["value"]
    assert echo["author_id"] == echo["user_id"] == seller.user_id
    assert echo["id"] == message["id"] and echo["chat_id"] == chat_id


async def test_send_validates_text_and_chat(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    chat_id = (await avito.incoming(seller))["chat_id"]
    for text in ("x" * 1001, ""):
        response = await avito.http.post(seller.send_path(chat_id), headers=seller.headers,
                                         json={"message": {"text": text}, "type": "text"})
        assert response.status_code == 400
        assert "message.text" in response.json()["error"]["fields"]
    longest = await avito.http.post(seller.send_path(chat_id), headers=seller.headers,
                                    json={"message": {"text": "x" * 1000}, "type": "text"})
    assert longest.status_code == 200
    unknown = await avito.http.post(seller.send_path("u2i-nope"), headers=seller.headers,
                                    json={"message": {"text": "hi"}, "type": "text"})
    assert unknown.status_code == 404
    assert len((await avito.control(f"/accounts/{seller.user_id}/sent"))["sent"]) == 1


async def test_messages_newest_first_on_both_paths_without_marking_read(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    chat_id = (await avito.incoming(seller, text="один"))["chat_id"]
    await avito.incoming(seller, chat_id=chat_id, image="https://img.example/1.jpg")
    await avito.http.post(seller.send_path(chat_id), headers=seller.headers,
                          json={"message": {"text": "три"}, "type": "text"})
    path = seller.messages_path(chat_id)
    with_slash = (await avito.http.get(path, headers=seller.headers)).json()["messages"]
    without = (await avito.http.get(path.rstrip("/"), headers=seller.headers)).json()["messages"]
    assert with_slash == without
    assert [m["type"] for m in with_slash] == ["text", "image", "text"]
    assert [m["direction"] for m in with_slash] == ["out", "in", "in"]
    assert with_slash[0]["content"] == {"text": "три"} and with_slash[0]["is_read"] is True
    assert with_slash[1]["content"]["image"]["sizes"]["640x480"] == "https://img.example/1.jpg"
    assert not with_slash[2]["is_read"] and with_slash[2]["read"] is None
    page = (await avito.http.get(path, params={"limit": 1, "offset": 1},
                                 headers=seller.headers)).json()["messages"]
    assert [m["id"] for m in page] == [with_slash[1]["id"]]
    assert (await avito.control(f"/accounts/{seller.user_id}/chats/{chat_id}"))["unread"]


async def test_read_marks_incoming_messages_read(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    read_id = (await avito.incoming(seller))["chat_id"]
    await avito.incoming(seller, chat_id=read_id, text="алло?")
    unread_id = (await avito.incoming(seller))["chat_id"]
    read_path = f"/messenger/v1/accounts/{seller.user_id}/chats/{read_id}/read"
    response = await avito.http.post(read_path, headers=seller.headers)
    assert response.json() == {"ok": True}
    messages = (await avito.http.get(seller.messages_path(read_id),
                                     headers=seller.headers)).json()["messages"]
    assert [m["is_read"] for m in messages] == [True, True]
    chat = await avito.control(f"/accounts/{seller.user_id}/chats/{read_id}")
    assert not chat["unread"] and len(chat["read_events"]) == 1
    assert all(m["read_at"] is not None for m in chat["messages"])
    unread = (await avito.http.get(seller.chats_path(), params={"unread_only": "true"},
                                   headers=seller.headers)).json()
    assert [c["id"] for c in unread["chats"]] == [unread_id]


async def test_webhook_subscriptions_per_account(avito: Avito) -> None:
    seller, other = await avito.seller(), await avito.seller()
    first, second = "https://hooks.example/a/s3cr3t", "https://hooks.example/b"
    for url in (first, first, second):
        await avito.subscribe(seller, url)

    async def listed(who: Seller) -> list[dict[str, str]]:
        response = await avito.http.post("/messenger/v1/subscriptions", headers=who.headers)
        return response.json()["subscriptions"]

    assert await listed(seller) == [{"url": first, "version": "3"}, {"url": second, "version": "3"}]
    assert await listed(other) == []
    gone = await avito.http.post("/messenger/v1/webhook/unsubscribe", json={"url": first},
                                 headers=seller.headers)
    assert gone.json() == {"ok": True}
    assert await listed(seller) == [{"url": second, "version": "3"}]
    bad = await avito.http.post("/messenger/v3/webhook", json={"url": "ftp://x"},
                                headers=seller.headers)
    assert bad.status_code == 400


async def test_fault_429_then_recovery(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    chat_id = (await avito.incoming(seller))["chat_id"]
    await avito.http.post("/_emulator/faults", json={"endpoint": "send", "status": 429, "count": 2})
    body = {"message": {"text": "hi"}, "type": "text"}
    for _ in range(2):
        response = await avito.http.post(seller.send_path(chat_id), json=body,
                                         headers=seller.headers)
        assert response.status_code == 429 and response.headers["retry-after"] == "1"
        assert response.json() == {"error": {"code": 429, "message": "Too many requests"}}
        assert response.headers["x-ratelimit-remaining"] == "0"
    assert (await avito.http.post(seller.send_path(chat_id), json=body,
                                  headers=seller.headers)).status_code == 200
    assert (await avito.control("/faults"))["armed"] == []


async def test_fault_5xx_with_latency_and_clearing(avito: Avito) -> None:
    account = await avito.account()
    await avito.http.post("/_emulator/faults",
                          json={"endpoint": "token", "status": 503, "latency_ms": 50})
    started = time.monotonic()
    failed = await avito.http.post("/token", data=credentials(account))
    assert failed.status_code == 503 and time.monotonic() - started >= 0.05
    assert failed.json()["error"]["code"] == 503
    assert (await avito.http.post("/token", data=credentials(account))).is_success
    await avito.http.post("/_emulator/faults", json={"endpoint": "token", "status": 500})
    cleared = await avito.http.delete("/_emulator/faults")
    assert cleared.json()["armed"] == []
    assert (await avito.http.post("/token", data=credentials(account))).is_success
    invalid = await avito.http.post("/_emulator/faults", json={"endpoint": "token"})
    assert invalid.status_code == 422


async def test_duplicate_webhooks_share_the_delivery_id(avito: Avito, receiver: Receiver) -> None:
    seller = await avito.seller(items=ITEMS)
    await avito.subscribe(seller, receiver.url)
    await avito.http.post("/_emulator/faults", json={"duplicate_webhooks": True})
    sent = await avito.incoming(seller)
    first, second = await receiver.bodies(2)
    assert first == second and first["id"] == sent["delivery_ids"][0]
    log = await avito.settled_deliveries(2)
    assert sorted(record["duplicate"] for record in log) == [False, True]


async def test_failed_deliveries_are_retried_and_logged(start: Start, receiver: Receiver) -> None:
    avito = await start(webhook_retries=2, webhook_backoff_s=0.01)
    seller = await avito.seller(items=ITEMS)
    await avito.subscribe(seller, receiver.url)
    await avito.subscribe(seller, "http://127.0.0.1:9/unreachable")
    receiver.statuses = [500, 503]
    await avito.incoming(seller)
    log = {record["url"]: record for record in await avito.settled_deliveries(2)}
    assert log[receiver.url]["state"] == "delivered" and log[receiver.url]["attempts"] == 3
    assert len(receiver.calls) == 3
    dead = log["http://127.0.0.1:9/unreachable"]
    assert dead["state"] == "failed" and dead["attempts"] == 3
    assert dead["status_code"] is None and dead["error"]


async def test_rate_limit_window(start: Start) -> None:
    avito = await start(rate_limits={"self": 2})
    seller = await avito.seller()
    remaining = []
    for _ in range(2):
        response = await avito.http.get("/core/v1/accounts/self", headers=seller.headers)
        remaining.append(response.headers["x-ratelimit-remaining"])
    assert remaining == ["1", "0"]
    limited = await avito.http.get("/core/v1/accounts/self", headers=seller.headers)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert limited.json() == {"error": {"code": 429, "message": "Too many requests"}}
    await avito.advance(60)
    assert (await avito.http.get("/core/v1/accounts/self", headers=seller.headers)).is_success


async def test_control_accounts_and_incoming_errors(start: Start) -> None:
    seeded = AccountSpec(user_id=111222333, client_id="cid", client_secret="secret")
    avito = await start(accounts=[seeded])
    assert await avito.token({"client_id": "cid", "client_secret": "secret"})
    made = await avito.account(name="Ателье", client_secret="s2", items=ITEMS[:1])
    assert made["name"] == "Ателье" and made["client_secret"] == "s2"
    assert len(str(made["items"][0]["id"])) == 10
    listed = (await avito.control("/accounts"))["accounts"]
    assert [a["user_id"] for a in listed] == [111222333, made["user_id"]]
    duplicate = await avito.http.post("/_emulator/accounts", json={"user_id": 111222333})
    assert duplicate.status_code == 409
    incoming = "/_emulator/accounts/{}/incoming"
    cases = [(999, {"text": "hi"}, 404), (111222333, {}, 422),
             (111222333, {"text": "a", "image": "https://x/y.jpg"}, 422),
             (made["user_id"], {"text": "hi", "item_id": 1}, 404)]
    for user_id, body, status in cases:
        response = await avito.http.post(incoming.format(user_id), json=body)
        assert response.status_code == status, (body, response.text)


async def test_buyer_without_items_opens_profile_chat_and_is_reused(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    first = await avito.incoming(seller, author_id=555000111)
    again = await avito.incoming(seller, author_id=555000111, text="и ещё")
    assert again["chat_id"] == first["chat_id"] and again["author_id"] == 555000111
    plain = await avito.seller()
    chat_id = (await avito.incoming(plain))["chat_id"]
    assert chat_id.startswith("u2u-")


async def test_chatter_writes_to_sellers(start: Start, receiver: Receiver) -> None:
    avito = await start(chatter_interval_s=0.02, seed=3)
    seller = await avito.seller(items=ITEMS)
    await avito.subscribe(seller, receiver.url)
    value = (await receiver.bodies(1))[0]["payload"]["value"]
    assert value["user_id"] == seller.user_id and value["author_id"] != seller.user_id
    assert re.search("[а-яА-Я]", value["content"]["text"])


async def test_sandbox_survives_a_restart(tmp_path: Path, receiver: Receiver) -> None:
    path = tmp_path / "avito.json"
    async with serving(state_file=path, seed=7) as avito:
        seller = await avito.seller(items=ITEMS)
        await avito.subscribe(seller, receiver.url)
        chat_id = (await avito.incoming(seller, text="Ещё продаётся?"))["chat_id"]
        await avito.http.post(f"/messenger/v1/accounts/{seller.user_id}/chats/{chat_id}/read",
                              headers=seller.headers)
        await avito.incoming(seller, chat_id=chat_id, text="алло?")
        sent = await avito.http.post(seller.send_path(chat_id), headers=seller.headers,
                                     json={"message": {"text": "Да"}, "type": "text"})
        assert sent.status_code == 200
        chat = await avito.control(f"/accounts/{seller.user_id}/chats/{chat_id}")
        sent_log = await avito.control(f"/accounts/{seller.user_id}/sent")
        messages = (await avito.http.get(seller.messages_path(chat_id),
                                         headers=seller.headers)).json()
    assert json.loads(path.read_text())["version"] == 1

    async with serving(state_file=path, seed=7) as avito:
        old_token = await avito.http.get(seller.chats_path(), headers=seller.headers)
        assert old_token.status_code == 401
        headers = {"Authorization": f"Bearer {await avito.token(seller.account)}"}
        chats = (await avito.http.get(seller.chats_path(), headers=headers)).json()["chats"]
        assert [c["id"] for c in chats] == [chat_id]
        assert (await avito.http.get(seller.messages_path(chat_id),
                                     headers=headers)).json() == messages
        assert await avito.control(f"/accounts/{seller.user_id}/chats/{chat_id}") == chat
        assert [m["is_read"] for m in messages["messages"]] == [True, False, True]
        subscriptions = await avito.http.post("/messenger/v1/subscriptions", headers=headers)
        assert subscriptions.json()["subscriptions"] == [{"url": receiver.url, "version": "3"}]
        assert await avito.control(f"/accounts/{seller.user_id}/sent") == sent_log
        # The same seed continues where it left off rather than re-issuing the same ids.
        assert (await avito.account())["client_id"] != seller.account["client_id"]
        again = await avito.incoming(seller, item_id=seller.account["items"][1]["id"])
        assert again["chat_id"] != chat_id


async def test_changes_are_saved_while_running(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(persistence, "SAVE_INTERVAL_S", 0.02)
    path = tmp_path / "state" / "avito.json"
    async with serving(state_file=path) as avito:
        account = await avito.account(client_id="cid", client_secret="secret")

        async def saved() -> bool:
            return path.exists() and "cid" in path.read_text()

        await eventually(saved)
        # As if the first one had been killed: a second emulator starts from the saved file.
        async with serving(state_file=path) as restarted:
            assert await restarted.token(account)
    assert list(path.parent.iterdir()) == [path]


@pytest.mark.parametrize("content", ["{not json", '{"version": 99, "accounts": []}'])
async def test_unreadable_state_file_is_set_aside(tmp_path: Path, content: str,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "avito.json"
    path.write_text(content)
    async with serving(state_file=path) as avito:
        assert (await avito.control("/accounts"))["accounts"] == []
        assert str(path) in caplog.text
        assert path.read_text() == content
        account = await avito.account()
    assert (tmp_path / "avito.json.corrupt").read_text() == content
    async with serving(state_file=path) as avito:
        assert [a["user_id"] for a in (await avito.control("/accounts"))["accounts"]] == [
            account["user_id"]]
