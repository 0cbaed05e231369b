"""One fault scenario: steady load, the fault, the heal, more load; then the platform's own
recovery (or, where reconciliation is the designed recovery, a requested pass), a drained
pipeline (positive signals only) and the accounting, with its summary line."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from tests.faults.accounting import Tally, account, stored_inbound
from tests.faults.load import Load
from tests.faults.stack import FaultStack

# Load before the fault, while it lasts, and after the heal (seconds): long enough for a
# steady state on each side, short enough for the whole suite to stay within minutes.
BEFORE_S, DURING_S, AFTER_S = 2.0, 4.0, 3.0
# A requested sync pass may coincide with one the scheduler had already begun (which need not
# see the newest messages): reconciliation is asked for again while messages are missing.
RECONCILE_ROUNDS = 3
# How long the platform has, after the load, to store every message by itself. Generous: what
# a scenario must meet is asserted on `Tally.caught_up_s` (e.g. the platform kill's 30 s).
CATCH_UP_WITHIN_S = 90.0
# The summary lines of this run, printed at the end of the session (conftest) and, when
# SWITCHBOARD_FAULTS_REPORT names a file, written there as JSON lines.
SUMMARY: list[str] = []


async def run_scenario(stack: FaultStack, fault: str, inject: Callable[[], Awaitable[object]],
                       heal: Callable[[], Awaitable[object]], *, during_s: float = DURING_S,
                       rides_it_out: bool = False, reconcile: bool = False,
                       before_s: float = BEFORE_S) -> Tally:
    """Run the load around `inject` ... `heal`; account for every message afterwards.

    Recovery is measured from the start of the heal (the restart issued, the faults lifted)
    — or, for a fault the platform should ride out without one (`rides_it_out`: a cluster
    node lost), from the fault itself — to the first message written after it being stored
    and the first outbound message being sent after it: end to end working again.

    The platform must store every message by itself (the gateway retries the deliveries it
    answered 503 and has their accounts synced; a gateway or channels that starts has the
    recently active accounts synced). `reconcile`: the fault loses messages nobody on our side
    saw (webhooks Avito dropped), whose designed recovery is the periodic reconciliation —
    asked for here instead of waiting its interval.
    """
    await asyncio.to_thread(stack.processes.ensure_running)  # type: ignore[union-attr]
    load = Load(stack, fault)
    async with load.running():
        await asyncio.sleep(before_s)  # paces the load; nothing is asserted from it
        await inject()
        since = time.time()
        await asyncio.sleep(during_s)
        since = since if rides_it_out else time.time()
        await heal()
        await asyncio.sleep(AFTER_S)
    started = time.monotonic()
    if reconcile:
        await _reconciled(stack, load)
    else:
        await _stored(stack, load, CATCH_UP_WITHIN_S)
        await stack.drained()
    tally = await account(stack, load, fault, since, time.monotonic() - started)
    _report(tally)
    return tally


async def _stored(stack: FaultStack, load: Load, within_s: float) -> None:
    """Until every offered message is stored (a positive signal), or `within_s` (the
    accounting then shows what is missing)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        found = await stored_inbound(stack, load)
        if all((o.shop.channel_id, o.message_id) in found for o in load.offered):
            return
        await asyncio.sleep(0.5)


async def _reconciled(stack: FaultStack, load: Load) -> None:
    await stack.drained()  # what the webhooks brought has landed ...
    for _ in range(RECONCILE_ROUNDS):  # ... then what they missed comes by reconciliation
        await stack.reconcile()
        await stack.drained()
        found = await stored_inbound(stack, load)
        if all((o.shop.channel_id, o.message_id) in found for o in load.offered):
            return


def _report(tally: Tally) -> None:
    line = tally.line()
    SUMMARY.append(line)
    print(line, flush=True)
    target = os.environ.get("SWITCHBOARD_FAULTS_REPORT")
    if target:
        with Path(target).open("a", encoding="utf-8") as out:
            fields = {k: v for k, v in vars(tally).items() if k != "problems"}
            out.write(json.dumps({**fields, "problems": tally.problems[:20]}) + "\n")


def explain(tally: Tally) -> str:
    """The assertion message: the summary line, then the first problems found."""
    return "\n".join([tally.line(), *tally.problems[:30]])
