"""`PlanBook`: a process's reader of the tenants' plans (the bus's plans bucket, key = tenant
id, written by `switchboard plans set`), each kept for a short while (`plan_cache_s`), so a
change reaches every replica within it. No entry: the catalogue's default plan."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid

from nats.errors import Error as NatsError
from nats.js.errors import BucketNotFoundError, KeyDeletedError, KeyNotFoundError, NotFoundError
from nats.js.kv import KeyValue

from services.kernel import backoff
from services.kernel.bus import Bus
from services.kernel.errors import Unavailable
from services.kernel.plans import Catalogue, Limits, PlanError, Quota, TenantPlan
from services.kernel.wire import Bucket

log = logging.getLogger(__name__)

_ATTEMPTS = 3
_TIMEOUT_S = 2.0
# Tenants whose plan a process keeps at once; past it the cache starts again (a memory bound:
# a process of a platform of 10,000 tenants never reaches it).
MAX_CACHED = 100_000


class PlanBook:
    def __init__(self, bus: Bus, bucket: Bucket, catalogue: Catalogue,
                 cache_s: float = 30.0) -> None:
        self._bus, self._bucket, self.catalogue, self._cache_s = bus, bucket, catalogue, cache_s
        self._kv: KeyValue | None = None
        self._cache: dict[uuid.UUID, tuple[float, TenantPlan | None]] = {}

    async def require(self) -> PlanBook:
        """Check at start that the bucket is there (`switchboard streams` makes it, as it makes
        the streams; no component may)."""
        try:
            await self._bucket_kv()
        except (BucketNotFoundError, NotFoundError):
            raise RuntimeError(f"JetStream key-value bucket {self._bucket.name} missing: run "
                               "`switchboard streams` as the NATS admin user first") from None
        except TimeoutError:  # what a permissions violation looks like to a request
            raise RuntimeError(f"JetStream key-value bucket {self._bucket.name} did not answer: "
                               "is this component among its readers (clients/rpc/topics.py)?"
                               ) from None
        return self

    async def plan(self, tenant_id: uuid.UUID) -> TenantPlan:
        """The tenant's plan (its overrides included); the default plan when none was set."""
        cached = self._cache.get(tenant_id)
        if cached is not None and time.monotonic() - cached[0] < self._cache_s:
            entry = cached[1]
        else:
            try:
                entry = await self._read(tenant_id)
            except Unavailable:
                if cached is None:
                    raise
                entry = cached[1]  # the bus is away: what was known a moment ago holds
            if len(self._cache) >= MAX_CACHED:
                self._cache.clear()
            self._cache[tenant_id] = (time.monotonic(), entry)
        return entry or TenantPlan(self.catalogue.default, {})

    async def limits(self, tenant_id: uuid.UUID) -> tuple[str, Limits]:
        plan = await self.plan(tenant_id)
        return plan.name, plan.limits(self.catalogue)

    async def quota(self, tenant_id: uuid.UUID, name: str) -> Quota:
        plan, limits = await self.limits(tenant_id)
        return Quota(name, plan, limits.of(name))

    async def _read(self, tenant_id: uuid.UUID) -> TenantPlan | None:
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                kv = await self._bucket_kv()
                entry = await asyncio.wait_for(kv.get(str(tenant_id)), _TIMEOUT_S)
            except (KeyNotFoundError, KeyDeletedError):
                return None
            except (TimeoutError, NatsError, ConnectionError) as exc:  # away, closed, no bucket
                if attempt == _ATTEMPTS:
                    log.warning("plans bucket unreadable", extra={"error": repr(exc)})
                    raise Unavailable("the tenant's plan could not be read") from exc
                await asyncio.sleep(backoff.equal_jitter(attempt, 0.1, 1.0))
                continue
            return _decoded(tenant_id, entry.value or b"")
        raise AssertionError("unreachable")

    async def _bucket_kv(self) -> KeyValue:
        if self._kv is None:
            self._kv = await asyncio.wait_for(self._bus.js.key_value(self._bucket.name),
                                              _TIMEOUT_S)
        return self._kv


def _decoded(tenant_id: uuid.UUID, data: bytes) -> TenantPlan | None:
    """An entry the operator wrote badly counts as none (the default plan), said in the log:
    the CLI validates what it writes, so this is someone writing the bucket by hand."""
    try:
        return TenantPlan.decode(data)
    except (PlanError, ValueError) as exc:
        log.error("a plan entry does not decode", extra={"tenant_id": str(tenant_id),
                                                         "error": str(exc)})
        return None
