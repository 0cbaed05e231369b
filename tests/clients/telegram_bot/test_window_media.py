"""Media in the window, and stopping: a buyer's photo is posted as a photo (Telegram fetching
it by URL), a photo Telegram cannot fetch becomes a link; a runner stopped while a post is in
flight finishes it within the grace."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI, Response

from clients.telegram_bot import Runner, Store
from switchboard.http_server import BackgroundServer
from tests.clients.telegram_bot.conftest import FAST, Linked, listening, new_buyer, running
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop

pytestmark = pytest.mark.slow

# A 1x1 PNG.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA"
                       "hKmMIQAAAABJRU5ErkJggg==")


@pytest.fixture
async def pictures() -> AsyncIterator[str]:
    """A web server with one picture (`/bike.png`) and nothing else (404)."""
    app = FastAPI()

    @app.get("/bike.png")
    async def bike() -> Response:
        return Response(PNG, media_type="image/png")

    async with BackgroundServer(app) as server:
        yield server.url


async def test_a_photo_is_posted_as_a_photo_and_an_unfetchable_one_as_a_link(
        platform: RunningPlatform, shop: SandboxShop, linked: Linked, store: Store,
        pictures: str) -> None:
    async with running(store, [linked.config]):
        chat = (await new_buyer(platform, shop, "Здравствуйте", name="Олег"))["chat_id"]
        thread = (await linked.topic("Олег"))["message_thread_id"]
        await linked.texts(thread, 2)
        for name in ("bike.png", "gone.png"):
            (await platform.emulator.post(f"/_emulator/accounts/{shop.user_id}/incoming", json={
                "chat_id": chat, "image": f"{pictures}/{name}"})).raise_for_status()
        await linked.texts(thread, 4)
        photo, link = (await linked.posts(thread))[2:4]
        assert photo["photo"] and photo["caption"].startswith("📩")
        assert "photo" not in link and link["text"].startswith("📩")
        assert any(e.get("url", "").endswith("/gone.png") for e in link["entities"])


async def test_a_stop_lets_the_post_in_flight_finish_within_the_grace(
        platform: RunningPlatform, shop: SandboxShop, linked: Linked, store: Store) -> None:
    runner = Runner([linked.config], store, FAST, stop_grace_s=10)
    await runner.start()
    try:
        await listening(runner, linked.config)
        await linked.telegram.fault(method="sendMessage", latency_ms=2000, count=2)
        await new_buyer(platform, shop, "Успеете до остановки?", name="Пётр")

        async def in_flight() -> bool:  # the card's send has met the slow Telegram
            armed = (await linked.telegram.ok("GET", "/faults"))["armed"]
            return not armed or armed[0]["remaining"] < 2
        await eventually(in_flight, within=20, interval=0.02)
    finally:
        await asyncio.wait_for(runner.stop(), 15)
    [topic] = await linked.topics()
    texts = [p["text"] for p in await linked.posts(topic["message_thread_id"])]
    assert len(texts) == 2 and texts[1].endswith("Успеете до остановки?")
