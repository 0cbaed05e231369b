"""Catching up after a gap: the accounts that had webhooks lately are synced at once — when a
gateway asks (CatchUp, as it starts) and when a channels process starts — instead of at their
next periodic pass, minutes later. Quiet accounts keep their schedule."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from clients.rpc.base import open_channel
from clients.rpc.channels import ChannelsClient
from clients.rpc.platform_jobs import PlatformJobRunnerClient
from services.channels.config import ChannelsSettings
from services.channels.runtime import ChannelsRuntime, build_runtime
from services.kernel.config import KernelSettings
from services.kernel.db import Database
from switchboard.credentials import Credentials
from tests.fixtures.bus import as_component
from tests.services.channels import sync_helpers
from tests.services.channels.conftest import Avito
from tests.services.channels.sync_helpers import connect, sync_row

stop = sync_helpers.stop
nothing_due = sync_helpers.nothing_due


async def synced_account(channels: ChannelsClient, avito: Avito, runtime: ChannelsRuntime,
                         tenant: uuid.UUID, stop: asyncio.Event) -> str:
    """A connected account whose backfill is done: its next pass is an interval away."""
    account: dict[str, Any] = await avito.account(items=[{"title": "Комод", "price": 7000}])
    channel = await connect(channels, account, tenant)
    assert runtime.sync is not None
    while await runtime.sync.run_once(stop):
        pass
    return channel.id


async def webhook_lately(db: Database, tenant: uuid.UUID, channel_id: str, *,
                         lease_s: float | None = None) -> None:
    """As the webhook consumer notes it; `lease_s`: a pass had claimed the account (and may
    have died with its process)."""
    async with db.unit_of_work(tenant) as session:
        await session.execute(text(
            "UPDATE channels.channel_accounts SET last_webhook_at = now() WHERE id = :id"),
            {"id": channel_id})
        if lease_s is not None:
            await session.execute(text(
                "UPDATE channels.sync_state SET next_due_at = now() + make_interval(secs => :s) "
                "WHERE channel_id = :id"), {"id": channel_id, "s": lease_s})


async def due_now(db: Database, tenant: uuid.UUID, channel_id: str) -> bool:
    row = await sync_row(db, tenant, channel_id)
    return row.next_due_at <= datetime.now(UTC)


async def test_catch_up_makes_the_recently_active_accounts_of_every_tenant_due(
        runtime: ChannelsRuntime, channels: ChannelsClient, avito: Avito, stack_db: Database,
        tenant_a: uuid.UUID, tenant_b: uuid.UUID, stop: asyncio.Event) -> None:
    active = await synced_account(channels, avito, runtime, tenant_a, stop)
    quiet = await synced_account(channels, avito, runtime, tenant_a, stop)
    leased = await synced_account(channels, avito, runtime, tenant_b, stop)
    await webhook_lately(stack_db, tenant_a, active)
    await webhook_lately(stack_db, tenant_b, leased, lease_s=900)
    assert not await due_now(stack_db, tenant_a, active)

    assert await channels.catch_up("test") == 2
    assert await due_now(stack_db, tenant_a, active)
    assert await due_now(stack_db, tenant_b, leased)  # a dead pass's lease is cut short
    assert not await due_now(stack_db, tenant_a, quiet)
    assert await channels.catch_up("test") == 0  # due already: nothing more to do


async def test_a_channels_process_that_starts_syncs_the_recently_active_accounts(
        runtime: ChannelsRuntime, channels: ChannelsClient, avito: Avito, stack_db: Database,
        channels_settings: ChannelsSettings, tenant_a: uuid.UUID, stop: asyncio.Event,
        settings: KernelSettings, credentials: Credentials) -> None:
    active = await synced_account(channels, avito, runtime, tenant_a, stop)
    quiet = await synced_account(channels, avito, runtime, tenant_a, stop)
    await webhook_lately(stack_db, tenant_a, active, lease_s=900)  # died mid-pass
    synced_before = (await sync_row(stack_db, tenant_a, active)).last_synced_at
    quiet_due = (await sync_row(stack_db, tenant_a, quiet)).next_due_at

    # Another channels process starting (as after a crash): the first round scheduling asks
    # of it catches up first.
    restarted = await build_runtime(channels_settings.model_copy(
        update={"channels_target": "127.0.0.1:0"}))
    await restarted.start()
    runner = PlatformJobRunnerClient(open_channel(restarted.grpc.address), as_component(
        settings, credentials, "scheduling").caller("scheduling"))
    try:
        done = await runner.run("channels.reconcile", "test-run", 30.0)
    finally:
        await runner.channel.close()
        await restarted.stop(2)
    assert done.processed >= 1 and done.failed == 0, done
    row = await sync_row(stack_db, tenant_a, active)
    assert row.last_synced_at is not None and row.last_synced_at != synced_before
    assert row.next_due_at > datetime.now(UTC) + timedelta(seconds=200)
    # Its first round claimed whatever was due with the active one: the quiet one was not.
    assert (await sync_row(stack_db, tenant_a, quiet)).next_due_at == quiet_due
