"""Drives the Telegram emulator over real HTTP: the control plane through httpx, the Bot API
through aiogram (a real `aiogram.Bot` on the custom API server) or plain httpx."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, cast

import httpx
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from fastapi import FastAPI, Request, Response

from switchboard.emulators.telegram import TelegramEmulatorSettings, create_app
from switchboard.emulators.telegram.emulator import Emulator
from switchboard.http_server import BackgroundServer
from tests.emulators.avito.helpers import eventually

__all__ = ["eventually"]


@dataclass
class Receiver:
    """A webhook endpoint: records every POST, answers with queued statuses (then 200) and
    queued JSON bodies."""

    url: str = ""
    calls: list[tuple[dict[str, str], dict[str, Any]]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    replies: list[dict[str, Any]] = field(default_factory=list)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/hook")
        async def hook(request: Request) -> Response:
            self.calls.append((dict(request.headers), json.loads(await request.body())))
            status = self.statuses.pop(0) if self.statuses else 200
            if status == 200 and self.replies:
                return Response(json.dumps(self.replies.pop(0)), media_type="application/json")
            return Response(status_code=status)

        return app

    async def updates(self, count: int) -> list[dict[str, Any]]:
        async def arrived() -> list[dict[str, Any]] | None:
            return [body for _, body in self.calls] if len(self.calls) >= count else None

        return cast(list[dict[str, Any]], await eventually(arrived))


@dataclass
class Telegram:
    url: str
    http: httpx.AsyncClient
    emulator: Emulator
    _bots: list[Bot] = field(default_factory=list)

    async def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.http.request(method, f"/_emulator{path}", **kwargs)
        assert response.status_code == 200, response.text
        return response.json()

    async def made(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        return cast(dict[str, Any], await self.ok(method, path, **kwargs))

    async def bot(self, **spec: Any) -> dict[str, Any]:
        return await self.made("POST", "/bots", json=spec)

    async def user(self, **spec: Any) -> dict[str, Any]:
        return await self.made("POST", "/users", json=spec)

    async def chat(self, **spec: Any) -> dict[str, Any]:
        return await self.made("POST", "/chats", json=spec)

    async def write(self, **spec: Any) -> dict[str, Any]:
        return await self.made("POST", "/messages", json=spec)

    async def start(self, bot: dict[str, Any], user: dict[str, Any]) -> None:
        await self.ok("PUT", f"/bots/{bot['id']}/users/{user['id']}", json={"status": "started"})

    async def sent(self, bot: dict[str, Any], **filters: Any) -> list[dict[str, Any]]:
        return cast(list[dict[str, Any]],
                    (await self.ok("GET", f"/bots/{bot['id']}/sent", params=filters))["sent"])

    async def fault(self, **spec: Any) -> dict[str, Any]:
        return await self.made("POST", "/faults", json=spec)

    async def api(self, bot: dict[str, Any], method: str, **params: Any) -> httpx.Response:
        """A Bot API call as JSON, the way most HTTP clients make it."""
        return await self.http.post(f"/bot{bot['token']}/{method}", json=params)

    def aiogram(self, bot: dict[str, Any]) -> Bot:
        """A real aiogram Bot on the emulator; closed with the emulator."""
        session = AiohttpSession(api=TelegramAPIServer.from_base(self.url))
        client = Bot(bot["token"], session=session)
        self._bots.append(client)
        return client

    async def private_pair(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """A bot and a user who started it."""
        bot, user = await self.bot(), await self.user(first_name="Анна", username="anna_k")
        await self.start(bot, user)
        return bot, user


@contextlib.asynccontextmanager
async def serving(**settings: Any) -> AsyncIterator[Telegram]:
    """An emulator from startup to shutdown (lifespan included)."""
    app = create_app(TelegramEmulatorSettings(**settings))
    async with BackgroundServer(app) as server, \
            httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        telegram = Telegram(server.url, http, app.state.emulator)
        try:
            yield telegram
        finally:
            for bot in telegram._bots:
                await bot.session.close()


def ok(response: httpx.Response) -> Any:
    body = response.json()
    assert response.status_code == 200 and body["ok"] is True, response.text
    return body["result"]


def refused(response: httpx.Response, code: int, description: str) -> dict[str, Any]:
    body = response.json()
    assert response.status_code == code, response.text
    assert body["ok"] is False and body["error_code"] == code, body
    assert body["description"] == description, body
    return dict(body)
