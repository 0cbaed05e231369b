"""Firing on the real runtime with the scheduler's clock moved by hand: a due schedule fires
once and moves on; after downtime FIRE_ONCE_LATE fires one late run and SKIP records one
skipped run, both jumping to the next future slot; two replicas on one database fire each
due run exactly once; a run a stopped worker left is worked again once its lease runs out,
and given up after too many. The clock only moves forward through this module."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import orjson

from clients.rpc.gen.switchboard.scheduling.v1 import scheduling_service_pb2 as pb
from clients.rpc.scheduling import SchedulingClient
from services.kernel.db import Database
from services.kernel.tenancy import tenant_scope
from services.scheduling.repository import RunsRepository
from services.scheduling.runtime import SchedulingRuntime
from tests.fixtures.events import eventually
from tests.services.scheduling.conftest import Clock, Receiver, RuntimeFactory

SECRET = "s3cret-for-signing-reports"


def daily(receiver: Receiver, policy: int = pb.MISSED_RUN_POLICY_FIRE_ONCE_LATE,
          name: str = "Ежедневный") -> pb.Schedule:
    return pb.Schedule(
        name=name, local_time="09:00", time_zone="Europe/Moscow",
        recurrence=pb.Recurrence(daily=pb.Daily()), missed_run_policy=policy,  # type: ignore[arg-type]
        destination=pb.Destination(webhook=pb.WebhookDestination(url=receiver.url,
                                                                 secret=SECRET)),
        enabled=True)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def finished_runs(client: SchedulingClient, tenant: uuid.UUID,
                        schedule_id: str) -> list[pb.Run]:
    runs = (await client.runs(tenant, schedule_id)).runs
    return [r for r in runs if r.status != pb.RUN_STATUS_PENDING]


async def test_a_due_schedule_fires_once_then_waits_for_its_next_slot(
        client: SchedulingClient, runtime: SchedulingRuntime, receiver: Receiver,
        clock: Clock) -> None:
    clock.move_to(utc(2026, 12, 7, 5, 0))  # 08:00 in Moscow
    tenant = uuid.uuid4()
    schedule = await client.create(tenant, daily(receiver))
    assert schedule.next_run_at.ToDatetime(UTC) == utc(2026, 12, 7, 6, 0)

    clock.move_to(utc(2026, 12, 7, 6, 0, 2))
    assert runtime.scheduler is not None
    runtime.scheduler.wake()
    [run] = await eventually(lambda: finished_runs(client, tenant, schedule.id), within=15)
    assert (run.trigger, run.status, run.late) == (pb.RUN_TRIGGER_SCHEDULED,
                                                   pb.RUN_STATUS_DELIVERED, False)
    assert run.scheduled_for.ToDatetime(UTC) == utc(2026, 12, 7, 6, 0)
    moved = await client.get(tenant, schedule.id)
    assert moved.next_run_at.ToDatetime(UTC) == utc(2026, 12, 8, 6, 0)
    [(_, body)] = receiver.of_run(run.id)
    assert orjson.loads(body)["run"]["trigger"] == "scheduled"
    assert await runtime.scheduler.fire_due() == 0  # nothing due any more
    assert len((await client.runs(tenant, schedule.id)).runs) == 1


async def test_after_downtime_one_late_run_or_one_skipped_then_the_next_future_slot(
        client: SchedulingClient, runtime: SchedulingRuntime, receiver: Receiver,
        clock: Clock) -> None:
    clock.move_to(utc(2026, 12, 14, 5, 0))
    tenant = uuid.uuid4()
    late = await client.create(tenant, daily(receiver, name="late"))
    skip = await client.create(tenant, daily(receiver, pb.MISSED_RUN_POLICY_SKIP, "skip"))

    clock.move_to(utc(2026, 12, 17, 7, 0))  # down for three days: four slots missed
    assert runtime.scheduler is not None
    runtime.scheduler.wake()
    [fired] = await eventually(lambda: finished_runs(client, tenant, late.id), within=15)
    assert (fired.status, fired.late) == (pb.RUN_STATUS_DELIVERED, True)
    assert fired.scheduled_for.ToDatetime(UTC) == utc(2026, 12, 14, 6, 0)
    [skipped] = await eventually(lambda: finished_runs(client, tenant, skip.id), within=15)
    assert (skipped.status, skipped.late) == (pb.RUN_STATUS_SKIPPED, True)
    assert "SKIP" in skipped.error and not receiver.of_run(skipped.id)
    for schedule in (late, skip):
        assert (await client.get(tenant, schedule.id)).next_run_at.ToDatetime(UTC) == \
            utc(2026, 12, 18, 6, 0)
    assert await runtime.scheduler.fire_due() == 0
    assert len((await client.runs(tenant, late.id)).runs) == 1
    assert len((await client.runs(tenant, skip.id)).runs) == 1


async def test_two_replicas_fire_each_due_run_exactly_once(
        client: SchedulingClient, runtime: SchedulingRuntime, start_runtime: RuntimeFactory,
        receiver: Receiver, clock: Clock) -> None:
    second = await start_runtime(clock.now)
    clock.move_to(utc(2027, 1, 4, 5, 0))
    tenants = [uuid.uuid4() for _ in range(4)]
    created = await asyncio.gather(*(client.create(tenants[i % 4], daily(receiver, name=f"s{i}"))
                                     for i in range(60)))
    ours = {s.id for s in created}

    clock.move_to(utc(2027, 1, 4, 6, 0, 1))
    for replica in (runtime, second):
        assert replica.scheduler is not None
        replica.scheduler.wake()

    def delivered() -> Counter[str]:
        return Counter(orjson.loads(body)["run"]["id"] for _, body in receiver.calls
                       if orjson.loads(body)["schedule"]["id"] in ours)

    async def all_delivered() -> bool:
        return len(delivered()) == len(ours)
    await eventually(all_delivered, within=30, interval=0.1)
    assert runtime.scheduler is not None and second.scheduler is not None
    assert await runtime.scheduler.fire_due() == 0 and await second.scheduler.fire_due() == 0
    assert set(delivered().values()) == {1}  # no run delivered twice
    histories = await asyncio.gather(*(client.runs(tenants[i % 4], s.id)
                                       for i, s in enumerate(created)))
    assert all(len(h.runs) == 1 and h.runs[0].status == pb.RUN_STATUS_DELIVERED
               for h in histories)


async def test_a_run_a_stopped_worker_left_is_worked_again_then_given_up(
        client: SchedulingClient, runtime: SchedulingRuntime, receiver: Receiver,
        clock: Clock, own_db_url: str) -> None:
    tenant = uuid.uuid4()
    disabled = daily(receiver, name="left behind")
    disabled.enabled = False  # manual runs only
    schedule = await client.create(tenant, disabled)
    clock.move_to(utc(2027, 2, 1, 12, 0))
    db = Database(own_db_url, pool_size=1)
    left: dict[int, uuid.UUID] = {}
    try:
        for claims in (1, 3):  # a worker stopped once; workers stopped three times
            with tenant_scope(tenant):
                async with db.unit_of_work(tenant) as session:  # leased, as a claim leaves it
                    run = RunsRepository(session).manual(uuid.UUID(schedule.id), clock.now())
                    run.claims, run.lease_until = claims, clock.now() + timedelta(seconds=60)
            left[claims] = run.id
    finally:
        await db.dispose()
    clock.advance(seconds=61)  # the leases run out
    assert runtime.scheduler is not None
    runtime.scheduler.wake()

    async def both_finished() -> dict[str, pb.Run]:
        done = {r.id: r for r in await finished_runs(client, tenant, schedule.id)}
        return done if len(done) == 2 else {}
    done = await eventually(both_finished, within=15)
    again, given_up = done[str(left[1])], done[str(left[3])]
    assert again.status == pb.RUN_STATUS_DELIVERED and len(receiver.of_run(again.id)) == 1
    assert given_up.status == pb.RUN_STATUS_FAILED and not receiver.of_run(given_up.id)
    assert "a worker stopped while working this run 3 times" in given_up.error
