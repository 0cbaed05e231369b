"""The reconciliation scheduler: a loop of the channels runtime that drives `sync_state`.

Each round claims due accounts (tenantless unit, a definer function: FOR UPDATE SKIP LOCKED, lease
= next_due_at pushed forward, commit), so replicas never take the same account; then runs a
pass for each (`reconcile.Reconciler`, tenant units of work, tenant from the row) and records
the outcome: success -> next in `sync_interval_s` ± jitter; failure -> failures + 1, the reason,
and an exponential backoff capped at the interval; disconnected -> looked at again later.
`claim`, `complete`, `fail` are small so the scheduling service can drive the table later.
SyncChannel (`ChannelsService.request_sync`) only makes an account due now; so does, for every
account with recent webhooks, the catch-up the loop runs first (`on_start`: what was refused
while channels was down comes at once, not at the next pass). Time — due times and
the loop's waits — comes from an injectable clock (`sync/clock.py`), so a test can move it and
watch the loop run a pass by itself.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from prometheus_client import Counter, Gauge, Histogram

from services.channels.avito.errors import (
    AvitoAuthError,
    AvitoError,
    AvitoPaymentRequired,
    AvitoUnavailable,
)
from services.channels.config import ChannelsSettings
from services.channels.repository import ChannelsUnit
from services.channels.sync.clock import Clock, SystemClock
from services.channels.sync.reconcile import Interrupted, PassResult, Reconciler
from services.channels.sync.repository import SyncClaim
from services.kernel.tenancy import tenant_scope
from services.kernel.unit import Units

log = logging.getLogger(__name__)

SYNC_LAG = Histogram(
    "switchboard_channels_sync_lag_seconds",
    "Time since an account's last successful sync, observed as its next pass starts",
    buckets=(30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 86400))
SYNC_OVERDUE = Gauge(
    "switchboard_channels_sync_overdue_accounts",
    "Accounts whose sync is overdue by more than a minute (all tenants)")
SYNC_RUNS = Counter(
    "switchboard_channels_sync_runs_total", "Reconciliation passes by outcome", ["outcome"])

OUTCOMES = ("ok", "failed", "skipped", "interrupted")
# An account counts as overdue once it waited this long past its due time.
OVERDUE_GRACE_S = 60.0
_OVERDUE_EVERY_S = 15.0


class SyncScheduler:
    def __init__(self, units: Units[ChannelsUnit], reconciler: Reconciler,
                 settings: ChannelsSettings, rng: random.Random | None = None,
                 clock: Clock | None = None,
                 on_start: Callable[[], Awaitable[object]] | None = None) -> None:
        self._units, self._reconciler, self._settings = units, reconciler, settings
        self._on_start = on_start
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not a secret
        self._clock = clock or SystemClock()
        self._in_flight: set[uuid.UUID] = set()
        self._overdue_at = 0.0
        for outcome in OUTCOMES:  # series exist (at zero) before the first pass
            SYNC_RUNS.labels(outcome)

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop`: keep up to `sync_batch` passes going, claiming more as they finish
        (one slow account does not hold the others up); look again every `sync_poll_s`."""
        batch, poll = self._settings.sync_batch, self._settings.sync_poll_s
        running: set[asyncio.Task[str]] = set()
        stopping = asyncio.create_task(stop.wait())
        try:
            while not stop.is_set():
                await self._started()
                claims = await self._claim_logged(batch - len(running))
                running |= {asyncio.create_task(self.work(c, stop)) for c in claims}
                # Slots left and work found: claim again now; none found: poll; full: wait.
                idle_s = None if len(running) >= batch else 0 if claims else poll
                for task in await self._wait(stopping, running, idle_s):
                    running.discard(task)
                    if task.exception() is not None:
                        log.error("sync bookkeeping failed", exc_info=task.exception())
        finally:
            stopping.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    async def _started(self) -> None:
        """`on_start`, once it worked (until then, again every round: the database may be
        coming up too)."""
        if self._on_start is None:
            return
        try:
            await self._on_start()
        except Exception:
            log.exception("catching up at start failed; trying again next round")
            return
        self._on_start = None

    async def _wait(self, stopping: asyncio.Task[bool], running: set[asyncio.Task[str]],
                    idle_s: float | None) -> set[asyncio.Task[str]]:
        """The passes that ended while waiting for one to end, for the stop, or for `idle_s`
        seconds of the clock (None: no limit; 0: not at all)."""
        sleeper = asyncio.create_task(self._clock.sleep(idle_s)) if idle_s else None
        try:
            done, _ = await asyncio.wait(
                {stopping, *running, *([sleeper] if sleeper else [])},
                timeout=0 if idle_s == 0 else None, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if sleeper is not None:
                sleeper.cancel()
        return {task for task in running if task in done}

    async def run_once(self, stop: asyncio.Event) -> int:
        """One round: claim up to `sync_batch` due accounts and work them all."""
        claims = await self.claim()
        await asyncio.gather(*(self.work(claim, stop) for claim in claims))
        return len(claims)

    async def _claim_logged(self, limit: int) -> list[SyncClaim]:
        if limit <= 0:
            return []
        try:
            return await self.claim(limit)
        except Exception:  # the database away for a moment: the next poll tries again
            log.exception("claiming due accounts failed")
            return []

    async def claim(self, limit: int | None = None) -> list[SyncClaim]:
        s = self._settings
        async with self._units.tenantless() as unit:
            repo = unit.sync_states
            claims = await repo.claim_due(self._clock.now(), limit or s.sync_batch,
                                          s.sync_lease_s, self._in_flight)
            # Ours until their pass ends, even if a SyncChannel makes them due meanwhile.
            self._in_flight.update(claim.channel_id for claim in claims)
            if time.monotonic() >= self._overdue_at:
                SYNC_OVERDUE.set(await repo.overdue(self._clock.now(), OVERDUE_GRACE_S))
                self._overdue_at = time.monotonic() + _OVERDUE_EVERY_S
        return claims

    async def work(self, claim: SyncClaim, stop: asyncio.Event) -> str:
        """One account's pass and its bookkeeping; returns the outcome."""
        self._in_flight.add(claim.channel_id)
        try:
            with tenant_scope(claim.tenant_id):
                if claim.last_synced_at is not None:
                    SYNC_LAG.observe((self._clock.now() - claim.last_synced_at).total_seconds())
                outcome = await self._pass(claim, stop)
        finally:
            self._in_flight.discard(claim.channel_id)
        SYNC_RUNS.labels(outcome).inc()
        return outcome

    async def _pass(self, claim: SyncClaim, stop: asyncio.Event) -> str:
        try:
            result = await self._reconciler.run(claim, stop)
        except Interrupted:
            await self.release(claim)
            return "interrupted"
        except Exception as exc:
            await self.fail(claim, exc)
            return "failed"
        if result is None:
            await self._postpone(claim)
            return "skipped"
        await self.complete(claim, result)
        return "ok"

    async def complete(self, claim: SyncClaim, result: PassResult) -> None:
        async with self._units() as unit:
            await unit.sync_states.complete(
                claim, synced_until=result.synced_until,
                next_due_at=self._in(self._jittered(self._settings.sync_interval_s)))

    async def fail(self, claim: SyncClaim, exc: Exception) -> None:
        reason = failure_reason(exc)
        log.warning("Avito account sync failed", exc_info=not isinstance(exc, AvitoError),
                    extra={"channel_id": str(claim.channel_id), "error": reason})
        s = self._settings
        async with self._units() as unit:
            repo = unit.sync_states
            failures = await repo.failures(claim) + 1
            backoff = min(s.sync_interval_s, s.sync_retry_base_s * 2 ** (failures - 1))
            await repo.fail(claim, reason, self._in(self._jittered(backoff)))

    async def release(self, claim: SyncClaim) -> None:
        """Give an unfinished account back: due again at once, for whoever runs next."""
        async with self._units() as unit:
            await unit.sync_states.postpone(claim, self._clock.now())

    async def _postpone(self, claim: SyncClaim) -> None:
        async with self._units() as unit:
            await unit.sync_states.postpone(claim, self._in(self._settings.sync_interval_s))

    def _in(self, seconds: float) -> datetime:
        return self._clock.now() + timedelta(seconds=seconds)

    def _jittered(self, seconds: float) -> float:
        spread = seconds * self._settings.sync_jitter
        return max(0.0, seconds + self._rng.uniform(-spread, spread))


def failure_reason(exc: Exception) -> str:
    """What a seller (or the diagnostics call) can read in sync_state.last_error."""
    if isinstance(exc, AvitoAuthError):
        return f"Avito refused the account's credentials: {exc.message}. Reconnect the account."
    if isinstance(exc, AvitoPaymentRequired):
        return ("Avito answered 402 Payment required: the account's tariff does not include "
                "the Messenger API")
    if isinstance(exc, AvitoUnavailable):
        return f"Avito is not answering ({exc.message}); the sync will be retried"
    if isinstance(exc, AvitoError):
        return f"Avito refused a sync request ({exc.status}): {exc.message}"
    return f"internal error ({type(exc).__name__}); the sync will be retried"
