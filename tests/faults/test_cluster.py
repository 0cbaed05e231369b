"""NATS as a 3-node JetStream cluster (streams with 3 replicas); mid-load, the node every
process is connected to — and which leads every stream — is killed, and comes back later."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from clients.rpc import topics
from switchboard.devstack.cluster import NatsCluster
from switchboard.devstack.postgres import EmbeddedPostgres
from tests.faults.conftest import migrated
from tests.faults.scenario import explain, run_scenario
from tests.faults.stack import FaultStack

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def cluster(faults_dir: Path) -> Iterator[NatsCluster]:
    with NatsCluster(faults_dir / "cluster", size=3) as started:
        yield started


@pytest.fixture(scope="module")
async def cluster_stack(faults_dir: Path, faults_postgres: EmbeddedPostgres,
                        cluster: NatsCluster) -> AsyncIterator[FaultStack]:
    # A database of its own: this stack's schedulers must never claim the other's accounts.
    owner_url = await migrated(faults_postgres, "faults_cluster")
    built = await FaultStack.create(faults_dir / "cluster-platform", owner_url, cluster.urls,
                                    cluster.credentials, replicas=3)
    yield built
    await built.close()


async def lead_everything(stack: FaultStack, node: str) -> None:
    """Move every stream's leadership to `node` (JetStream's stepdown with a preferred
    server), and check each stream keeps 3 replicas."""
    assert stack.nc is not None
    js = stack.nc.jetstream(timeout=5)
    for stream in topics.STREAMS:
        for _ in range(50):
            info = await js.stream_info(stream.name)
            assert info.config.num_replicas == 3, stream.name
            if info.cluster is not None and info.cluster.leader == node:
                break
            if info.cluster is not None and info.cluster.leader:
                await stack.nc.request(f"$JS.API.STREAM.LEADER.STEPDOWN.{stream.name}", json.dumps(
                    {"placement": {"preferred": node}}).encode(), timeout=5)
            await asyncio.sleep(0.2)
        else:
            raise AssertionError(f"{stream.name} is not led by {node}")


async def test_one_node_of_three_killed(cluster_stack: FaultStack, cluster: NatsCluster) -> None:
    victim = cluster.nodes[0]  # the URL every process was given

    async def kill() -> None:
        await lead_everything(cluster_stack, victim.name)
        await asyncio.to_thread(cluster.kill_node, 0)

    async def restart() -> None:
        await asyncio.to_thread(cluster.start_node, 0)

    # Long enough for JetStream to elect new leaders and serve on two nodes for a while
    # before the third comes back.
    tally = await run_scenario(cluster_stack, "kill -9 1 of 3 NATS nodes", kill, restart,
                               during_s=15, rides_it_out=True)
    assert tally.clean, explain(tally)
    assert tally.offered and tally.replies and tally.agent_replies, explain(tally)
