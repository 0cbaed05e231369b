"""The platform jobs in serve all's composition (the session platform, each component with its
own credentials): asked to run now, scheduling calls channels' and analytics' runners over
gRPC and records each run ok; a new sandbox shop's account is then token-checked."""

from __future__ import annotations

import uuid

from clients.rpc.base import open_channel
from clients.rpc.gen.switchboard.scheduling.v1 import platform_jobs_pb2 as jpb
from clients.rpc.platform_jobs import PlatformJobsClient
from services.channels.models import ChannelAccount
from services.scheduling.config import SchedulingSettings
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform

JOBS = ("channels.reconcile", "channels.token_health", "analytics.avito_statistics",
        "conversations.wake_snoozed")


async def test_each_platform_job_runs_at_its_owner_when_asked(platform: RunningPlatform) -> None:
    seller = await platform.new_tenant("Платформенные задачи")
    shop = await platform.connect_sandbox_shop(seller, "Проверка токена")
    scheduling = platform.platform.runtimes["scheduling"]
    client = PlatformJobsClient(open_channel(scheduling.grpc.address),
                                platform.settings.caller("gateway"))
    try:
        async def seeded() -> bool:
            return {j.name for j in await client.jobs()} >= set(JOBS)
        await eventually(seeded, within=30)
        # The runs there were before asking (by id: a long session's fast jobs, like the
        # reconciliation every 5 s, reach any page size, so their count says nothing).
        before = {job: {r.id for r in await client.runs(job, 200)} for job in JOBS}
        for job in JOBS:
            await client.run_now(job)

        async def manual_runs() -> dict[str, jpb.PlatformJobRun] | None:
            found = {}
            for job in JOBS:
                asked = [r for r in await client.runs(job, 200)
                         if r.trigger == "manual" and r.id not in before[job]]
                if not asked or asked[-1].status == "running":
                    return None
                found[job] = asked[-1]
            return found
        # A run ends within its attempts' deadlines (recorded failed past them, which the
        # assertion below shows): under load, a round over every tenant of a long session can
        # take longer than a minute, and that is no failure.
        limits = SchedulingSettings()
        runs = await eventually(manual_runs, within=limits.job_deadline_s * limits.job_attempts)
    finally:
        await client.channel.close()
    assert {job: (r.status, r.error) for job, r in runs.items()} == {
        job: ("ok", "") for job in JOBS}, runs

    async def checked() -> bool:  # the shop's token, by this or a scheduled round
        async with platform.db.unit_of_work(seller.tenant_id) as session:
            row = await session.get(ChannelAccount, uuid.UUID(shop.channel["id"]))
        return row is not None and row.token_checked_at is not None \
            and row.token_refused_since is None
    await eventually(checked, within=60)
    shown = (await seller.http.get(f"/v1/channels/{shop.channel['id']}")).json()
    assert shown["token_checked_at"] and shown["token_refused_since"] is None, shown
    assert shown["token_error"] == ""
    query = "{ channels { id tokenCheckedAt tokenRefusedSince } }"
    graph = (await seller.http.post("/graphql", json={"query": query})).json()
    [node] = [c for c in graph["data"]["channels"] if c["id"] == shop.channel["id"]]
    assert node["tokenCheckedAt"] and node["tokenRefusedSince"] is None, graph
