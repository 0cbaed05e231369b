"""The SDK against the real platform (tests/fixtures/platform.py): a seller with a sandbox Avito
shop, and a client of the SDK holding the seller's admin key."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from switchboard_sdk import Backoff, Conversation, Switchboard

from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant

# Quick retries and reconnects: the tests wait for them.
FAST = Backoff(base_s=0.05, cap_s=0.5)


@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("SDK seller")


@pytest.fixture
async def shop(platform: RunningPlatform, seller: Tenant) -> SandboxShop:
    return await platform.connect_sandbox_shop(seller)


@pytest.fixture
async def sb(platform: RunningPlatform, seller: Tenant) -> AsyncIterator[Switchboard]:
    async with client(platform.gateway_url, seller.api_key) as sdk:
        yield sdk


def client(url: str, key: str, **options: Any) -> Switchboard:
    return Switchboard(url, api_key=key, timeout=10, backoff=FAST, **options)


async def new_key(seller: Tenant, *scopes: str) -> str:
    created = await seller.http.post("/v1/api-keys", json={"name": "sdk", "scopes": list(scopes)})
    assert created.status_code == 201, created.text
    return str(created.json()["key"])


async def conversation_of(sb: Switchboard, written: dict[str, Any]) -> Conversation:
    """The conversation of a buyer's message (from the emulator's /incoming), once it is stored."""
    async def find() -> Conversation | None:
        async for conversation in sb.iter_conversations():
            if conversation.external_chat_id == written["chat_id"]:
                messages = await sb.messages(conversation.id)
                if any(m.external_message_id == written["message_id"] for m in messages.items):
                    return conversation
        return None
    return await eventually(find, within=20, interval=0.1)
