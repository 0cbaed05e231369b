"""The bot runner on the real things: the session's platform (gateway, services, Avito
emulator), a Telegram emulator over HTTP, the runner's store on the session's PostgreSQL (as
the runtime role). A seller links a bot to a forum supergroup the way Telegram has it: the bot
an administrator that may manage topics."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any

import pytest
from switchboard_sdk import Switchboard

from clients.telegram_bot import BotConfig, Pacing, Retries, Runner, RunnerSettings, Store
from tests.emulators.telegram.helpers import Telegram, serving
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant

# No pacing (the emulator's limits are off unless a test turns them on), quick retries and
# restarts: the tests wait for them.
FAST = RunnerSettings(pacing=Pacing(enabled=False), retries=Retries(base_s=0.05, cap_s=0.5),
                      claim_lease_s=5.0, restart_base_s=0.1, restart_cap_s=1.0,
                      request_timeout_s=10.0)


@dataclass
class Linked:
    """A seller's bot and the group it posts the conversations to."""

    telegram: Telegram
    bot: dict[str, Any]
    group: dict[str, Any]
    config: BotConfig

    @property
    def chat_id(self) -> int:
        return int(self.group["id"])

    async def topics(self) -> list[dict[str, Any]]:
        return list((await self.telegram.ok("GET", f"/chats/{self.chat_id}/topics"))["topics"])

    async def posts(self, thread_id: int) -> list[dict[str, Any]]:
        """What the bot posted in the topic, oldest first (each message as it is now)."""
        sent = await self.telegram.sent(self.bot, chat_id=self.chat_id, message_thread_id=thread_id)
        return [s["message"] for s in sent if s["method"].startswith("send")]

    async def topic(self, *words: str, within: float = 30) -> dict[str, Any]:
        """The one topic whose name has all `words` (waits for it)."""
        async def named() -> dict[str, Any] | None:
            found = [t for t in await self.topics() if all(w in t["name"] for w in words)]
            assert len(found) <= 1, found
            return found[0] if found else None
        topic: dict[str, Any] = await eventually(named, within=within, interval=0.1)
        return topic

    async def texts(self, thread_id: int, count: int, within: float = 30) -> list[str]:
        """The texts (or captions) of the topic's posts, once there are at least `count`."""
        async def posted() -> list[str] | None:
            texts = [p.get("text") or p.get("caption") or "" for p in await self.posts(thread_id)]
            return texts if len(texts) >= count else None
        texts: list[str] = await eventually(posted, within=within, interval=0.1)
        return texts


@pytest.fixture
async def telegram() -> AsyncIterator[Telegram]:
    async with serving(limits={"enabled": False}) as emulator:
        yield emulator


@pytest.fixture
async def store(app_url: str) -> AsyncIterator[Store]:
    runner_store = Store(app_url, pool_size=4)
    yield runner_store
    await runner_store.close()


@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Telegram seller")


@pytest.fixture
async def sb(platform: RunningPlatform, seller: Tenant) -> AsyncIterator[Switchboard]:
    """The SDK with the seller's admin key."""
    async with Switchboard(platform.gateway_url, api_key=seller.api_key) as client:
        yield client


@pytest.fixture
async def shop(platform: RunningPlatform, seller: Tenant) -> SandboxShop:
    return await platform.connect_sandbox_shop(seller)


@pytest.fixture
async def linked(platform: RunningPlatform, telegram: Telegram, seller: Tenant) -> Linked:
    return await link(platform, telegram, seller)


async def link(platform: RunningPlatform, telegram: Telegram, seller: Tenant) -> Linked:
    owner = await telegram.user(first_name="Ольга")
    bot = await telegram.bot(username=f"shop{uuid.uuid4().hex[:8]}_bot")
    group = await telegram.chat(type="supergroup", title="Магазин: диалоги", is_forum=True, members=[
        {"user_id": owner["id"], "status": "creator"},
        {"user_id": bot["id"], "status": "administrator", "rights": {"can_manage_topics": True}}])
    config = BotConfig(bot_id=str(uuid.uuid4()), tenant_id=str(seller.tenant_id),
                       token=bot["token"], api_key=seller.api_key, group_chat_id=int(group["id"]),
                       api_base_url=platform.gateway_url, telegram_api_base_url=telegram.url)
    return Linked(telegram, bot, group, config)


async def subscribed(store: Store, config: BotConfig) -> str:
    """The window's stored position: there once its first subscription has begun (the
    positive signal that what is written from now on reaches it)."""
    async def position() -> str | None:
        cursor = await store.cursor(uuid.UUID(config.tenant_id), config.bot_id)
        return cursor.last_event_id if cursor else None
    found: str = await eventually(position, within=20, interval=0.05)
    return found


async def listening(runner: Runner, config: BotConfig) -> None:
    """This runner's window of the bot has subscribed (a positive signal per replica)."""
    async def positioned() -> bool:
        status = runner.status(config.bot_id)
        return status is not None and status.position is not None
    await eventually(positioned, within=20, interval=0.05)


@contextlib.asynccontextmanager
async def running(store: Store, configs: Iterable[BotConfig],
                  settings: RunnerSettings = FAST) -> AsyncIterator[Runner]:
    configs = list(configs)
    runner = Runner(configs, store, settings, stop_grace_s=5)
    await runner.start()
    try:
        for config in configs:
            await listening(runner, config)
        yield runner
    finally:
        await runner.stop()


async def new_buyer(platform: RunningPlatform, shop: SandboxShop, text: str, *, name: str,
                    item: int = 0, chat_id: str | None = None) -> dict[str, Any]:
    """A buyer who has not written before (a chat of their own) writes about the shop's item."""
    return await platform.buyer_writes(
        shop, text, item_id=shop.account["items"][item]["id"], author_name=name,
        author_id=500_000_000 + uuid.uuid4().int % 10**8,
        chat_id=chat_id or f"u2i-{uuid.uuid4().hex[:22]}")
