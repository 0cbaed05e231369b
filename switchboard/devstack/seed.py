"""The demo tenant and its sandbox Avito shop, created through the public API like a user.

Idempotent on the database's state: `switchboard dev` seeds whenever dev.json is missing or its
key no longer works, and reuses what an earlier run (or one killed half-way) left — the
tenant, the sandbox account and its channel, the FAQ — rather than making it twice.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import httpx

from gateway.config import GatewaySettings
from switchboard.devstack.agent_seed import enable_sandbox_agent
from switchboard.devstack.demo_owner import demo_owner
from switchboard.devstack.sandbox_shop import SandboxShops

DEMO_EMAIL = "owner@demo.switchboard.local"


@dataclass
class Seeded:
    tenant_id: str
    api_key: str
    email: str
    password: str
    avito: dict[str, Any]


async def seed_demo(settings: GatewaySettings, gateway_url: str, emulator_url: str,
                    email: str = DEMO_EMAIL) -> Seeded:
    """Tenant + owner + API key (identity), then a sandbox Avito shop connected via REST, with
    the AI agent answering from a small FAQ (FAQ mode)."""
    owner = await demo_owner(settings, email)
    async with httpx.AsyncClient(timeout=30) as http:
        shop = await SandboxShops(http, gateway_url, emulator_url, owner.api_key).ensure()
        # Idempotent: the same FAQ again replaces itself, the setting is a PUT.
        await enable_sandbox_agent(http, gateway_url, owner.api_key, shop.channel_id)
    return Seeded(
        tenant_id=str(owner.tenant_id), api_key=owner.api_key, email=email,
        password=owner.password,
        avito={"emulator_url": emulator_url, "channel_id": shop.channel_id,
               "user_id": shop.user_id, "webhook_url": shop.webhook_url})


async def register_partner_app(emulator_url: str, public_base_url: str,
                               credentials: tuple[str, str] | None = None) -> dict[str, str]:
    """A partner app on the emulator standing in for the platform's Avito app (the
    authorization-code flow), returned as ChannelsSettings overrides. Avito redirects the
    seller's browser to the gateway's callback after consent. With `credentials` (client id,
    secret) it is that app, registered again (the emulator keeps it across restarts)."""
    spec = {"redirect_uri": f"{public_base_url}/v1/channels/avito/oauth/callback",
            "name": "Switchboard (sandbox)"}
    if credentials is not None:
        spec |= {"client_id": credentials[0], "client_secret": credentials[1]}
    async with httpx.AsyncClient(timeout=10) as http:
        app = (await http.post(f"{emulator_url}/_emulator/apps",
                               json=spec)).raise_for_status().json()
    return partner_app_settings(emulator_url, app["client_id"], app["client_secret"])


def partner_app_credentials(secret_key: str) -> tuple[str, str]:
    """The dev stack's partner app: the same client id and secret on every run of a data
    folder (derived from its secret key), so the platform is configured with them before the
    emulator is up, and registers them once it is."""
    digest = hmac.new(secret_key.encode(), b"avito partner app", hashlib.sha256).hexdigest()
    return f"switchboard-dev-{digest[:12]}", digest[12:52]


def partner_app_settings(emulator_url: str, client_id: str, client_secret: str) -> dict[str, str]:
    return {"avito_oauth_client_id": client_id, "avito_oauth_client_secret": client_secret,
            "avito_oauth_url": f"{emulator_url}/oauth"}


async def still_valid(gateway_url: str, api_key: str) -> bool:
    """Is the saved demo tenant still in this database (it may have been reset)?"""
    async with httpx.AsyncClient(timeout=10) as http:
        resp = await http.get(f"{gateway_url}/v1/auth/me",
                              headers={"Authorization": f"Bearer {api_key}"})
    return resp.status_code == 200
