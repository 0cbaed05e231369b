"""The demo tenant's sandbox Telegram customer channel: a second bot on the Telegram emulator,
connected through the public API like a seller does it (`POST /v1/channels/telegram`), and a
sandbox buyer who writes to it through the emulator (dev.json's `telegram_channel` section).

Idempotent, and safe when the emulator's state file is lost: the ids and the token derive from
the data folder's secret key, so every run makes (or finds) the same bot and buyer, and the
channel is connected again (same id) only when the emulator has no webhook where the platform
expects one.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import httpx

from switchboard.devstack.telegram_sandbox import _digest

CHANNEL_BOT_USERNAME = "switchboard_shop_help_bot"
BUYER_USERNAME = "sandbox_buyer"


@dataclass(frozen=True)
class ChannelIds:
    bot_id: int
    bot_secret: str
    buyer_id: int

    @property
    def token(self) -> str:
        return f"{self.bot_id}:{self.bot_secret}"


def channel_ids(secret_key: str) -> ChannelIds:
    """The same on every run of a data folder; apart from the window bot's (other purposes)."""
    def number(purpose: bytes) -> int:
        return int.from_bytes(_digest(secret_key, purpose)[:8], "big")

    secret = base64.urlsafe_b64encode(_digest(secret_key, b"telegram channel bot secret"))
    return ChannelIds(bot_id=6_000_000_000 + number(b"telegram channel bot") % 1_000_000_000,
                      bot_secret="AA" + secret.decode()[:33],
                      buyer_id=200_000_000 + number(b"telegram channel buyer") % 800_000_000)


class TelegramChannelSandbox:
    def __init__(self, http: httpx.AsyncClient, gateway_url: str, emulator_url: str,
                 api_key: str, ids: ChannelIds) -> None:
        self.http, self.gateway_url, self.emulator_url = http, gateway_url, emulator_url
        self.auth = {"Authorization": f"Bearer {api_key}"}
        self.ids = ids

    async def ensure(self) -> dict[str, Any]:
        """Everything in place; what dev.json's "telegram_channel" section says."""
        ids = self.ids
        await self._control("/users", {"id": ids.buyer_id, "first_name": "Покупатель",
                                       "last_name": "Песочницы", "username": BUYER_USERNAME})
        await self._control("/bots", {"id": ids.bot_id, "secret": ids.bot_secret,
                                      "username": CHANNEL_BOT_USERNAME,
                                      "first_name": "Магазин: помощь"})
        channel = await self._connected()
        return {"emulator_url": self.emulator_url, "bot_id": ids.bot_id,
                "bot_username": CHANNEL_BOT_USERNAME, "channel_id": channel["id"],
                "buyer_user_id": ids.buyer_id}

    async def _connected(self) -> dict[str, Any]:
        """The channel, connected (again) unless the emulator delivers the bot's updates where
        the platform expects them."""
        listed = await self._gateway("GET", "/v1/channels", params={"limit": 100})
        channel = next((c for c in listed["items"] if c["kind"] == "telegram"
                        and c["external_account_id"] == str(self.ids.bot_id)), None)
        resp = await self.http.get(f"{self.emulator_url}/_emulator/bots/{self.ids.bot_id}")
        webhook = resp.raise_for_status().json()["webhook"]
        if channel is not None and channel["status"] == "active":
            if webhook is not None and webhook["url"] == channel["webhook_url"]:
                return dict(channel)
            await self._gateway("DELETE", f"/v1/channels/{channel['id']}")
        return dict(await self._gateway("POST", "/v1/channels/telegram",
                                        json={"token": self.ids.token}))

    async def _control(self, path: str, spec: dict[str, Any]) -> None:
        resp = await self.http.post(f"{self.emulator_url}/_emulator{path}", json=spec)
        if resp.status_code != 409:
            resp.raise_for_status()

    async def _gateway(self, method: str, path: str, **kwargs: Any) -> Any:
        resp = await self.http.request(method, f"{self.gateway_url}{path}", headers=self.auth,
                                       **kwargs)
        return resp.raise_for_status().json()
