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
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request, Response

from switchboard.devstack.http import BackgroundServer
from switchboard.emulators.avito import AvitoEmulatorSettings, create_app
from switchboard.emulators.avito.schemas import AccountSpec

CHAT_ID = re.compile(r"^u2[iu]-[A-Za-z0-9~_]{22}$")
MESSAGE_ID = re.compile(r"^[0-9a-f]{32}$")
RFC3339_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


async def eventually(check: Callable[[], Awaitable[Any]], timeout: float = 5.0) -> Any:
    """Poll `check` until it returns something truthy; deliveries run in the background."""
    deadline = time.monotonic() + timeout
    while not (result := await check()):
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)
    return result


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
        response = await self.http.post(f"/_emulator/accounts/{seller.user_id}/incoming",
                                        json={"text": "Здравствуйте!", **body})
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


@pytest.fixture
async def start() -> AsyncIterator[Start]:
    async with contextlib.AsyncExitStack() as stack:

        async def _start(**settings: Any) -> Avito:
            app = create_app(AvitoEmulatorSettings(**settings))
            server = await stack.enter_async_context(BackgroundServer(app))
            http = httpx.AsyncClient(base_url=server.url, timeout=5)
            return Avito(await stack.enter_async_context(http))

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
    assert [user["id"] for user in chat["users"]][0] == seller.user_id
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

