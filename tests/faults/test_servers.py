"""nats-server killed and restarted, PostgreSQL restarted, mid-load: every component rides it
out on its own (no restart of ours), and nothing is lost or doubled."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal

import pytest

from switchboard.devstack.nats import EmbeddedNats
from switchboard.devstack.postgres import EmbeddedPostgres
from tests.faults.scenario import explain, run_scenario
from tests.faults.stack import FaultStack

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


async def test_nats_server_killed_and_restarted(stack: FaultStack,
                                                faults_nats: EmbeddedNats) -> None:
    async def kill() -> None:
        pid = int((faults_nats.data_dir / "nats.pid").read_text())
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        await asyncio.to_thread(faults_nats.stop)  # reaps it; the store and ports stay

    async def restart() -> None:
        await asyncio.to_thread(faults_nats.start)

    tally = await run_scenario(stack, "kill -9 nats-server", kill, restart)
    assert tally.clean, explain(tally)
    assert tally.offered and tally.replies and tally.agent_replies, explain(tally)


async def test_postgres_restarted(stack: FaultStack, faults_postgres: EmbeddedPostgres) -> None:
    async def stop() -> None:
        # Fast shutdown: every session cut, open transactions rolled back.
        await asyncio.to_thread(faults_postgres.stop)

    async def start() -> None:
        await asyncio.to_thread(faults_postgres.start)

    tally = await run_scenario(stack, "restart PostgreSQL", stop, start)
    assert tally.clean, explain(tally)
    assert tally.offered and tally.replies and tally.agent_replies, explain(tally)
