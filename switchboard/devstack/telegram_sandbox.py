"""The demo tenant's sandbox Telegram bot, made on the Telegram emulator and plugged in through the
public API like a seller does it: a bot, the demo owner as a Telegram user, a forum supergroup
"Магазин (песочница)" (the owner its creator, the bot an administrator that may manage
topics); the bot registered (`POST /v1/telegram/bots`), the group linked (`PUT .../group`), and
the owner linked to their Telegram account with a one-time code, redeemed as the bot runner
would redeem it.

Idempotent, and safe when the emulator's state file is lost: the ids and the token derive
from the data folder's secret key, so every run makes (or finds) the same bot, user and group,
and registers the bot again only when the emulator has no webhook for it where the platform
expects one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import httpx

SANDBOX_GROUP_TITLE = "Магазин (песочница)"
SANDBOX_BOT_USERNAME = "switchboard_sandbox_bot"
OWNER_USERNAME = "demo_owner"


@dataclass(frozen=True)
class SandboxIds:
    bot_id: int
    bot_secret: str
    owner_id: int
    group_id: int

    @property
    def token(self) -> str:
        return f"{self.bot_id}:{self.bot_secret}"


def sandbox_ids(secret_key: str) -> SandboxIds:
    """The same on every run of a data folder (derived from its secret key), in the ranges
    Telegram uses: a bot's id, a person's, a supergroup's `-100` and ten digits."""
    def number(purpose: bytes) -> int:
        return int.from_bytes(_digest(secret_key, purpose)[:8], "big")

    secret = base64.urlsafe_b64encode(_digest(secret_key, b"telegram sandbox bot secret"))
    return SandboxIds(bot_id=7_000_000_000 + number(b"telegram sandbox bot") % 1_000_000_000,
                      bot_secret="AA" + secret.decode()[:33],
                      owner_id=100_000_000 + number(b"telegram sandbox owner") % 900_000_000,
                      group_id=-(1_000_000_000_000 + 1_000_000_000
                                 + number(b"telegram sandbox group") % 9_000_000_000))


def _digest(secret_key: str, purpose: bytes) -> bytes:
    return hmac.new(secret_key.encode(), purpose, hashlib.sha256).digest()


class TelegramSandbox:
    def __init__(self, http: httpx.AsyncClient, gateway_url: str, emulator_url: str,
                 api_key: str, ids: SandboxIds) -> None:
        self.http, self.gateway_url, self.emulator_url = http, gateway_url, emulator_url
        self.auth = {"Authorization": f"Bearer {api_key}"}
        self.ids = ids

    async def ensure(self, owner_login: dict[str, str]) -> dict[str, Any]:
        """Everything in place; what dev.json's "telegram" section says."""
        ids = self.ids
        await self._emulator_world()
        bot = await self._registered()
        if bot["group"] is None or bot["group"]["chat_id"] != ids.group_id:
            bot = await self._gateway("PUT", f"/v1/telegram/bots/{bot['id']}/group",
                                      json={"chat_id": ids.group_id, "title": SANDBOX_GROUP_TITLE})
        await self._owner_linked(owner_login)
        return {"emulator_url": self.emulator_url, "bot_id": bot["id"],
                "bot_username": bot["username"], "group_chat_id": ids.group_id,
                "owner_telegram_user_id": ids.owner_id}

    async def _emulator_world(self) -> None:
        """The owner, the bot and the group on the emulator (409: there already)."""
        ids = self.ids
        await self._control("/users", {"id": ids.owner_id, "first_name": "Demo",
                                       "last_name": "owner", "username": OWNER_USERNAME})
        await self._control("/bots", {"id": ids.bot_id, "secret": ids.bot_secret,
                                      "username": SANDBOX_BOT_USERNAME,
                                      "first_name": SANDBOX_GROUP_TITLE})
        await self._control("/chats", {
            "id": ids.group_id, "type": "supergroup", "title": SANDBOX_GROUP_TITLE,
            "is_forum": True, "members": [
                {"user_id": ids.owner_id, "status": "creator"},
                {"user_id": ids.bot_id, "status": "administrator",
                 "rights": {"can_manage_topics": True}}]})

    async def _control(self, path: str, spec: dict[str, Any]) -> None:
        resp = await self.http.post(f"{self.emulator_url}/_emulator{path}", json=spec)
        if resp.status_code != 409:
            resp.raise_for_status()

    async def _registered(self) -> dict[str, Any]:
        """The platform's record of the bot, registered (again) unless the emulator delivers
        its updates where the platform expects them."""
        listed = await self._gateway("GET", "/v1/telegram/bots", params={"limit": 100})
        bot = next((b for b in listed["items"] if b["telegram_id"] == self.ids.bot_id), None)
        resp = await self.http.get(f"{self.emulator_url}/_emulator/bots/{self.ids.bot_id}")
        webhook = resp.raise_for_status().json()["webhook"]
        if bot is not None and webhook is not None and webhook["url"] == bot["webhook_url"]:
            return dict(bot)
        return dict(await self._gateway("POST", "/v1/telegram/bots",
                                        json={"token": self.ids.token}))

    async def _owner_linked(self, owner_login: dict[str, str]) -> None:
        """The owner's Telegram account linked to their user: a code for them (the admin key),
        redeemed with it as the runner redeems what a person sends as /start <code>."""
        owner = self.ids.owner_id
        found = await self.http.get(f"{self.gateway_url}/v1/telegram/links/{owner}",
                                    headers=self.auth)
        if found.status_code == 200:
            return
        if found.status_code != 404:
            found.raise_for_status()
        login = await self.http.post(f"{self.gateway_url}/v1/auth/login", json=owner_login)
        user_id = login.raise_for_status().json()["user_id"]
        code = await self._gateway("POST", "/v1/telegram/link-codes", json={"user_id": user_id})
        await self._gateway("POST", "/v1/telegram/links", json={
            "code": code["code"], "telegram_user_id": owner, "telegram_username": OWNER_USERNAME})

    async def _gateway(self, method: str, path: str, **kwargs: Any) -> Any:
        resp = await self.http.request(method, f"{self.gateway_url}{path}", headers=self.auth,
                                       **kwargs)
        return resp.raise_for_status().json()
