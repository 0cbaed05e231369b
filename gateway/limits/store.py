"""The shared buckets' SQL (identity.rate_buckets, migration 0033), and `RateUnit`. A lease is
one transaction: the upsert refills the row by the database's clock and locks it, the update
takes what was granted. A new bucket starts full."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.limits.lease import Limit
from services.kernel.outbox import Outbox
from services.kernel.unit import Unit

_REFILL = text("""
INSERT INTO identity.rate_buckets AS b (tenant_id, bucket, tokens, updated_at)
VALUES (:tenant, :bucket, :burst, clock_timestamp())
ON CONFLICT (tenant_id, bucket) DO UPDATE SET
  tokens = least(:burst, b.tokens + :rate * greatest(0, extract(epoch FROM
           clock_timestamp() - b.updated_at))),
  updated_at = clock_timestamp()
RETURNING tokens""")
_TAKE = text("UPDATE identity.rate_buckets SET tokens = tokens - :grant "
             "WHERE tenant_id = :tenant AND bucket = :bucket")


class RateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lease(self, bucket: str, limit: Limit, grant: Callable[[float], float]) -> None:
        """Refill `bucket` and take `grant(available)` from it, under its row lock."""
        keys = {"tenant": self.session.info["tenant_id"], "bucket": bucket}
        available = float((await self.session.execute(_REFILL, {
            **keys, "burst": limit.burst, "rate": limit.rate_per_s})).scalar_one())
        taken = grant(available)
        if taken > 0:
            await self.session.execute(_TAKE, {**keys, "grant": taken})


class RateUnit(Unit):
    def __init__(self, session: AsyncSession, outbox: Outbox | None = None) -> None:
        super().__init__(session, outbox)
        self.buckets = RateRepository(session)
