"""The demo tenant's sandbox Avito account (on the emulator) and its channel, through the public
API and the emulator's control API: made on the first run, found again on later ones.

The channel is the tenant's Avito channel named SANDBOX_CHANNEL; its account is the emulator's
account with the channel's external id. The emulator saves its state every few seconds, so a
run killed just after seeding may leave the channel without its account: the account is made
again under the same user id and the channel connected again, which keeps its id and its
conversations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

SANDBOX_CHANNEL = "Sandbox Avito shop"
SANDBOX_ITEMS = [
    {"title": "iPhone 13, 128 ГБ, синий", "price": 52000},
    {"title": "Велосипед горный Stels Navigator", "price": 18500},
    {"title": "Диван угловой, серый велюр", "price": 34990},
]


@dataclass(frozen=True)
class SandboxShop:
    channel_id: str
    user_id: int
    webhook_url: str


class SandboxShops:
    def __init__(self, http: httpx.AsyncClient, gateway_url: str, emulator_url: str,
                 api_key: str) -> None:
        self.http, self.gateway_url, self.emulator_url = http, gateway_url, emulator_url
        self.auth = {"Authorization": f"Bearer {api_key}"}

    async def ensure(self) -> SandboxShop:
        channel = await self._channel()
        if channel is None:
            return await self._connect(await self._new_account())
        user_id = int(channel["external_account_id"])
        account = await self._account(user_id)
        if account is None:  # lost with the emulator's state: its credentials died with it
            account = await self._new_account(user_id)
            if channel["status"] == "active":
                await self._gateway("DELETE", f"/v1/channels/{channel['id']}")
            return await self._connect(account)
        if channel["status"] != "active":
            return await self._connect(account)
        marker = f"/webhooks/avito/{channel['id']}/"
        url = next((u for u in account["subscriptions"] if marker in u), channel["webhook_url"])
        return SandboxShop(channel["id"], user_id, url)

    async def _channel(self) -> dict[str, Any] | None:
        listed = await self._gateway("GET", "/v1/channels", params={"limit": 100})
        ours = [c for c in listed["items"] if c["kind"] == "avito" and c["name"] == SANDBOX_CHANNEL]
        return min(ours, key=lambda c: c["created_at"] or "", default=None)

    async def _account(self, user_id: int) -> dict[str, Any] | None:
        resp = await self.http.get(f"{self.emulator_url}/_emulator/accounts")
        accounts = resp.raise_for_status().json()["accounts"]
        return next((a for a in accounts if a["user_id"] == user_id), None)

    async def _new_account(self, user_id: int | None = None) -> dict[str, Any]:
        spec: dict[str, Any] = {"name": "Sandbox shop", "items": SANDBOX_ITEMS}
        if user_id is not None:
            spec["user_id"] = user_id
        resp = await self.http.post(f"{self.emulator_url}/_emulator/accounts", json=spec)
        return dict(resp.raise_for_status().json())

    async def _connect(self, account: dict[str, Any]) -> SandboxShop:
        """Connecting an account the tenant had before brings its old channel back."""
        channel = await self._gateway("POST", "/v1/channels/avito", json={
            "name": SANDBOX_CHANNEL, "client_id": account["client_id"],
            "client_secret": account["client_secret"], "sandbox": True})
        return SandboxShop(channel["id"], account["user_id"], channel["webhook_url"])

    async def _gateway(self, method: str, path: str, **kwargs: Any) -> Any:
        resp = await self.http.request(method, f"{self.gateway_url}{path}", headers=self.auth,
                                       **kwargs)
        return resp.raise_for_status().json()
