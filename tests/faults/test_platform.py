"""kill -9 of the whole platform mid-load — every component at once, as when the one process of
`serve all` or its machine dies — then a restart: every message Avito could not deliver
meanwhile is stored within 30 s of the platform working again, without a sync asked by hand
(the gateway and channels, as they start, have the recently active accounts synced). Counted
from the first new message stored after the restart, not from the restart's start: how long
the processes take to come up depends on the machine's load (48 s beside another pytest
worker), and is the restart's, not the catch-up's."""

from __future__ import annotations

import asyncio

import pytest

from tests.faults.scenario import explain, run_scenario
from tests.faults.stack import FaultStack

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

CAUGHT_UP_WITHIN_S = 30.0


async def test_kill_9_of_the_whole_platform_and_restart(stack: FaultStack) -> None:
    assert stack.processes is not None
    processes = list(stack.processes.components.values())

    def kill_all() -> None:
        for process in processes:
            process.kill()

    def restart_all() -> None:
        for process in processes:
            process.start()
        for process in processes:
            process.wait_ready()

    tally = await run_scenario(stack, "kill -9 platform", lambda: asyncio.to_thread(kill_all),
                               lambda: asyncio.to_thread(restart_all))
    assert tally.clean, explain(tally)
    assert tally.offered > tally.by_webhook, explain(tally)  # the outage refused deliveries
    assert tally.caught_up_s is not None and tally.recovery_s is not None, explain(tally)
    assert tally.caught_up_s - tally.recovery_s <= CAUGHT_UP_WITHIN_S, explain(tally)
    assert tally.replies and tally.agent_replies, explain(tally)
