"""Reconciliation rounds over `sync_state`, run when asked: by the scheduling service's platform
job `channels.reconcile` (`round`, through `PlatformJobRunner`; channels keeps no timer of its
own) and, for a SyncChannel, at once in this process (`request` / `serve_requests`).

Each round claims due accounts (tenantless unit, a definer function: FOR UPDATE SKIP LOCKED, lease
= next_due_at pushed forward, commit), so replicas never take the same account; then runs a
pass for each (`reconcile.Reconciler`, tenant units of work, tenant from the row) and records
the outcome: success -> next in `sync_interval_s` ± jitter; failure -> failures + 1, the reason,
and an exponential backoff capped at the interval; disconnected -> looked at again later.
SyncChannel (`ChannelsService.request_sync`) makes an account due now; so does, for every
account with recent webhooks, the catch-up the first round runs (`on_start`: what was refused
while channels was down comes at once, not at the next pass). Due times come from an
injectable clock (`sync/clock.py`), so a test can move it.
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

from clients.rpc.platform_jobs import RoundOutcome
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
        self._requested = asyncio.Event()
        for outcome in OUTCOMES:  # series exist (at zero) before the first pass
            SYNC_RUNS.labels(outcome)

    async def round(self, deadline_s: float) -> RoundOutcome:
        """One round, as the platform job `channels.reconcile` asks (scheduling times it):
        the catch-up first until it worked once, then up to `sync_batch` due accounts side
        by side; passes still going at the deadline are interrupted (their accounts due again
        at once). `remaining`: accounts of every tenant still due after the round."""
        await self._started()
        claims = await self.claim()
        stop = asyncio.Event()
        tasks = [asyncio.create_task(self.work(claim, stop)) for claim in claims]
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=deadline_s)
            if late:
                stop.set()  # a pass stops between its Avito calls and gives its account back
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                log.error("sync bookkeeping failed", exc_info=outcome)
        async with self._units.tenantless() as unit:
            remaining = await unit.sync_states.overdue(self._clock.now(), 0)
        failed = sum(o == "failed" or isinstance(o, BaseException) for o in outcomes)
        tally = {o: outcomes.count(o) for o in OUTCOMES if o in outcomes}
        return RoundOutcome(len(claims), failed, remaining,
                           ", ".join(f"{n} {o}" for o, n in tally.items()) or "nothing due")

    def request(self) -> None:
        """A SyncChannel made an account due: run a round now rather than at the job's next
        slot (`serve_requests`)."""
        self._requested.set()

    async def serve_requests(self, stop: asyncio.Event) -> None:
        """Until `stop`: a round each time `request` was called (no timer: the periodic
        rounds are scheduling's)."""
        stopping = asyncio.create_task(stop.wait())
        try:
            while not stop.is_set():
                requested = asyncio.create_task(self._requested.wait())
                await asyncio.wait({stopping, requested}, return_when=asyncio.FIRST_COMPLETED)
                requested.cancel()
                if stop.is_set():
                    return
                self._requested.clear()
                try:
                    await self.round(self._settings.sync_lease_s)
                except Exception:  # the database away: the job's next round takes it
                    log.exception("a requested sync round failed")
        finally:
            stopping.cancel()

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

    async def run_once(self, stop: asyncio.Event) -> int:
        """One round without a deadline (tests): claim up to `sync_batch` due accounts and
        work them all; how many were claimed."""
        claims = await self.claim()
        await asyncio.gather(*(self.work(claim, stop) for claim in claims))
        return len(claims)

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
