"""Drives the Avito emulator over real HTTP, with a second server capturing its webhooks."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import struct
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI, Request, Response

from switchboard.emulators.avito import AvitoEmulatorSettings, create_app
from switchboard.emulators.avito.emulator import Emulator
from switchboard.http_server import BackgroundServer

CHAT_ID = re.compile(r"^u2[iu]-[A-Za-z0-9~_]{22}$")
MESSAGE_ID = re.compile(r"^[0-9a-f]{32}$")
RFC3339_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
ITEMS = [{"title": "Mazda 3 2008", "price": 300000}, {"title": "Диван", "price": 15000}]
TEXT = {"message": {"text": "Да, в наличии"}, "type": "text"}


async def eventually(check: Callable[[], Awaitable[Any]], within_s: float = 5) -> Any:
    """Poll `check` until it returns something truthy; deliveries run in the background."""
    async with asyncio.timeout(within_s):
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

    async def values(self, count: int) -> list[dict[str, Any]]:
        """`payload.value` of the first `count` deliveries, in arrival order."""
        return [body["payload"]["value"] for body in await self.bodies(count)]


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

    def v1(self, suffix: str) -> str:
        return f"/messenger/v1/accounts/{self.user_id}{suffix}"

    @property
    def item_ids(self) -> list[int]:
        return [item["id"] for item in self.account["items"]]


@dataclass
class Avito:
    http: httpx.AsyncClient
    emulator: Emulator

    async def account(self, **spec: Any) -> dict[str, Any]:
        return await self.ok("POST", "/_emulator/accounts", json=spec)

    async def token(self, account: dict[str, Any]) -> str:
        response = await self.http.post("/token", data=credentials(account))
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    async def seller(self, **spec: Any) -> Seller:
        account = await self.account(**spec)
        token = await self.token(account)
        return Seller(account["user_id"], account, bearer(token))

    async def incoming(self, seller: Seller, **body: Any) -> dict[str, Any]:
        if "image" not in body and "type" not in body:
            body.setdefault("text", "Здравствуйте!")
        return await self.ok("POST", f"/_emulator/accounts/{seller.user_id}/incoming", json=body)

    async def subscribe(self, seller: Seller, url: str) -> None:
        response = await self.http.post("/messenger/v3/webhook", json={"url": url},
                                        headers=seller.headers)
        assert response.json() == {"ok": True}

    async def control(self, path: str) -> Any:
        return await self.ok("GET", f"/_emulator{path}")

    async def fault(self, **spec: Any) -> dict[str, Any]:
        return await self.ok("POST", "/_emulator/faults", json=spec)

    async def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.http.request(method, path, **kwargs)
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


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


Start = Callable[..., Awaitable[Avito]]


@contextlib.asynccontextmanager
async def serving(**settings: Any) -> AsyncIterator[Avito]:
    """An emulator from startup to shutdown (lifespan included)."""
    app = create_app(AvitoEmulatorSettings(**settings))
    async with BackgroundServer(app) as server, \
            httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        yield Avito(http, app.state.emulator)


def png(width: int = 1, height: int = 1) -> bytes:
    """A real, tiny PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


def endpoint_calls(seller: Seller, chat_id: str, message_id: str,
                   item_id: int) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """One well-formed request per emulated endpoint name (method, path, httpx kwargs)."""
    chat = f"/chats/{chat_id}"
    hook = {"json": {"url": "https://hooks.example/x"}}
    return {
        "token": ("POST", "/token", {"data": credentials(seller.account)}),
        "oauth": ("GET", "/oauth", {"params": {"client_id": "nope"}}),
        "self": ("GET", "/core/v1/accounts/self", {}),
        "balance": ("GET", f"/core/v1/accounts/{seller.user_id}/balance/", {}),
        "items": ("GET", "/core/v1/items", {}),
        "item": ("GET", f"/core/v1/accounts/{seller.user_id}/items/{item_id}/", {}),
        "chats": ("GET", seller.chats_path(), {}),
        "chat": ("GET", seller.chats_path(f"/{chat_id}"), {}),
        "messages": ("GET", seller.messages_path(chat_id), {}),
        "send": ("POST", seller.send_path(chat_id), {"json": TEXT}),
        "send_image": ("POST", seller.v1(chat + "/messages/image"),
                       {"json": {"image_id": "1.x"}}),
        "upload_images": ("POST", seller.v1("/uploadImages"),
                          {"files": {"uploadfile[]": ("a.png", png(), "image/png")}}),
        "delete_message": ("POST", seller.v1(f"{chat}/messages/{message_id}"), {}),
        "read": ("POST", seller.v1(chat + "/read"), {}),
        "voice_files": ("GET", seller.v1("/getVoiceFiles"), {"params": {"voice_ids": "v"}}),
        "blacklist": ("POST", f"/messenger/v2/accounts/{seller.user_id}/blacklist",
                      {"json": {"users": [{"user_id": 1}]}}),
        "webhook": ("POST", "/messenger/v3/webhook", hook),
        "unsubscribe": ("POST", "/messenger/v1/webhook/unsubscribe", hook),
        "subscriptions": ("POST", "/messenger/v1/subscriptions", {}),
        "voice_download": ("GET", "/_emulator/voice/v", {"params": {"expires": 1, "sig": "x"}}),
        **stats_calls(seller, item_id),
    }


def stats_calls(seller: Seller, item_id: int) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """One well-formed request per statistics endpoint, about today."""
    day = datetime.now(UTC).date().isoformat()
    span = {"dateFrom": day, "dateTo": day}
    stats = f"/stats/v2/accounts/{seller.user_id}"
    return {
        "item_stats": ("POST", f"/stats/v1/accounts/{seller.user_id}/items",
                       {"json": {**span, "itemIds": [item_id]}}),
        "item_analytics": ("POST", f"{stats}/items", {"json": {
            **span, "metrics": ["views"], "grouping": "totals", "limit": 10, "offset": 0}}),
        "spendings": ("POST", f"{stats}/spendings",
                      {"json": {**span, "spendingTypes": ["all"], "grouping": "day"}}),
        "calls_stats": ("POST", f"/core/v1/accounts/{seller.user_id}/calls/stats/",
                        {"json": span}),
        "cpa_balance": ("POST", "/cpa/v3/balanceInfo",
                        {"json": {}, "headers": {"X-Source": "switchboard-tests"}}),
    }
