"""Token health, the platform job `channels.token_health`, on the real channels runtime against
the Avito emulator: one round asked over gRPC (as scheduling asks it) records a refused token
on the account, and diagnostics say since when without asking Avito about it; a healthy token
near its expiry is refreshed by the check and stored."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from clients.rpc.base import open_channel
from clients.rpc.channels import ChannelsClient
from clients.rpc.platform_jobs import PlatformJobRunnerClient
from services.channels.accounts.health import TokenHealth
from services.channels.models import ChannelAccount
from services.channels.runtime import ChannelsRuntime
from services.kernel.config import KernelSettings
from services.kernel.db import Database
from switchboard.credentials import Credentials
from tests.fixtures.bus import as_component
from tests.services.channels.conftest import Avito
from tests.services.channels.sync_helpers import connect

JOB = "channels.token_health"


@pytest.fixture(scope="module")
async def runner(runtime: ChannelsRuntime, settings: KernelSettings,
                 credentials: Credentials) -> AsyncIterator[PlatformJobRunnerClient]:
    caller = as_component(settings, credentials, "scheduling").caller("scheduling")
    client = PlatformJobRunnerClient(open_channel(runtime.grpc.address), caller)
    yield client
    await client.channel.close()


async def account_row(db: Database, tenant: uuid.UUID, channel_id: str) -> ChannelAccount:
    async with db.unit_of_work(tenant) as session:
        row = await session.get(ChannelAccount, uuid.UUID(channel_id))
    assert row is not None
    return row


async def test_a_refused_token_shows_in_diagnostics_after_one_run(
        runner: PlatformJobRunnerClient, channels: ChannelsClient, avito: Avito,
        stack_db: Database, tenant_a: uuid.UUID) -> None:
    account = await avito.account()
    channel = await connect(channels, account, tenant_a)
    # The seller issued a new client secret in Avito's cabinet and the token ran out: Avito
    # refuses the stored secret.
    await avito._ok("PATCH", f"/_emulator/accounts/{account['user_id']}",
                    json={"client_secret": "regenerated-in-the-cabinet"})
    await avito._ok("POST", "/_emulator/faults", json={"expire_tokens": True})
    done = await runner.run(JOB, "test-run", 30.0)
    assert (done.processed, done.failed, done.remaining) == (1, 1, 0), done
    assert done.detail == "1 refused"
    row = await account_row(stack_db, tenant_a, channel.id)
    assert row.token_refused_since is not None and row.token_checked_at is not None
    assert row.token_check_due_at is not None and row.token_check_due_at > datetime.now(UTC)
    assert "Avito refused the account's token" in row.token_error

    diagnosis = await channels.get_channel_diagnostics(tenant_a, channel.id)
    [health] = [c for c in diagnosis.checks if c.name == "token_health"]
    since = row.token_refused_since.isoformat(timespec="seconds")
    assert not health.ok and health.message.startswith(
        f"Avito has refused the account's token since {since}")
    assert "reconnect the account" in health.fix
    listed = await channels.get_channel(tenant_a, channel.id)  # what ListChannels shows too
    assert listed.token_refused_since.ToDatetime(UTC) == row.token_refused_since
    assert listed.token_checked_at.ToDatetime(UTC) == row.token_checked_at
    assert listed.token_error == row.token_error
    # Checked once: not due again for an hour, so the next round has nothing to do.
    again = await runner.run(JOB, "test-run-2", 30.0)
    assert (again.processed, again.detail) == (0, "nothing due")


async def test_a_healthy_token_near_its_expiry_is_refreshed_and_stored(
        runtime: ChannelsRuntime, runner: PlatformJobRunnerClient, channels: ChannelsClient,
        avito: Avito, stack_db: Database, tenant_a: uuid.UUID) -> None:
    channel = await connect(channels, await avito.account(), tenant_a)
    before = await account_row(stack_db, tenant_a, channel.id)
    assert before.access_token_enc is not None and before.token_expires_at is not None
    assert runtime.sync is not None  # the runtime's own units and Avito client pool
    # Every token counts as near its expiry for this check.
    health = TokenHealth(runtime.sync._units, runtime.sync._reconciler._clients,
                         runtime.sync._settings, ahead_s=10**9)
    done = await health.round(30.0)
    assert (done.processed, done.failed, done.detail) == (1, 0, "1 refreshed"), done
    after = await account_row(stack_db, tenant_a, channel.id)
    assert after.access_token_enc != before.access_token_enc  # a new token, stored
    assert after.token_expires_at is not None and after.token_expires_at >= before.token_expires_at
    assert after.token_refused_since is None and after.token_error == ""
    diagnosis = await channels.get_channel_diagnostics(tenant_a, channel.id)
    [check] = [c for c in diagnosis.checks if c.name == "token_health"]
    assert check.ok and check.message.startswith("Avito accepted the token at the last periodic")
