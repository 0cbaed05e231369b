"""`RateLimiter`: takes a request's cost from its buckets, leasing from the shared rows when this
replica runs short (lease.py). Each bucket's leases are serialised in the process (one lease
serves the requests waiting on it); a database that cannot be reached lets requests through,
counted and logged: the limits protect the platform, they must not take it down."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable

from prometheus_client import Counter
from sqlalchemy.exc import SQLAlchemyError

from gateway.limits.lease import Decision, Lease, Limit
from gateway.limits.refusals import Refusals
from gateway.limits.store import RateUnit
from services.kernel.db import Database
from services.kernel.unit import Units

log = logging.getLogger(__name__)
REFUSED = Counter("switchboard_gateway_rate_limited_total",
                  "API requests refused with 429, by what ran out (no tenant label)", ["kind"])
LEASE_ERRORS = Counter("switchboard_gateway_rate_limit_errors_total",
                       "Leases that could not reach the database (the requests were let through)")
KINDS = ("requests", "graphql_cost")
MAX_LEASES = 20_000  # buckets held in a process; the least recently used are forgotten


class RateLimiter:
    def __init__(self, db: Database, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.units = Units(db, RateUnit)
        self.clock = clock
        self._leases: OrderedDict[tuple[uuid.UUID, str], Lease] = OrderedDict()
        self._locks: dict[tuple[uuid.UUID, str], asyncio.Lock] = {}
        # Its refusals, remembered per credential for the edge (policy.py feeds it, early.py
        # reads it): on the limiter's clock.
        self.refusals = Refusals()
        for kind in KINDS:
            REFUSED.labels(kind)

    async def take(self, tenant_id: uuid.UUID, bucket: str, limit: Limit,
                   cost: float = 1.0) -> Decision:
        key = (tenant_id, bucket)
        lease = self._lease(key, limit)
        now = self.clock()
        if lease.spend(cost, now):
            return lease.decision(True, now)
        if now < lease.denied_until:
            return lease.decision(False, now)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            now = self.clock()
            if lease.spend(cost, now):  # another request's lease covered this one
                return lease.decision(True, now)
            if now < lease.denied_until:
                return lease.decision(False, now)
            allowed = await self._lease_for(tenant_id, bucket, lease, cost, now)
            return lease.decision(allowed, self.clock())

    def refund(self, tenant_id: uuid.UUID, bucket: str, cost: float) -> None:
        """Give back what a request took from one bucket when another refused it."""
        lease = self._leases.get((tenant_id, bucket))
        if lease is not None:
            lease.refund(cost)

    def _lease(self, key: tuple[uuid.UUID, str], limit: Limit) -> Lease:
        lease = self._leases.get(key)
        if lease is None or lease.limit != limit:
            lease = self._leases[key] = Lease(limit)
            while len(self._leases) > MAX_LEASES:
                old, _ = self._leases.popitem(last=False)
                self._locks.pop(old, None)
        self._leases.move_to_end(key)
        return lease

    async def _lease_for(self, tenant_id: uuid.UUID, bucket: str, lease: Lease, cost: float,
                         now: float) -> bool:
        """Lease from the shared bucket and spend `cost`: whether the request may go."""
        lease.tokens = lease.tokens if now < lease.expires_at else 0.0
        asked, granted = lease.asked(cost), 0.0

        def grant(available: float) -> float:
            nonlocal granted
            granted = lease.granted(available, cost, asked, self.clock())
            return granted
        try:
            async with self.units(tenant_id) as unit:
                await unit.buckets.lease(bucket, lease.limit, grant)
        except (SQLAlchemyError, OSError, TimeoutError):
            LEASE_ERRORS.inc()
            log.warning("rate limit lease failed; the request goes through", exc_info=True)
            return True  # the limits protect the platform: they must not take it down
        return granted > 0
