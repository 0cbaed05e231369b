"""The debounce scheduler: leases due pending replies and answers them.

Claiming runs across tenants in a tenantless unit, through one definer function
(`agent.claim_due_replies`: `FOR UPDATE SKIP LOCKED`, lease via locked_until, one statement per
batch), so any number of replicas share the work and none takes a row another holds;
each claimed row is then answered in its own tenant's units of work. A run that fails keeps its
row, retried after a growing delay; past the attempt budget it is dropped (logged, counted).
The rows live in PostgreSQL: a restart in the middle of a wait loses nothing. Runs that fail
while the process stops (the services they call may be going down too) give their lease back
for the next start and are reported in one line, not one traceback each.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from services.agent.answering import metrics
from services.agent.answering.clock import Clock
from services.agent.answering.repository import Claim
from services.agent.answering.responder import Responder
from services.agent.config import AgentSettings
from services.agent.repository import AgentUnit
from services.kernel.tenancy import tenant_scope
from services.kernel.unit import Units

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(self, units: Units[AgentUnit], responder: Responder, config: AgentSettings,
                 clock: Clock) -> None:
        self.units, self.responder, self.config, self.clock = units, responder, config, clock
        self.wakeup = asyncio.Event()
        self._stopping = asyncio.Event()  # the runtime's stop event, once `run` has it

    async def run(self, stop: asyncio.Event) -> None:
        """The runtime loop: tick; when idle, sleep until the next wait ends (at most the poll
        interval, which bounds how late another replica's rows are seen) or a wake-up: a
        buyer message this process noted may end sooner."""
        self._stopping = stop
        while not stop.is_set():
            try:
                handled = await self.tick()
                idle_s = await self.until_next_due() \
                    if handled < self.config.agent_scheduler_batch else 0.0
            except Exception as exc:
                if stop.is_set():
                    log.warning("agent scheduler pass cut short by shutdown",
                                extra={"error": repr(exc)})
                    return
                log.exception("agent scheduler pass failed")
                idle_s = self.config.agent_scheduler_poll_s
            if idle_s > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(_first(stop, self.wakeup), idle_s)
            self.wakeup.clear()

    async def until_next_due(self) -> float:
        """Seconds until the earliest unleased wait ends, capped by the poll interval."""
        async with self.units.tenantless() as unit:
            due = await unit.pending.next_due(self.clock.now())
        poll = self.config.agent_scheduler_poll_s
        return poll if due is None else min(poll, max(0.0, (due - self.clock.now()).total_seconds()))

    async def tick(self) -> int:
        """Lease the rows due now and answer them; returns how many were leased."""
        now = self.clock.now()
        async with self.units.tenantless() as unit:
            claims = await unit.pending.claim_due(
                now, timedelta(seconds=self.config.agent_lease_s), self.config.agent_scheduler_batch)
        if claims:
            metrics.PENDING_CLAIMED.inc(len(claims))
            outcomes = await asyncio.gather(*(self._answer(c) for c in claims))
            if interrupted := [o for o in outcomes if o is not None]:
                await self._interrupted(interrupted)
        return len(claims)

    async def _answer(self, claim: Claim) -> tuple[Claim, Exception] | None:
        """None when done (or failed and rescheduled); the claim and its error when the run
        failed while stopping."""
        with tenant_scope(claim.tenant_id):
            try:
                await self.responder.respond(claim)
            except Exception as exc:
                if self._stopping.is_set():
                    return claim, exc
                await self._failed(claim, exc)
        return None

    async def _interrupted(self, runs: list[tuple[Claim, Exception]]) -> None:
        """Stopping: end the leases so the next start answers at once (best effort: the
        database may be going away too), and say so once."""
        now = self.clock.now()
        released = 0
        for claim, exc in runs:
            with contextlib.suppress(Exception):
                async with self.units(claim.tenant_id) as unit:
                    await unit.pending.release(claim, now, f"interrupted by shutdown: {exc!r}")
                released += 1
        log.warning("shutdown interrupted pending replies; the next start answers them", extra={
            "count": len(runs), "released": released, "error": repr(runs[0][1])})

    async def _failed(self, claim: Claim, exc: Exception) -> None:
        async with self.units(claim.tenant_id) as unit:
            if claim.attempts >= self.config.agent_max_attempts:
                log.error("giving up on a pending reply", exc_info=exc, extra={
                    "conversation_id": str(claim.conversation_id), "attempts": claim.attempts})
                await unit.pending.drop(claim)
                metrics.OUTCOMES.labels("failed", "none").inc()
                return
            backoff = self.config.agent_retry_backoff_s
            delay = backoff[min(claim.attempts - 1, len(backoff) - 1)]
            log.warning("pending reply failed, will retry", exc_info=exc, extra={
                "conversation_id": str(claim.conversation_id), "attempt": claim.attempts,
                "retry_in_s": delay})
            await unit.pending.release(claim, self.clock.now() + timedelta(seconds=delay), str(exc))


async def _first(*events: asyncio.Event) -> None:
    waiters = [asyncio.create_task(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
