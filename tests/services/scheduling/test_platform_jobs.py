"""Platform jobs on the real scheduling runtime (the clock moved by hand), their owner a
PlatformJobRunner double over real gRPC: two replicas fire each slot exactly once and the
owner is asked once per slot; slots missed while no scheduler ran collapse into one run; a
round that left work makes the job due again at once; an owner that is down fails the run
with the reason and the next slot fires anyway; RunPlatformJobNow records a manual run; the
history is pruned; settings' intervals apply at start."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from clients.rpc.base import open_channel
from clients.rpc.gen.switchboard.scheduling.v1 import platform_jobs_pb2 as jpb
from clients.rpc.gen.switchboard.scheduling.v1 import platform_jobs_pb2_grpc as jrpc
from clients.rpc.platform_jobs import (
    RUNNER_SERVICE_NAME,
    RUNNER_TENANTLESS,
    PlatformJobRunnerServicer,
    PlatformJobsClient,
    RoundOutcome,
)
from services.kernel.config import KernelSettings
from services.kernel.errors import InvalidArgument, NotFound
from services.kernel.grpc_server import GrpcServer, ServiceBinding
from services.scheduling.jobs.repository import PlatformJobsRepository
from services.scheduling.runtime import SchedulingRuntime
from switchboard import cli
from switchboard.devstack.ports import free_port
from tests.fixtures.events import eventually
from tests.services.scheduling.conftest import Clock, RuntimeFactory

JOB = "channels.reconcile"
INTERVAL_S = 60.0


@dataclass
class Owner:
    """The channels side: counts its rounds; `left` rounds answer remaining=1 first."""

    clock: Clock
    address: str = ""
    rounds: int = 0
    left: int = 0
    deadlines: list[float] = field(default_factory=list)

    async def round(self, deadline_s: float) -> RoundOutcome:
        self.rounds += 1
        self.deadlines.append(deadline_s)
        self.clock.advance(seconds=0.5)  # a round takes a while
        more, self.left = int(self.left > 0), max(0, self.left - 1)
        return RoundOutcome(processed=2, failed=1, remaining=more, detail="2 ok")


@pytest.fixture(scope="module")
async def owner(settings: KernelSettings, clock: Clock) -> AsyncIterator[Owner]:
    double = Owner(clock)
    server = GrpcServer([ServiceBinding(jrpc.add_PlatformJobRunnerServicer_to_server,
                                        PlatformJobRunnerServicer({JOB: double.round}),
                                        RUNNER_SERVICE_NAME)],
                        settings=settings, accepts=("scheduling",), tenantless=RUNNER_TENANTLESS)
    await server.start()
    double.address = server.address
    yield double
    await server.stop(0)


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock(datetime(2026, 12, 7, 6, 0, tzinfo=UTC))


@pytest.fixture(scope="module")
async def replicas(start_runtime: RuntimeFactory, owner: Owner,
                   clock: Clock) -> list[SchedulingRuntime]:
    return [await start_runtime(clock.now, channels_target=owner.address,
                                job_channels_reconcile_s=INTERVAL_S, job_deadline_s=20)
            for _ in range(2)]


@pytest.fixture(scope="module")
async def jobs(replicas: list[SchedulingRuntime],
               settings: KernelSettings) -> AsyncIterator[PlatformJobsClient]:
    client = PlatformJobsClient(open_channel(replicas[0].grpc.address),
                                settings.caller("gateway"))
    yield client
    await client.channel.close()


async def settled_runs(jobs: PlatformJobsClient, count: int) -> list[jpb.PlatformJobRun]:
    """The job's runs once there are `count`, none running (newest first)."""
    async def done() -> list[jpb.PlatformJobRun] | None:
        try:
            runs = await jobs.runs(JOB, 200)
        except NotFound:  # not seeded yet: the replicas are starting
            return None
        return runs if len(runs) >= count and all(r.status != "running" for r in runs) \
            else None
    return await eventually(done, within=15)


def wake(replicas: list[SchedulingRuntime]) -> None:
    for replica in replicas:
        assert replica.scheduler is not None
        replica.scheduler.wake()


async def test_two_replicas_fire_each_slot_once_and_missed_slots_collapse(
        replicas: list[SchedulingRuntime], jobs: PlatformJobsClient, owner: Owner,
        clock: Clock) -> None:
    start = clock.at
    await settled_runs(jobs, 1)  # seeded due now: the first slot fired at start
    for n in range(2, 6):
        clock.advance(seconds=INTERVAL_S)
        wake(replicas)
        await settled_runs(jobs, n)
    runs = await settled_runs(jobs, 5)
    assert owner.rounds == len(runs) == 5
    assert sorted(r.slot.ToDatetime(UTC) for r in runs) == [
        start + timedelta(seconds=INTERVAL_S * i) for i in range(5)]
    assert {(r.status, r.trigger, r.processed, r.failed, r.detail) for r in runs} == {
        ("ok", "scheduled", 2, 1, "2 ok")}
    assert set(owner.deadlines) == {20.0}

    # Down for ten intervals: one run, at the missed slot; the next slot is after now.
    missed = start + timedelta(seconds=INTERVAL_S * 5)
    clock.advance(seconds=INTERVAL_S * 10 + 5)
    wake(replicas)
    [late, *_] = await settled_runs(jobs, 6)
    assert late.slot.ToDatetime(UTC) == missed and owner.rounds == 6
    [job] = [j for j in await jobs.jobs() if j.name == JOB]
    assert job.next_run_at.ToDatetime(UTC) == start + timedelta(seconds=INTERVAL_S * 15)
    assert job.last_run.id == late.id and job.enabled
    [analytics] = [j for j in await jobs.jobs() if j.name == "analytics.avito_statistics"]
    assert not analytics.enabled and not analytics.HasField("next_run_at")  # interval 0


async def test_a_round_that_left_work_is_followed_at_once_and_run_now_is_manual(
        replicas: list[SchedulingRuntime], jobs: PlatformJobsClient, owner: Owner) -> None:
    before = len(await settled_runs(jobs, 6))
    owner.left = 1
    await jobs.run_now(JOB)
    runs = await settled_runs(jobs, before + 2)  # the manual one, then one more at once
    newest, manual = runs[0], runs[1]
    assert (manual.trigger, manual.remaining) == ("manual", 1)
    assert (newest.trigger, newest.remaining) == ("scheduled", 0)
    with pytest.raises(NotFound, match=r"no platform job 'channels\.nope'"):
        await jobs.run_now("channels.nope")
    with pytest.raises(NotFound):
        await jobs.runs("nope.nope")
    for bad in ("", "nope", "channels.reconcile; drop", "x" * 300):
        with pytest.raises(InvalidArgument, match="name a job as `switchboard jobs` lists it"):
            await jobs.run_now(bad)
    with pytest.raises(InvalidArgument, match=r"limit must be 1\.\.200"):
        await jobs.runs(JOB, 500)


async def test_the_history_is_pruned_but_each_jobs_last_run_stays(
        replicas: list[SchedulingRuntime], jobs: PlatformJobsClient, clock: Clock) -> None:
    await settled_runs(jobs, 1)
    async with replicas[0].db.unscoped_unit_of_work() as session:
        pruned = await PlatformJobsRepository(session).prune(clock.at + timedelta(days=1))
    assert pruned >= 1
    [last] = await jobs.runs(JOB)
    [job] = [j for j in await jobs.jobs() if j.name == JOB]
    assert job.last_run.id == last.id


async def test_the_cli_lists_the_jobs_their_runs_and_runs_one_now(
        replicas: list[SchedulingRuntime], jobs: PlatformJobsClient, owner: Owner,
        settings: KernelSettings, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SWITCHBOARD_SCHEDULING_TARGET", replicas[0].grpc.address)
    monkeypatch.setenv("SWITCHBOARD_GRPC_TOKEN", settings.caller("gateway").token)
    await settled_runs(jobs, 1)  # seeded and run once (this test may run alone)
    await asyncio.to_thread(cli.main, ["jobs"])
    listed = capsys.readouterr().out
    assert f"{JOB}  every 60 s  next: " in listed and "analytics.avito_statistics  disabled" \
        in listed
    assert "last: " in listed and "ok      processed 2, failed 1, remaining 0 (2 ok)" in listed
    before = owner.rounds
    await asyncio.to_thread(cli.main, ["jobs", "run", JOB])
    assert "asked to run now" in capsys.readouterr().out
    await eventually(lambda: _true(owner.rounds > before))
    [newest, *_] = await settled_runs(jobs, 1)
    await asyncio.to_thread(cli.main, ["jobs", "runs", JOB, "--limit", "1"])
    [line] = capsys.readouterr().out.splitlines()
    assert "manual" in line and newest.trigger == "manual"
    with pytest.raises(SystemExit) as refused:
        await asyncio.to_thread(cli.main, ["jobs", "runs", "nope.nope"])
    assert refused.value.code == 1
    assert "no platform job 'nope.nope'" in capsys.readouterr().err


async def _true(value: bool) -> bool:
    return value


async def test_an_owner_that_is_down_fails_the_run_and_the_next_slot_fires(
        replicas: list[SchedulingRuntime], start_runtime: RuntimeFactory, clock: Clock,
        settings: KernelSettings) -> None:
    await asyncio.gather(*(r.stop(1) for r in replicas))  # the owner is up for them
    down = await start_runtime(clock.now, channels_target=f"127.0.0.1:{free_port()}",
                               job_channels_reconcile_s=INTERVAL_S / 2, job_attempts=2,
                               job_backoff_s=0.01)
    client = PlatformJobsClient(open_channel(down.grpc.address), settings.caller("gateway"))
    try:
        async def reseeded() -> jpb.PlatformJob | None:  # as its loop starts
            [job] = [j for j in await client.jobs() if j.name == JOB]
            return job if job.interval_s == INTERVAL_S / 2 else None
        job = await eventually(reseeded)
        # The shorter interval applied at start: the next slot came closer.
        assert job.next_run_at.ToDatetime(UTC) <= clock.at + timedelta(seconds=INTERVAL_S / 2)
        failed = []
        for _ in range(2):
            clock.at = job.next_run_at.ToDatetime(UTC) + timedelta(seconds=1)
            wake([down])

            async def failed_run(slot: datetime = job.next_run_at.ToDatetime(UTC)
                                 ) -> jpb.PlatformJobRun | None:
                runs = [r for r in await client.runs(JOB) if r.slot.ToDatetime(UTC) == slot]
                return runs[0] if runs and runs[0].status == "failed" else None
            failed.append(await eventually(failed_run, within=15))
            [job] = [j for j in await client.jobs() if j.name == JOB]
        for run in failed:
            assert run.error.startswith("channels is unavailable (") and "tried 2 times" in \
                run.error, run.error
        assert failed[1].slot.ToDatetime(UTC) - failed[0].slot.ToDatetime(UTC) == timedelta(
            seconds=INTERVAL_S / 2)
    finally:
        await client.channel.close()
