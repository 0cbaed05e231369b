"""What the gateway does so that deliveries it could not take still come in within seconds.

A delivery answered 503 (JetStream or the channel's owner did not answer within the hand-off
budget) is kept here and handed off again, oldest first, as soon as JetStream takes a publish
(another delivery went through, or a retry of the oldest one, backed off with jitter). Its
deterministic `Nats-Msg-Id` makes the outcome known: JetStream calling it a duplicate means it
was stored after all — the timed-out publish went through late (nats-py sends what it buffered
once it reconnects) or Avito's own retry was taken — logged and counted as `taken_late`;
otherwise this retry stored it (`retaken`). Then every account that had a delivery refused is
synced (`SyncChannel`), for whatever Avito could not deliver meanwhile.

What is kept is bounded (count, bytes, age below JetStream's 10-minute duplicate window) and
lives in this process only: a gateway that dies with refusals pending loses them, and its
successor's `CatchUp` at start (below) has channels sync every recently active account instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import random
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from prometheus_client import Counter, Gauge

from clients.rpc.channels import ChannelsClient
from gateway.errors import ProblemError
from services.kernel.errors import DomainError, NotFound

log = logging.getLogger(__name__)

REFUSALS = Counter(
    "switchboard_webhook_refusals_total",
    "Webhook deliveries answered 503, then how each ended: taken_late (stored after all), "
    "retaken (stored by the gateway's retry), given_up (rejected on retry, or not kept)",
    ["outcome"])
REFUSALS_PENDING = Gauge(
    "switchboard_webhook_refusals_pending", "Refused deliveries this gateway still retries")
OUTCOMES = ("refused", "taken_late", "retaken", "given_up")

MAX_KEPT = 10_000
MAX_KEPT_BYTES = 32 * 1024 * 1024
# Past JetStream's 10-minute duplicate window a late copy could no longer be told apart.
MAX_AGE_S = 300.0
RETRY_BACKOFF_S = (0.25, 5.0)  # first pause, longest pause (full jitter, doubling)
SYNC_ATTEMPTS = 5
CATCH_UP_ATTEMPTS = 10


@dataclass(frozen=True)
class Delivery:
    """A webhook as received, enough to hand it off again later."""

    channel_id: str
    token: str
    signature: str
    body: bytes
    received_at: float = field(default_factory=time.time)


@dataclass(frozen=True)
class HandedOff:
    """What JetStream said about a delivery: stored now, or already had it."""

    tenant_id: uuid.UUID
    channel_id: str
    lane: str
    duplicate: bool


class Refused(Exception):
    """Not handed off within the budget (JetStream or the owner lookup did not answer)."""

    def __init__(self, reason: str, tenant_id: uuid.UUID | None = None) -> None:
        super().__init__(reason)
        self.tenant_id = tenant_id


Retry = Callable[[Delivery], Awaitable[HandedOff | None]]


class HandoffRecovery:
    def __init__(self, retry: Retry, channels: ChannelsClient) -> None:
        self._retry, self._channels = retry, channels
        self._kept: OrderedDict[int, Delivery] = OrderedDict()  # oldest first
        self._kept_bytes = 0
        self._keys = itertools.count()
        self._to_sync: dict[str, uuid.UUID] = {}  # channel id -> tenant
        self._wake = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._worker: asyncio.Task[None] | None = None
        self._rng = random.Random()  # noqa: S311 - jitter, not a secret
        for outcome in OUTCOMES:
            REFUSALS.labels(outcome)

    @property
    def pending(self) -> int:
        return len(self._kept)

    def refused(self, delivery: Delivery, error: Refused) -> None:
        """A delivery was answered 503: keep it for a retry, note its account for a sync."""
        REFUSALS.labels("refused").inc()
        if error.tenant_id is not None:
            self._note_sync(delivery.channel_id, error.tenant_id)
        if len(self._kept) >= MAX_KEPT or self._kept_bytes + len(delivery.body) > MAX_KEPT_BYTES:
            self._give_up(delivery, "too many refused deliveries kept")
        else:
            self._kept[next(self._keys)] = delivery
            self._kept_bytes += len(delivery.body)
            REFUSALS_PENDING.set(len(self._kept))
        if self._worker is None or self._worker.done():
            self._worker = self._spawn(self._work())

    def taken(self) -> None:
        """A delivery was just handed off: JetStream is back, retry the kept ones now."""
        if self._kept:
            self._wake.set()

    def start(self) -> None:
        """Ask channels to sync the accounts active before this gateway started (in the
        background: channels may still be starting too)."""
        self._spawn(self._catch_up())

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._kept:
            log.warning("gateway stopping with refused webhook deliveries not yet retried",
                        extra={"deliveries": len(self._kept)})

    # ---- the retry loop --------------------------------------------------------------------

    async def _work(self) -> None:
        pause = RETRY_BACKOFF_S[0]
        while self._kept or self._to_sync:
            if not self._kept:
                await self._sync_noted()
                continue
            key, delivery = next(iter(self._kept.items()))
            if time.time() - delivery.received_at > MAX_AGE_S:
                self._drop(key)
                self._give_up(delivery, "refused too long ago")
                continue
            try:
                handed = await self._retry(delivery)
            except Refused:
                await self._pause(pause)
                pause = min(RETRY_BACKOFF_S[1], pause * 2)
                continue
            except ProblemError as exc:  # e.g. the channel was disconnected meanwhile
                self._drop(key)
                self._give_up(delivery, f"refused on retry: {exc.status} {exc.detail}")
                continue
            pause = RETRY_BACKOFF_S[0]
            self._drop(key)
            if handed is not None:
                self._handed(delivery, handed)

    def _handed(self, delivery: Delivery, handed: HandedOff) -> None:
        self._note_sync(handed.channel_id, handed.tenant_id)
        outcome = "taken_late" if handed.duplicate else "retaken"
        REFUSALS.labels(outcome).inc()
        extra = {"channel_id": delivery.channel_id, "tenant_id": str(handed.tenant_id),
                 "refused_s_ago": round(time.time() - delivery.received_at, 1)}
        if handed.duplicate:
            log.warning("webhook delivery answered 503 was taken late", extra=extra)
        else:
            log.info("webhook delivery answered 503 handed off again", extra=extra)

    async def _pause(self, seconds: float) -> None:
        """Up to `seconds` (full jitter), or until a delivery is handed off."""
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), self._rng.uniform(0, seconds) + 0.05)

    def _drop(self, key: int) -> None:
        delivery = self._kept.pop(key)
        self._kept_bytes -= len(delivery.body)
        REFUSALS_PENDING.set(len(self._kept))

    def _give_up(self, delivery: Delivery, reason: str) -> None:
        REFUSALS.labels("given_up").inc()
        log.warning("a refused webhook delivery is not retried; its account's sync brings it",
                    extra={"channel_id": delivery.channel_id, "reason": reason})

    # ---- syncs -------------------------------------------------------------------------------

    def _note_sync(self, channel_id: str, tenant_id: uuid.UUID) -> None:
        if len(self._to_sync) < MAX_KEPT:
            self._to_sync[channel_id] = tenant_id

    async def _sync_noted(self) -> None:
        """SyncChannel for every account that had a delivery refused (JetStream takes
        publishes again: what the sync publishes lands)."""
        noted, self._to_sync = self._to_sync, {}
        await asyncio.gather(*(self._sync(channel_id, tenant_id)
                               for channel_id, tenant_id in noted.items()))

    async def _sync(self, channel_id: str, tenant_id: uuid.UUID) -> None:
        async def call() -> None:
            await self._channels.sync_channel(tenant_id, channel_id)
        if await self._attempts(call, SYNC_ATTEMPTS):
            log.info("account synced after refused webhook deliveries",
                     extra={"channel_id": channel_id, "tenant_id": str(tenant_id)})

    async def _catch_up(self) -> None:
        async def call() -> None:
            accounts = await self._channels.catch_up("gateway started")
            log.info("channels asked to sync the accounts active before this gateway started",
                     extra={"accounts": accounts})
        await self._attempts(call, CATCH_UP_ATTEMPTS)

    async def _attempts(self, call: Callable[[], Awaitable[None]], attempts: int) -> bool:
        """`call` until it succeeds, `attempts` times at most, backed off with jitter; a
        failure in the end is logged (the periodic reconciliation remains)."""
        pause = RETRY_BACKOFF_S[0]
        for attempt in range(1, attempts + 1):
            try:
                await call()
                return True
            except NotFound:
                return False  # the account is gone: nothing to sync
            except DomainError as exc:
                if attempt == attempts:
                    log.warning("asking channels for a sync failed; the periodic pass remains",
                                extra={"error": exc.message, "attempts": attempts})
                    return False
            await asyncio.sleep(self._rng.uniform(0, pause) + 0.05)
            pause = min(RETRY_BACKOFF_S[1], pause * 2)
        return False

    def _spawn(self, coro: Awaitable[None]) -> asyncio.Task[None]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("webhook recovery failed", exc_info=task.exception())
