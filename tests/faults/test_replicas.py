"""Two replicas of every gRPC service, each its own process, as an autoscaler leaves them:
under load, gRPC calls and durable consumer work reach both replicas of a service (the
callers' round_robin over the target's addresses; the replicas pulling the same durables);
then one replica of each is killed mid-load and restarted, and nothing is lost or doubled."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from switchboard.components import SERVICES
from switchboard.devstack.nats import EmbeddedNats
from switchboard.devstack.postgres import EmbeddedPostgres
from tests.faults.conftest import migrated
from tests.faults.scenario import explain, run_scenario
from tests.faults.stack import FaultStack

pytestmark = [pytest.mark.slow, pytest.mark.timeout(420)]

# Services whose replicas the load's calls reach (the gateway's API, the agent's replies, the
# scheduler's reconciliation rounds): each replica must have served some.
CALLED = ("conversations", "channels")
# Durables the load feeds (inbound webhooks, stored messages): each replica must have pulled.
CONSUMING = ("conversations", "channels", "agent", "analytics", "integrations")


@pytest.fixture(scope="module")
def own_nats(faults_dir: Path) -> Iterator[EmbeddedNats]:
    # Its own server: two platforms on one would pull each other's messages.
    with EmbeddedNats(faults_dir / "replicas-nats") as server:
        yield server


@pytest.fixture(scope="module")
async def replicated(faults_dir: Path, faults_postgres: EmbeddedPostgres,
                     own_nats: EmbeddedNats) -> AsyncIterator[FaultStack]:
    owner_url = await migrated(faults_postgres, "faults_replicas")
    built = await FaultStack.create(faults_dir / "replicas-platform", owner_url, [own_nats.url],
                                    own_nats.credentials, copies=2)
    yield built
    await built.close()


async def work_done(stack: FaultStack, key: str) -> tuple[float, float]:
    """(gRPC calls served but health checks, bus messages handled) by one process."""
    assert stack.processes is not None
    async with httpx.AsyncClient(timeout=10) as http:
        text = (await http.get(stack.processes.metrics_url(key))).raise_for_status().text
    calls = handled = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "switchboard_grpc_server_requests_total" \
                    and "grpc.health" not in sample.labels.get("method", ""):
                calls += sample.value
            elif sample.name == "switchboard_bus_messages_total":
                handled += sample.value
    return calls, handled


async def test_two_replicas_share_calls_and_consumers_and_survive_losing_one(
        replicated: FaultStack) -> None:
    processes = replicated.processes
    assert processes is not None
    seen: dict[str, tuple[float, float]] = {}

    async def measure_then_kill_the_second_replicas() -> None:
        for name in SERVICES:
            for key in processes.replicas(name):
                seen[key] = await work_done(replicated, key)
        await asyncio.to_thread(lambda: [processes[f"{n}-2"].kill() for n in SERVICES])

    async def restart() -> None:
        await asyncio.to_thread(lambda: [processes.restart(f"{n}-2") for n in SERVICES])

    tally = await run_scenario(replicated, "one replica of each killed",
                               measure_then_kill_the_second_replicas, restart,
                               before_s=10.0, rides_it_out=True)
    for name in CALLED:
        assert all(seen[key][0] > 0 for key in processes.replicas(name)), (name, seen)
    for name in CONSUMING:
        assert all(seen[key][1] > 0 for key in processes.replicas(name)), (name, seen)
    assert tally.clean, explain(tally)
    assert tally.replies and tally.agent_replies, explain(tally)
