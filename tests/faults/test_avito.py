"""The Avito API failing for a while, mid-load: errors and rate limits on sends and listings,
dropped and duplicated webhooks; then Avito answering slower than our timeout."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from tests.faults.scenario import explain, run_scenario
from tests.faults.stack import FaultStack

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

# Re-armed every tick while the fault lasts: Avito failing "for a while", not for N calls.
TICK_S = 0.5


@contextlib.asynccontextmanager
async def failing(stack: FaultStack, faults: Callable[[int], list[dict[str, Any]]]
                  ) -> AsyncIterator[tuple[Callable[[], Awaitable[None]],
                                           Callable[[], Awaitable[None]]]]:
    """(inject, heal) for run_scenario: inject starts arming `faults(tick)` every tick, heal
    stops and clears every fault."""
    task: asyncio.Task[None] | None = None

    async def arm() -> None:
        for tick in itertools.count():
            for spec in faults(tick):
                await stack.inject(**spec)
            await asyncio.sleep(TICK_S)

    async def inject() -> None:
        nonlocal task
        task = asyncio.create_task(arm())

    async def heal() -> None:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await stack.clear_faults()

    try:
        yield inject, heal
    finally:
        await heal()


def errors(tick: int) -> list[dict[str, Any]]:
    status = (503, 502, 429, 500)[tick % 4]
    return [{"endpoint": "send", "status": status, "count": 2},
            {"endpoint": "item", "status": 500 if tick % 2 else 429, "count": 1},
            {"endpoint": "chat", "status": 503, "count": 1},
            {"drop_webhooks": 1, "duplicate_webhooks": True}]


def timeouts(tick: int) -> list[dict[str, Any]]:
    # Longer than the processes' SWITCHBOARD_AVITO_TIMEOUT_S (2 s): our client gives up,
    # while Avito still does what was asked.
    return [{"endpoint": "send", "latency_ms": 2500, "count": 1},
            {"endpoint": "item", "latency_ms": 2500, "count": 1}]


async def test_avito_errors_rate_limits_and_lost_webhooks(stack: FaultStack) -> None:
    # Webhooks Avito drops reach nobody on our side: the periodic reconciliation is their
    # designed recovery, asked for here rather than waited for.
    async with failing(stack, errors) as (inject, heal):
        tally = await run_scenario(stack, "Avito 5xx/429/drops", inject, heal, reconcile=True)
    assert tally.clean, explain(tally)
    assert tally.offered > tally.by_webhook, explain(tally)  # some came by reconciliation
    assert tally.replies and tally.agent_replies, explain(tally)


async def test_avito_timeouts(stack: FaultStack) -> None:
    async with failing(stack, timeouts) as (inject, heal):
        tally = await run_scenario(stack, "Avito timeouts", inject, heal)
    assert tally.clean, explain(tally)
    assert tally.offered and tally.replies and tally.agent_replies, explain(tally)
