"""RLS on `identity.rate_buckets` (migration 0033): a tenant's rate-limit buckets are its own; the
same bucket name in two tenants is two rows, and a lease for one tenant never spends another's
tokens (the lease runs in a unit bound to the request's tenant)."""

from __future__ import annotations

import uuid

from gateway.limits.lease import Limit
from gateway.limits.store import RateRepository
from services.kernel.db import Database
from tests.tenancy.rows import assert_isolated

TABLE = "identity.rate_buckets"
LIMIT = Limit(rate_per_s=0.001, burst=10.0)


async def _lease(db: Database, tenant: uuid.UUID, take: float) -> float:
    seen: list[float] = []

    def grant(available: float) -> float:
        seen.append(available)
        return take
    async with db.unit_of_work(tenant) as session:
        await RateRepository(session).lease("requests", LIMIT, grant)
    return seen[0]


async def test_rate_buckets_are_the_tenants_own(db: Database, tenant_a: uuid.UUID,
                                                tenant_b: uuid.UUID) -> None:
    assert await _lease(db, tenant_a, 9.0) == 10.0  # a new bucket starts full
    assert await _lease(db, tenant_b, 1.0) == 10.0  # the same name elsewhere: untouched
    assert await _lease(db, tenant_a, 0.0) < 1.01  # a's own spend stays a's
    assert await assert_isolated(db, TABLE, tenant_a, tenant_b, update="tokens = 1000") == 1
    assert await _lease(db, tenant_b, 0.0) < 9.01
