"""Reconciliation driven by the scheduling service, for real: a scheduling runtime on this
module's database fires the platform job `channels.reconcile` (its clock moved by hand), calls
this channels runtime's PlatformJobRunner over gRPC, and channels runs the passes against the
Avito emulator — the backfill of a new account, then at the next slot the pass that brings a
message whose webhook the emulator dropped."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from clients.rpc.base import open_channel
from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as pb
from clients.rpc.gen.switchboard.scheduling.v1 import platform_jobs_pb2 as jpb
from clients.rpc.platform_jobs import PlatformJobRunnerClient, PlatformJobsClient
from services.channels.runtime import ChannelsRuntime
from services.kernel.config import KernelSettings
from services.kernel.db import Database
from services.kernel.errors import InvalidArgument, PermissionDenied
from services.scheduling.config import SchedulingSettings
from services.scheduling.runtime import SchedulingRuntime, build_runtime
from switchboard.credentials import Credentials
from tests.fixtures.bus import as_component
from tests.fixtures.events import eventually
from tests.services.channels import sync_helpers
from tests.services.channels.conftest import Avito, Listener
from tests.services.channels.sync_helpers import inbound_of, sync_row

Listen = Callable[[str], Awaitable[Listener]]
JOB = "channels.reconcile"
INTERVAL_S = 300.0
stop = sync_helpers.stop
nothing_due = sync_helpers.nothing_due


@dataclass
class Clock:
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self.at


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
async def scheduling(runtime: ChannelsRuntime, settings: KernelSettings,
                     credentials: Credentials, stack_db_url: str, stack_nats_url: str,
                     clock: Clock) -> AsyncIterator[SchedulingRuntime]:
    base = as_component(settings, credentials, "scheduling")
    config = SchedulingSettings(**{
        **base.model_dump(), "secret_key": settings.secret_key.get_secret_value(),
        "grpc_token": base.grpc_token.get_secret_value(),
        "nats_password": base.nats_password.get_secret_value(),
        "database_url": stack_db_url, "nats_url": stack_nats_url,
        "channels_target": runtime.grpc.address, "scheduling_target": "127.0.0.1:0",
        "job_channels_reconcile_s": INTERVAL_S, "job_channels_token_health_s": 0,
        "job_analytics_avito_statistics_s": 0, "job_conversations_wake_snoozed_s": 0,
        "scheduling_poll_s": 0.1})
    built = await build_runtime(config, clock.now)
    await built.start()
    yield built
    await built.stop(1)


@pytest.fixture(scope="module")
async def jobs(scheduling: SchedulingRuntime,
               settings: KernelSettings) -> AsyncIterator[PlatformJobsClient]:
    client = PlatformJobsClient(open_channel(scheduling.grpc.address), settings.caller("gateway"))
    yield client
    await client.channel.close()


async def started(jobs: PlatformJobsClient) -> None:
    """The job was seeded (due at once) and its first slot's run finished: from now on a run
    happens only when a test moves the clock."""
    async def first_run_done() -> bool:
        return any(j.name == JOB and j.HasField("last_run") and j.last_run.status != "running"
                   for j in await jobs.jobs())
    await eventually(first_run_done, within=30)


async def fire_next_slot(scheduling: SchedulingRuntime, jobs: PlatformJobsClient,
                         clock: Clock) -> jpb.PlatformJobRun:
    """Move the clock to the job's next slot, wake the scheduler, return the slot's run once
    it finished."""
    [job] = [j for j in await jobs.jobs() if j.name == JOB]
    slot = job.next_run_at.ToDatetime(UTC)
    clock.at = max(clock.at, slot + timedelta(seconds=1))
    assert scheduling.scheduler is not None
    scheduling.scheduler.wake()

    async def finished() -> jpb.PlatformJobRun | None:
        runs = [r for r in await jobs.runs(JOB) if r.slot.ToDatetime(UTC) == slot]
        return runs[0] if runs and runs[0].status != "running" else None
    return await eventually(finished, within=30)


async def test_the_job_runs_the_backfill_then_the_next_slot_brings_a_dropped_message(
        runtime: ChannelsRuntime, scheduling: SchedulingRuntime, jobs: PlatformJobsClient,
        channels: ChannelsClient, avito: Avito, stack_db: Database, tenant_a: uuid.UUID,
        listen: Listen, clock: Clock) -> None:
    await started(jobs)
    account = await avito.account(items=[{"title": "Комод", "price": 7000}])
    channel = await channels.connect_avito_account(tenant_a, pb.ConnectAvitoAccountRequest(
        name="Магазин", client_id=account["client_id"], client_secret=account["client_secret"],
        subscribe_webhook=True))  # due at once: its backfill
    backfill = await fire_next_slot(scheduling, jobs, clock)
    assert (backfill.status, backfill.error) == ("ok", "")
    assert backfill.processed >= 1 and backfill.failed == 0, backfill
    assert (await sync_row(stack_db, tenant_a, channel.id)).backfilled_at is not None

    inbound = await listen(f"sb.channels.{tenant_a}.message.inbound")
    (await avito.http.post("/_emulator/faults", json={"drop_webhooks": 1})).raise_for_status()
    try:
        missed = await avito.incoming(account["user_id"], text="Комод ещё продаётся?")

        async def dropped() -> bool:
            log = (await avito.http.get("/_emulator/deliveries")).json()["deliveries"]
            return any(d["message_id"] == missed["message_id"] and d["state"] == "dropped"
                       for d in log)
        await eventually(dropped)
    finally:
        await avito.clear_faults()
    # The account's own interval has not passed: SyncChannel makes it due (this runtime
    # runs no round by itself), the job's next slot takes it.
    await channels.sync_channel(tenant_a, channel.id)
    periodic = await fire_next_slot(scheduling, jobs, clock)
    assert (periodic.status, periodic.trigger, periodic.failed) == ("ok", "scheduled", 0)
    assert periodic.slot.ToDatetime(UTC) - backfill.slot.ToDatetime(UTC) >= timedelta(
        seconds=INTERVAL_S)
    assert [e.message.external_message_id for e in inbound_of(inbound)] == [
        missed["message_id"]]
    assert not inbound_of(inbound)[0].historical  # late, but live
    [job] = [j for j in await jobs.jobs() if j.name == JOB]
    assert job.last_run.id == periodic.id and job.next_run_at.ToDatetime(UTC) > clock.at


async def test_only_scheduling_asks_for_rounds_and_only_for_jobs_channels_owns(
        runtime: ChannelsRuntime, settings: KernelSettings, credentials: Credentials) -> None:
    scheduling_caller = as_component(settings, credentials, "scheduling").caller("scheduling")
    for caller, job, refused in ((settings.caller("gateway"), JOB, PermissionDenied),
                                 (scheduling_caller, "analytics.avito_statistics",
                                  InvalidArgument)):
        client = PlatformJobRunnerClient(open_channel(runtime.grpc.address), caller)
        try:
            with pytest.raises(refused):
                await client.run(job, "test-run", 5.0)
        finally:
            await client.channel.close()
