"""The analytics projections of a tenant with many messages, written set-based (generate_series,
one INSERT a table) in the shape the consumers leave them: per UTC hour over `days` days, per
account x listing (each listing's assignee fixed), `messages_in` and `messages_out` counts, one
conversation started, its first-response and reply samples in duration buckets; and one
`conversation_facts` row per conversation started, a twentieth still waiting. Reports read
only these two tables (`message_facts` is the consumers' dedup record, never read by them), so
no message row is written. Pushing that many events through the bus would measure the
projection, not the report."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from services.analytics.metrics.histogram import bucket_of


@dataclass(frozen=True)
class Seed:
    days: int = 60
    accounts: int = 4
    listings: int = 25  # per account
    assignees: int = 5
    messages_in: int = 4  # per account, listing and hour
    messages_out: int = 3

    @property
    def hours(self) -> int:
        return self.days * 24

    @property
    def messages(self) -> int:
        return self.hours * self.accounts * self.listings * (self.messages_in + self.messages_out)

    @property
    def conversations(self) -> int:
        return self.hours * self.accounts * self.listings

    def channel(self, tenant: uuid.UUID, n: int) -> uuid.UUID:
        return uuid.uuid5(tenant, f"account-{n}")


# (metric, bucket, value) per account, listing and hour: a first response of ~5 minutes, and
# replies of ~5 minutes (two) and ~1 hour (the rest), for the histograms' percentiles.
def _figures(seed: Seed) -> list[tuple[str, int, int]]:
    return [("messages_in", -1, seed.messages_in), ("messages_out", -1, seed.messages_out),
            ("conversations_started", -1, 1), ("first_response", bucket_of(300), 1),
            ("reply", bucket_of(300), min(2, seed.messages_out)),
            ("reply", bucket_of(3600), max(0, seed.messages_out - 2))]


async def seed_tenant(conn: asyncpg.Connection, tenant: uuid.UUID, seed: Seed,
                      end: datetime) -> None:
    """Hours [end - days, end) (end on an hour). `conn` is the schema owner's (RLS aside)."""
    channels = [seed.channel(tenant, n) for n in range(seed.accounts)]
    metrics = [f for f in _figures(seed) if f[2]]
    async with conn.transaction():
        await conn.execute("""
            INSERT INTO analytics.hourly
                (tenant_id, hour, channel_id, listing_id, assignee, metric, bucket, value)
            SELECT $1, $2::timestamptz - make_interval(hours => h), c,
                   'item-' || left(c::text, 8) || '-' || l, 'manager-' || (l % $5),
                   m.metric, m.bucket, m.value
            FROM generate_series(1, $3) h, unnest($4::uuid[]) c, generate_series(1, $6) l,
                 unnest($7::text[], $8::int[], $9::bigint[]) m(metric, bucket, value)""",
            tenant, end, seed.hours, channels, seed.assignees, seed.listings,
            [m for m, _, _ in metrics], [b for _, b, _ in metrics], [v for _, _, v in metrics])
        await conn.execute("""
            INSERT INTO analytics.conversation_facts
                (tenant_id, conversation_id, channel_id, listing_id, listing_title, assignee,
                 started_at, status, awaiting_since)
            SELECT $1, gen_random_uuid(), c, 'item-' || left(c::text, 8) || '-' || l, 'Товар ' || l,
                   'manager-' || (l % $5), $2::timestamptz - make_interval(hours => h),
                   CASE WHEN (h + l) % 20 = 0 THEN 1 ELSE 4 END,
                   CASE WHEN (h + l) % 20 = 0
                        THEN $2::timestamptz - make_interval(hours => h) END
            FROM generate_series(1, $3) h, unnest($4::uuid[]) c, generate_series(1, $6) l""",
            tenant, end, seed.hours, channels, seed.assignees, seed.listings)


async def drop_tenants(conn: asyncpg.Connection, tenants: list[uuid.UUID]) -> None:
    async with conn.transaction():
        for table in ("hourly", "conversation_facts"):
            await conn.execute(f"DELETE FROM analytics.{table} WHERE tenant_id = ANY($1)",  # noqa: S608 - a fixed table name
                               tenants)
