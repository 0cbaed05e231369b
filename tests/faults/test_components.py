"""kill -9 of each component in turn, mid-load, then a restart: nothing lost, nothing twice."""

from __future__ import annotations

import asyncio

import pytest

from tests.faults.scenario import explain, run_scenario
from tests.faults.stack import FaultStack

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


async def send_in_flight(stack: FaultStack) -> None:
    """Hold the next send at Avito for a while and return once it is held: the reply is on
    its way out (its send row SENDING) when channels dies, and Avito still takes it after."""
    await stack.inject(endpoint="send", latency_ms=1500, count=1)
    while True:
        assert stack.control is not None
        armed = (await stack.control.get("/_emulator/faults")).json()["armed"]
        if not armed:
            return
        await asyncio.sleep(0.05)


async def agent_mid_run(stack: FaultStack, within_s: float = 3.0) -> None:
    """Return once the agent holds a lease on a wait (a reply being worked out or sent), or
    after `within_s` (FAQ runs are short: the moment may be missed)."""
    assert stack.owner is not None
    deadline = asyncio.get_running_loop().time() + within_s
    while asyncio.get_running_loop().time() < deadline:
        if await stack.owner.fetchval(
                "SELECT count(*) FROM agent.pending_replies WHERE locked_until > now()"):
            return
        await asyncio.sleep(0.01)


IN_FLIGHT = {"channels": send_in_flight, "agent": agent_mid_run}


@pytest.mark.parametrize("component", ["gateway", "channels", "conversations", "agent"])
async def test_kill_9_and_restart(stack: FaultStack, component: str) -> None:
    assert stack.processes is not None
    process = stack.processes[component]

    async def kill() -> None:
        if component in IN_FLIGHT:
            await IN_FLIGHT[component](stack)
        await asyncio.to_thread(process.kill)

    async def restart() -> None:
        await asyncio.to_thread(stack.processes.restart, component)  # type: ignore[union-attr]

    tally = await run_scenario(stack, f"kill -9 {component}", kill, restart)
    assert tally.clean, explain(tally)
    assert tally.offered and tally.replies and tally.agent_replies, explain(tally)
