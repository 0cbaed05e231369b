"""The dispatcher: a loop of the integrations runtime that sends due deliveries.

Each round it leases due deliveries of every tenant in one tenantless transaction
(`integrations.claim_deliveries`: FOR UPDATE SKIP LOCKED, so replicas share the work; at most
`per_endpoint` in flight per endpoint, a paused endpoint only its probe, a conversation's
deliveries one at a time in order) up to its free slots, and sends each in a task of its own,
outside any transaction: a slow or dead endpoint holds at most its own slots, never another
tenant's. Each outcome is recorded in its tenant's unit (outcome.py). A lease outlives the
timeout, so a dispatcher that stopped mid-send leaves its deliveries to another.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from prometheus_client import Gauge

from services.integrations.config import IntegrationsSettings
from services.integrations.models import DeliveryStatus
from services.integrations.repository import Claim, IntegrationsUnit
from services.integrations.webhooks import outcome, payloads, rules
from services.integrations.webhooks.secrets import in_force
from services.integrations.webhooks.sender import Request, Sender
from services.kernel.crypto import SecretBox
from services.kernel.tenancy import tenant_scope
from services.kernel.unit import Units

log = logging.getLogger(__name__)

PAUSED = Gauge("switchboard_integrations_paused_endpoints",
               "Webhook endpoints paused by their circuit breaker")
HOUSEKEEPING_S = 10.0
PURGE_EVERY_S = 3600.0


@dataclass(frozen=True)
class Job:
    delivery_id: uuid.UUID
    request: Request


class Dispatcher:
    def __init__(self, units: Units[IntegrationsUnit], sender: Sender, box: SecretBox,
                 settings: IntegrationsSettings,
                 now: Callable[[], datetime] | None = None) -> None:
        self._units, self._sender, self._box, self._s = units, sender, box, settings
        self._now = now or (lambda: datetime.now(UTC))
        self._policies = outcome.Policies(
            rules.RetryPolicy(settings.webhooks_backoff_s, settings.webhooks_backoff_max_s),
            rules.BreakerPolicy(settings.webhooks_breaker_failures,
                                settings.webhooks_breaker_min_span_s,
                                settings.webhooks_breaker_probe_s,
                                settings.webhooks_breaker_probe_max_s))
        self._woken = asyncio.Event()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._next_gauge = self._next_purge = 0.0

    def wake(self) -> None:
        """Look again now (a delivery was queued in this process)."""
        self._woken.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop`; then the sends in flight finish (each bounded by the timeout)."""
        try:
            while not stop.is_set():
                self._woken.clear()
                full = False
                try:
                    await self._housekeeping()
                    full = await self.dispatch()
                except Exception:  # the database away for a moment: the next round tries again
                    log.exception("a webhook dispatch round failed")
                if not full:
                    await self._idle(stop)
        finally:
            if self._in_flight:
                await asyncio.wait(self._in_flight)

    async def dispatch(self) -> bool:
        """Claim what the free slots take and start sending it; whether they were all taken."""
        free = self._s.webhooks_concurrency - len(self._in_flight)
        if free <= 0:
            return False
        async with self._units.tenantless() as unit:
            claims = await unit.deliveries.claim(
                self._now(), self._s.webhooks_lease_s, free, self._s.webhooks_per_endpoint)
        for claim in claims:
            task = asyncio.create_task(self._deliver(claim), name=f"webhook:{claim.id}")
            self._in_flight.add(task)
            task.add_done_callback(self._done)
        return len(claims) == free

    def _done(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        self._woken.set()  # a slot is free, and the conversation's next delivery may go
        if not task.cancelled() and task.exception() is not None:
            # Left leased: its lease runs out and a dispatcher takes it again.
            log.error("a webhook delivery failed unexpectedly", exc_info=task.exception())

    async def _deliver(self, claim: Claim) -> None:
        with tenant_scope(claim.tenant_id):
            job = await self._job(claim)
            if job is None:
                return
            started_at = self._now()
            result = await self._sender.send(job.request)
            async with self._units(claim.tenant_id) as unit:
                await outcome.record(unit, claim.id, started_at, result, self._now,
                                     self._policies)
            log.info("webhook attempt", extra={
                "delivery_id": str(claim.id), "endpoint_id": str(claim.endpoint_id),
                "status": result.status, "latency_ms": result.latency_ms, "error": result.error})

    async def _job(self, claim: Claim) -> Job | None:
        async with self._units(claim.tenant_id) as unit:
            delivery = await unit.deliveries.get(claim.id)
            if delivery is None or delivery.status != DeliveryStatus.PENDING:
                return None
            endpoint = await unit.endpoints.get_or_raise(delivery.endpoint_id, "endpoint")
            event = await unit.events.get_or_raise(delivery.event_id, "event")
            body = payloads.body(event.id, event.type, event.occurred_at, event.tenant_id,
                                 event.payload)
            return Job(delivery.id, Request(
                endpoint.url, in_force(endpoint, self._box, self._now()), str(event.id),
                event.type, str(delivery.id), body))

    async def _housekeeping(self) -> None:
        """Now and then: the paused-endpoints gauge, and events past their retention."""
        now = time.monotonic()
        if now >= self._next_gauge:
            self._next_gauge = now + HOUSEKEEPING_S
            async with self._units.tenantless() as unit:
                PAUSED.set(await unit.endpoints.paused_count())
        if now >= self._next_purge:
            self._next_purge = now + PURGE_EVERY_S
            before = self._now() - timedelta(days=self._s.webhooks_event_retention_days)
            async with self._units.tenantless() as unit:
                purged = await unit.events.purge(before)
            if purged:
                log.info("old webhook events purged", extra={"count": purged})

    async def _idle(self, stop: asyncio.Event) -> None:
        waiters = {asyncio.create_task(stop.wait()), asyncio.create_task(self._woken.wait())}
        try:
            await asyncio.wait(waiters, timeout=self._s.webhooks_poll_s,
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
