"""The demo tenant and its sandbox Avito account, created through the public API like a user."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import httpx

from gateway.config import GatewaySettings
from gateway.identity.service import IdentityService
from services.kernel.db import Database
from switchboard.devstack.agent_seed import enable_sandbox_agent

DEMO_EMAIL = "owner@demo.switchboard.local"
SANDBOX_ITEMS = [
    {"title": "iPhone 13, 128 ГБ, синий", "price": 52000},
    {"title": "Велосипед горный Stels Navigator", "price": 18500},
    {"title": "Диван угловой, серый велюр", "price": 34990},
]


@dataclass
class Seeded:
    tenant_id: str
    api_key: str
    email: str
    password: str
    avito: dict[str, Any]


async def seed_demo(settings: GatewaySettings, gateway_url: str, emulator_url: str) -> Seeded:
    """Tenant + owner + API key (identity), then a sandbox Avito shop connected via REST, with
    the AI agent answering from a small FAQ (FAQ mode)."""
    password = secrets.token_urlsafe(12)
    db = Database(settings.database_url, pool_size=1)
    try:
        created = await IdentityService(db, settings).create_tenant(
            "Demo shop", DEMO_EMAIL, password, owner_name="Demo owner")
    finally:
        await db.dispose()
    async with httpx.AsyncClient(timeout=30) as http:
        account = (await http.post(f"{emulator_url}/_emulator/accounts", json={
            "name": "Sandbox shop", "items": SANDBOX_ITEMS})).raise_for_status().json()
        channel = (await http.post(
            f"{gateway_url}/v1/channels/avito",
            headers={"Authorization": f"Bearer {created.api_key}"},
            json={"name": "Sandbox Avito shop", "client_id": account["client_id"],
                  "client_secret": account["client_secret"], "sandbox": True})).raise_for_status().json()
        await enable_sandbox_agent(http, gateway_url, created.api_key, channel["id"])
    return Seeded(
        tenant_id=str(created.tenant_id), api_key=created.api_key, email=DEMO_EMAIL,
        password=password,
        avito={"emulator_url": emulator_url, "channel_id": channel["id"],
               "user_id": account["user_id"], "webhook_url": channel["webhook_url"]})


async def register_partner_app(emulator_url: str, public_base_url: str) -> dict[str, str]:
    """A partner app on the emulator standing in for the platform's Avito app (the
    authorization-code flow), returned as ChannelsSettings overrides. Avito redirects the
    seller's browser to the gateway's callback after consent."""
    async with httpx.AsyncClient(timeout=10) as http:
        app = (await http.post(f"{emulator_url}/_emulator/apps", json={
            "redirect_uri": f"{public_base_url}/v1/channels/avito/oauth/callback",
            "name": "Switchboard (sandbox)"})).raise_for_status().json()
    return {"avito_oauth_client_id": app["client_id"],
            "avito_oauth_client_secret": app["client_secret"],
            "avito_oauth_url": f"{emulator_url}/oauth"}


async def still_valid(gateway_url: str, api_key: str) -> bool:
    """Is the saved demo tenant still in this database (it may have been reset)?"""
    async with httpx.AsyncClient(timeout=10) as http:
        resp = await http.get(f"{gateway_url}/v1/auth/me",
                              headers={"Authorization": f"Bearer {api_key}"})
    return resp.status_code == 200
