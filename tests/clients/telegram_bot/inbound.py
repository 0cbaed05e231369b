"""What the tests of the way back (Telegram -> platform) share: a seller's bot registered on the
platform for polling (on the session's Telegram emulator, the one channels asks), the people of
its tenant linked to Telegram accounts through the bot itself (/start <code>), a forum group
with the bot as its topic-managing administrator, and a runner that polls it."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from typing import Any

from switchboard_sdk import Switchboard, TelegramBot, TelegramDelivery

from clients.telegram_bot import BotConfig, Pacing, Retries, Runner, RunnerSettings, Store
from gateway.identity.passwords import hash_password
from gateway.identity.repository import IdentityRepository
from tests.clients.telegram_bot.conftest import listening
from tests.emulators.telegram.helpers import Telegram
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, Tenant

# The session's emulator keeps Telegram's flood limits: the runner paces as in production.
PACED = RunnerSettings(pacing=Pacing(), retries=Retries(base_s=0.05, cap_s=0.5),
                       claim_lease_s=5.0, restart_base_s=0.1, restart_cap_s=1.0,
                       request_timeout_s=10.0, poll_timeout_s=2)


@dataclass
class Person:
    tg: dict[str, Any]  # the Telegram user
    user_id: str | None = None  # the platform user, once one stands behind them

    @property
    def id(self) -> int:
        return int(self.tg["id"])


@dataclass
class Seat:
    """A seller's bot, its group and its people."""

    platform: RunningPlatform
    telegram: Telegram
    seller: Tenant
    sb: Switchboard  # the seller's admin key
    bot: dict[str, Any]  # the emulator's bot
    registered: TelegramBot
    group: dict[str, Any]
    owner: Person
    agent: Person  # role "agent": a manager
    stranger: Person  # in the group, linked to nobody
    config: BotConfig
    _runners: list[Runner] = field(default_factory=list)

    @property
    def chat_id(self) -> int:
        return int(self.group["id"])

    async def said_to(self, person: Person, count: int = 1, within: float = 20) -> list[str]:
        """The bot's messages in its private chat with the person, once there are `count`."""
        async def some() -> list[str] | None:
            sent = await self.telegram.sent(self.bot, chat_id=person.id)
            texts = [s["message"].get("text", "") for s in sent]
            return texts if len(texts) >= count else None
        texts: list[str] = await eventually(some, within=within, interval=0.1)
        return texts

    async def group_posts(self, thread_id: int | None = None) -> list[dict[str, Any]]:
        """Everything in the group (or one topic), oldest first, as it is now."""
        params = {"message_thread_id": thread_id} if thread_id is not None else {}
        found = await self.telegram.ok("GET", f"/chats/{self.chat_id}/messages", params=params)
        return list(found["messages"])

    async def write(self, person: Person, text: str | None = None, **spec: Any) -> dict[str, Any]:
        """The person writes in the group (`message_thread_id` for a topic)."""
        body = {"from_user_id": person.id, "chat_id": self.chat_id, **spec}
        if text is not None:
            body["text"] = text
        return dict((await self.telegram.write(**body))["message"])

    async def private(self, person: Person, text: str) -> None:
        await self.telegram.write(from_user_id=person.id, bot_id=self.bot["id"], text=text)

    async def press(self, person: Person, message_id: int, data: str) -> str:
        """The person presses a button of the bot's message in the group; the query's id."""
        pressed = await self.telegram.made("POST", "/callback_queries", json={
            "bot_id": self.bot["id"], "from_user_id": person.id, "chat_id": self.chat_id,
            "message_id": message_id, "data": data})
        return str(pressed["callback_query_id"])

    async def answer(self, query_id: str, within: float = 20) -> dict[str, Any]:
        """How the bot answered the button press (waits for it)."""
        async def answered() -> dict[str, Any] | None:
            found = await self.telegram.ok("GET", f"/bots/{self.bot['id']}/callbacks")
            mine = [c for c in found["callbacks"] if c["id"] == query_id]
            return mine[0]["answer"] if mine and mine[0]["answer"] else None
        answer: dict[str, Any] = await eventually(answered, within=within, interval=0.1)
        return answer

    async def link(self, person: Person) -> None:
        """The person links their Telegram account through the bot: a code made for their
        platform user with the admin key, sent as /start <code>."""
        assert person.user_id is not None
        code = await self.sb.create_telegram_link_code(person.user_id)
        before = len(await self.telegram.sent(self.bot, chat_id=person.id))
        await self.private(person, f"/start {code.code}")
        said = await self.said_to(person, before + 1)
        assert said[-1].startswith("✅ Готово"), said[-1]

    @contextlib.asynccontextmanager
    async def running(self, store: Store, config: BotConfig | None = None,
                      settings: RunnerSettings = PACED) -> AsyncIterator[Runner]:
        """A runner polling the bot (its window listening, if a group is linked)."""
        config = config or self.config
        runner = Runner([config], store, settings, stop_grace_s=5)
        await runner.start()
        try:
            if config.group_chat_id is not None:
                await listening(runner, config)
            yield runner
        finally:
            await runner.stop()


async def add_person(platform: RunningPlatform, seller: Tenant, role: str, name: str) -> str:
    """A platform user of the seller's tenant with this role; their id."""
    async with platform.db.unit_of_work(seller.tenant_id) as session:
        user = await IdentityRepository(session).add_user(
            seller.tenant_id, f"{role}-{uuid.uuid4().hex[:10]}@example.com", name,
            await hash_password("telegram-person"), role)
    return str(user.id)


async def owner_of(seller: Tenant) -> str:
    login = await seller.http.post("/v1/auth/login", json={"email": seller.email,
                                                           "password": seller.password})
    assert login.status_code == 200, login.text
    return str(login.json()["user_id"])


async def seat(platform: RunningPlatform, seller: Tenant, sb: Switchboard, *,
               group_linked: bool = True) -> Seat:
    """A seller's bot registered for polling, its owner and a manager linked through it, a
    stranger, and a forum group (linked on the platform unless `group_linked=False`)."""
    telegram = Telegram(platform.telegram_url, platform.telegram, None)  # type: ignore[arg-type]
    bot = await telegram.bot(username=f"shop{uuid.uuid4().hex[:8]}_bot", first_name="Магазин")
    owner, agent, stranger = [Person(await telegram.user(first_name=name))
                              for name in ("Ольга", "Мария", "Прохожий")]
    group = await telegram.chat(type="supergroup", title="Магазин: диалоги", is_forum=True,
                                members=[
        {"user_id": owner.id, "status": "creator"},
        {"user_id": agent.id, "status": "member"},
        {"user_id": stranger.id, "status": "member"},
        {"user_id": bot["id"], "status": "administrator", "rights": {"can_manage_topics": True}}])
    registered = await sb.register_telegram_bot(bot["token"], delivery=TelegramDelivery.POLLING)
    owner.user_id = await owner_of(seller)
    agent.user_id = await add_person(platform, seller, "agent", "Мария")
    config = BotConfig(bot_id=registered.id, tenant_id=str(seller.tenant_id), token=bot["token"],
                       api_key=seller.api_key, group_chat_id=None, api_base_url=platform.gateway_url,
                       telegram_api_base_url=telegram.url, delivery="polling")
    found = Seat(platform, telegram, seller, sb, bot, registered, group, owner, agent, stranger,
                 config)
    if group_linked:
        await sb.set_telegram_bot_group(registered.id, found.chat_id, group["title"])
        found.config = replace(config, group_chat_id=found.chat_id)
    return found


def private_update(person: dict[str, Any], update_id: int, command: str) -> bytes:
    """A raw update as Telegram posts it to a webhook: the person sends `command` in private."""
    return json.dumps({"update_id": update_id, "message": {
        "message_id": 1, "date": 1_764_000_000, "text": command,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
        "chat": {"id": person["id"], "type": "private", "first_name": person["first_name"]},
        "from": {"id": person["id"], "is_bot": False, "first_name": person["first_name"]}}},
        ensure_ascii=False).encode()
