"""What the end-to-end tests of the telegram-bot component share: the component itself, started
beside the session's platform the way `serve all` composes it (its own NATS user and gRPC
caller, the session's channels, gateway and Telegram emulator), and a seller's bot registered
and its group linked through the public REST API, as a seller does it."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from clients.telegram_bot import BotConfig, BotStatus
from switchboard.credentials import Credentials
from switchboard.platform import Platform, start_platform
from tests.clients.telegram_bot.conftest import Linked
from tests.clients.telegram_bot.inbound import owner_of
from tests.emulators.telegram.helpers import Telegram
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, Tenant

COMPONENT = "telegram-bot"


@contextlib.asynccontextmanager
async def bot_component(platform: RunningPlatform, credentials: Credentials,
                        **settings: Any) -> AsyncIterator[Platform]:
    """The component, started and (whatever happens) stopped; the registry read often, so a
    bot registered through the API runs within a moment."""
    targets = {f"{name}_target": runtime.grpc.address
               for name, runtime in platform.platform.runtimes.items()}
    overrides = {**platform.settings.model_dump(), **targets,
                 "telegram_api_base_url": platform.telegram_url,
                 "telegram_bot_refresh_s": 0.3, "telegram_bot_forced_refresh_min_s": 0.1,
                 "telegram_bot_retry_backoff_s": [0.2, 0.5, 1.0], "shutdown_grace_s": 5.0,
                 "metrics_port": 0, **settings}
    running = await start_platform((COMPONENT,), credentials.per_component(), **overrides)
    try:
        yield running
    finally:
        await running.stop(5)


def status(component: Platform, bot_id: str) -> BotStatus | None:
    return component.runtimes[COMPONENT].runner.status(bot_id)  # type: ignore[attr-defined,no-any-return]


async def following(component: Platform, bot_id: str, within: float = 20) -> BotStatus:
    """The bot's window has subscribed to the tenant's live events (the positive signal that
    what the tenant's buyers write from now on reaches its group)."""
    async def subscribed() -> BotStatus | None:
        found = status(component, bot_id)
        return found if found is not None and found.position is not None else None
    found: BotStatus = await eventually(subscribed, within=within, interval=0.05)
    return found


@dataclass
class SellerBot(Linked):
    """A seller's bot on the Telegram emulator and its forum supergroup (the owner its creator,
    the bot an administrator that may manage topics), registered and linked with the platform;
    `config` is what the runner reads of it from the registry."""

    seller: Tenant | None = None
    owner: dict[str, Any] | None = None  # the owner's Telegram user
    registered: dict[str, Any] | None = None  # the platform's (POST /v1/telegram/bots)

    @property
    def bot_id(self) -> str:
        return self.config.bot_id

    async def texts_until(self, thread_id: int, last: str, within: float = 30) -> list[str]:
        """The texts of the bot's posts in the topic, oldest first, once one ends with `last`."""
        async def posted() -> list[str] | None:
            texts = [p.get("text") or p.get("caption") or "" for p in await self.posts(thread_id)]
            return texts if any(t.endswith(last) for t in texts) else None
        texts: list[str] = await eventually(posted, within=within, interval=0.1)
        return texts

    async def chats_posted_to(self) -> set[int]:
        return {int(s["message"]["chat"]["id"]) for s in await self.telegram.sent(self.bot)}

    async def link_owner(self) -> None:
        """The owner links their Telegram account: a code made through REST with the admin
        key, sent to the bot as `/start <code>` (Telegram -> the gateway's webhook -> the
        durable -> the component's runner, which redeems it), and the bot's welcome."""
        assert self.seller is not None and self.owner is not None
        resp = await self.seller.http.post("/v1/telegram/link-codes",
                                           json={"user_id": await owner_of(self.seller)})
        assert resp.status_code == 201, resp.text
        await self.telegram.write(from_user_id=self.owner["id"], bot_id=self.bot["id"],
                                  text=resp.json()["start_command"])

        async def welcomed() -> bool:
            sent = await self.telegram.sent(self.bot, chat_id=self.owner["id"])  # type: ignore[index]
            return any(s["message"].get("text", "").startswith("✅ Готово") for s in sent)
        await eventually(welcomed, within=30, interval=0.1)

    async def reply_in_topic(self, thread_id: int, text: str) -> dict[str, Any]:
        """The owner, as a manager, writes in the conversation's topic."""
        assert self.owner is not None
        written = await self.telegram.write(from_user_id=self.owner["id"], chat_id=self.chat_id,
                                            message_thread_id=thread_id, text=text)
        return dict(written["message"])

    async def reactions(self, message_id: int) -> dict[str, Any]:
        """What the bot set on a message of the group (bot id -> reactions)."""
        found = await self.telegram.ok("GET", f"/chats/{self.chat_id}/messages")
        [message] = [m for m in found["messages"] if m["message_id"] == message_id]
        return dict(message.get("reactions") or {})


async def seller_bot(platform: RunningPlatform, seller: Tenant, title: str) -> SellerBot:
    """Made on the emulator, registered and linked through REST with the seller's admin key."""
    telegram = Telegram(platform.telegram_url, platform.telegram, None)  # type: ignore[arg-type]
    owner = await telegram.user(first_name="Ольга")
    bot = await telegram.bot(username=f"shop{uuid.uuid4().hex[:8]}_bot")
    group = await telegram.chat(type="supergroup", title=title, is_forum=True, members=[
        {"user_id": owner["id"], "status": "creator"},
        {"user_id": bot["id"], "status": "administrator", "rights": {"can_manage_topics": True}}])
    resp = await seller.http.post("/v1/telegram/bots", json={"token": bot["token"]})
    assert resp.status_code == 201, resp.text
    registered = resp.json()
    resp = await seller.http.put(f"/v1/telegram/bots/{registered['id']}/group",
                                 json={"chat_id": group["id"], "title": title})
    assert resp.status_code == 200, resp.text
    config = BotConfig(bot_id=registered["id"], tenant_id=str(seller.tenant_id),
                       token=bot["token"], api_key="", group_chat_id=int(group["id"]),
                       api_base_url=platform.gateway_url, telegram_api_base_url=platform.telegram_url)
    return SellerBot(telegram, bot, group, config, seller, owner, registered)
