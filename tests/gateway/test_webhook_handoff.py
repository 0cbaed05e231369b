"""The webhook hand-off when JetStream is away: a 503 within Avito's 2-s delivery timeout, the
delivery retried by the gateway once JetStream is back (stored once, its outcome counted), and
the account synced; a gateway that starts has channels sync the recently active accounts."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from prometheus_client import REGISTRY

from clients.rpc import topics
from switchboard.credentials import Credentials
from switchboard.devstack.nats import EmbeddedNats
from switchboard.devstack.ports import free_port
from switchboard.platform import GatewayRuntime
from tests.fixtures.bus import admin_bus, provisioned
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant, second_gateway
from tests.gateway.test_webhooks import delivery

pytestmark = pytest.mark.slow

AVITO_TIMEOUT_S = 2.0  # Avito gives up on a delivery after this


@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Hand-off seller")


@pytest.fixture
async def shop(platform: RunningPlatform, seller: Tenant) -> SandboxShop:
    return await platform.connect_sandbox_shop(seller)


@pytest.fixture
async def private_nats(tmp_path: Path, credentials: Credentials) -> AsyncIterator[EmbeddedNats]:
    server = EmbeddedNats(tmp_path / "nats", credentials=credentials)
    server.start()
    try:
        await provisioned(server)  # the streams, as `switchboard streams` makes them
        yield server
    finally:
        server.stop()




@pytest.fixture
async def gateway_on_private_nats(platform: RunningPlatform,
                                  private_nats: EmbeddedNats) -> AsyncIterator[GatewayRuntime]:
    gateway = await second_gateway(platform, nats_url=private_nats.url,
                                   webhook_handoff_timeout_s=0.5)
    yield gateway
    await gateway.stop()


def refusals(outcome: str) -> float:
    return REGISTRY.get_sample_value("switchboard_webhook_refusals_total",
                                     {"outcome": outcome}) or 0.0


async def last_sync_at(seller: Tenant, shop: SandboxShop) -> str | None:
    resp = await seller.http.get(f"/v1/channels/{shop.channel['id']}")
    return resp.raise_for_status().json()["last_sync_at"]  # type: ignore[no-any-return]


async def synced_since(seller: Tenant, shop: SandboxShop, before: str | None,
                       within: float = 20.0) -> None:
    """A sync pass of the shop's account completed after `before` was read."""
    async def moved() -> bool:
        return await last_sync_at(seller, shop) not in (None, before)
    await eventually(moved, within=within, interval=0.2)


def path(shop: SandboxShop) -> str:
    url = shop.channel["webhook_url"]
    return url[url.index("/webhooks/"):]


async def test_a_delivery_jetstream_cannot_take_is_answered_in_time_retried_and_synced(
        gateway_on_private_nats: GatewayRuntime, private_nats: EmbeddedNats, seller: Tenant,
        shop: SandboxShop) -> None:
    await synced_since(seller, shop, None)  # the new account's backfill is behind us
    before_sync = await last_sync_at(seller, shop)
    before = {outcome: refusals(outcome) for outcome in ("refused", "taken_late", "retaken")}
    body = delivery(shop.user_id, delivery_id=f"refused-{uuid.uuid4()}")
    await asyncio.to_thread(private_nats.stop)
    try:
        async with httpx.AsyncClient(base_url=gateway_on_private_nats.url,
                                     timeout=AVITO_TIMEOUT_S) as avito:
            # Before the budget, JetStream's 10-s timeout held the answer past Avito's.
            resp = await avito.post(path(shop), json=body)
    finally:
        await asyncio.to_thread(private_nats.start)
    assert resp.status_code == 503, resp.text
    assert resp.headers["content-type"] == "application/problem+json"
    assert refusals("refused") == before["refused"] + 1

    async def outcome_known() -> bool:  # the gateway retried it: stored late, or by the retry
        settled = sum(refusals(o) - before[o] for o in ("taken_late", "retaken"))
        assert settled <= 1
        return settled == 1
    await eventually(outcome_known, within=20.0, interval=0.1)
    bus = await admin_bus(private_nats, "handoff-test")
    try:
        subject = topics.AVITO_WEBHOOK_RECEIVED.subject(seller.tenant_id)
        info = await bus.js.stream_info(topics.WEBHOOKS.name, subjects_filter=subject)
        assert (info.state.subjects or {}).get(subject) == 1  # stored once, whatever the path
    finally:
        await bus.close()
    # JetStream took publishes again: the account was synced for what Avito could not deliver.
    await synced_since(seller, shop, before_sync)
    assert gateway_on_private_nats.app.state.gateway.webhooks.recovery.pending == 0


async def test_a_delivery_whose_owner_cannot_be_looked_up_is_a_503_kept_for_a_retry(
        platform: RunningPlatform, shop: SandboxShop) -> None:
    nowhere = f"127.0.0.1:{free_port()}"  # channels unreachable: the owner is unknown
    gateway = await second_gateway(platform, channels_target=nowhere,
                                   webhook_handoff_timeout_s=0.5)
    try:
        async with httpx.AsyncClient(base_url=gateway.url, timeout=AVITO_TIMEOUT_S) as avito:
            resp = await avito.post(path(shop), json=delivery(shop.user_id))
        assert resp.status_code == 503, resp.text  # was a 500: the lookup's error escaped
        assert resp.headers["content-type"] == "application/problem+json"
        assert resp.headers["retry-after"] == "1"
        assert gateway.app.state.gateway.webhooks.recovery.pending == 1
    finally:
        await gateway.stop()


async def test_a_gateway_that_starts_has_channels_sync_the_recently_active_accounts(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop) -> None:
    """Deliveries refused while no gateway listened (a crash, a deploy) are Avito's to
    retry — or not: the account is synced as soon as a gateway is back."""
    await synced_since(seller, shop, None)
    await platform.buyer_writes(shop, "Велосипед ещё продаётся?")

    async def noted() -> bool:  # channels took the webhook: the account is recently active
        resp = await seller.http.get(f"/v1/channels/{shop.channel['id']}")
        return resp.raise_for_status().json()["last_webhook_at"] is not None
    await eventually(noted, within=20.0, interval=0.2)
    before_sync = await last_sync_at(seller, shop)
    gateway = await second_gateway(platform)
    try:
        await synced_since(seller, shop, before_sync)
    finally:
        await gateway.stop()
