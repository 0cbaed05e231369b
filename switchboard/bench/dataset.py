"""The inbox data set: N tenants, conversations and messages COPYed (binary) straight into the
conversations tables as the schema owner, secondary indexes dropped during the load and rebuilt
after (their exact definitions read from pg_indexes), FK checks skipped
(session_replication_role = replica) since the generator writes consistent ids.

Kept in the bench's PostgreSQL data folder: a row in `public.bench_dataset` records what was
generated, and a later run with the same scale skips the work.
"""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

SCALES = {"quick": (100, 100_000, 1_000_000), "full": (1000, 1_000_000, 10_000_000),
          "tiny": (20, 20_000, 40_000)}
_CHUNK = 50_000
_TEXTS = ["Здравствуйте, ещё продаёте?", "Торг уместен?", "Можно посмотреть сегодня вечером?",
          "Да, в наличии", "Доставка в Казань есть?", "Какой размер?", "Спасибо, беру"]


@dataclass
class Dataset:
    scale: str
    tenant_id: uuid.UUID  # the tenant the API reads as (its key is made by the caller)
    conversations: int
    messages: int
    generated_s: float | None  # None: reused from an earlier run


async def ensure_dataset(owner_url: str, scale: str, tenant0: uuid.UUID | None = None) -> Dataset:
    """Generate the `scale` data set unless present; `tenant0` (a real tenant) gets one share."""
    tenants, n_conv, n_msg = SCALES[scale]
    conn = await asyncpg.connect(owner_url)
    try:
        await conn.execute("CREATE TABLE IF NOT EXISTS public.bench_dataset (scale text PRIMARY "
                           "KEY, tenant_id uuid NOT NULL, api_key text NOT NULL DEFAULT '', "
                           "generated_s float8)")
        row = await conn.fetchrow("SELECT * FROM public.bench_dataset WHERE scale = $1", scale)
        if row is not None:
            return Dataset(scale, row["tenant_id"], n_conv, n_msg, None)
        first = tenant0 or uuid.uuid4()
        started = time.perf_counter()
        await _generate(conn, [first] + [uuid.uuid4() for _ in range(tenants - 1)], n_conv, n_msg)
        took = time.perf_counter() - started
        await conn.execute("INSERT INTO public.bench_dataset (scale, tenant_id, generated_s) "
                           "VALUES ($1, $2, $3)", scale, first, took)
        return Dataset(scale, first, n_conv, n_msg, took)
    finally:
        await conn.close()


async def remember_key(owner_url: str, scale: str, api_key: str) -> None:
    conn = await asyncpg.connect(owner_url)
    try:
        await conn.execute("UPDATE public.bench_dataset SET api_key = $2 WHERE scale = $1",
                           scale, api_key)
    finally:
        await conn.close()


async def saved_key(owner_url: str, scale: str) -> str:
    conn = await asyncpg.connect(owner_url)
    try:
        return await conn.fetchval("SELECT api_key FROM public.bench_dataset WHERE scale = $1",
                                   scale) or ""
    finally:
        await conn.close()


async def _generate(conn: asyncpg.Connection, tenants: list[uuid.UUID], n_conv: int,
                    n_msg: int) -> None:
    rng = random.Random(42)
    per_tenant = n_conv // len(tenants)
    msgs_per_conv = n_msg // n_conv
    now = datetime.now(UTC)
    await conn.execute("SET session_replication_role = replica")
    dropped = []
    for table in ("contacts", "conversations", "messages"):
        for name, definition in await conn.fetch(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'conversations' "
                "AND tablename = $1 AND indexname NOT LIKE '%pkey'", table):
            dropped.append(definition)
            await conn.execute(f'DROP INDEX conversations."{name}"')
    contacts: list[tuple[Any, ...]] = []
    convs: list[tuple[Any, ...]] = []
    msgs: list[tuple[Any, ...]] = []

    async def flush(force: bool = False) -> None:
        if contacts and (force or len(contacts) >= _CHUNK):
            await conn.copy_records_to_table(
                "contacts", schema_name="conversations", records=contacts,
                columns=["id", "tenant_id", "channel_id", "external_user_id", "name"])
            contacts.clear()
        if convs and (force or len(convs) >= _CHUNK):
            await conn.copy_records_to_table(
                "conversations", schema_name="conversations", records=convs,
                columns=["id", "tenant_id", "channel_id", "channel_kind", "external_chat_id",
                         "contact_id", "status", "mode", "unread_count", "last_message_at",
                         "last_message_preview", "listing_external_id", "listing_title",
                         "listing_price_minor"])
            convs.clear()
        if msgs and (force or len(msgs) >= _CHUNK):
            await conn.copy_records_to_table(
                "messages", schema_name="conversations", records=msgs,
                columns=["id", "tenant_id", "conversation_id", "direction", "sender",
                         "content_type", "text", "status", "external_message_id", "sent_at"])
            msgs.clear()

    for tenant in tenants:
        channels = [uuid.uuid4(), uuid.uuid4()]
        for c in range(per_tenant):
            contact, conv = uuid.uuid4(), uuid.uuid4()
            channel = channels[c % 2]
            last = now - timedelta(seconds=rng.randrange(90 * 86400))
            contacts.append((contact, tenant, channel, str(100000 + c), f"Покупатель {c}"))
            convs.append((conv, tenant, channel, 1, f"u2i-{c}", contact, 1 + c % 4, 1 + c % 2,
                          c % 3, last, _TEXTS[c % len(_TEXTS)], str(c % 50),
                          f"Товар {c % 50}", rng.randrange(1000, 500000) * 100))
            for m in range(msgs_per_conv):
                inbound = m % 2 == 0
                msgs.append((uuid.uuid4(), tenant, conv, 1 if inbound else 2,
                             1 if inbound else 2, "text", _TEXTS[m % len(_TEXTS)],
                             1 if inbound else 3, f"m{c}-{m}",
                             last - timedelta(minutes=msgs_per_conv - m)))
            if len(msgs) >= _CHUNK:
                await flush(force=True)
    await flush(force=True)
    await conn.execute("SET session_replication_role = origin")
    await conn.execute("SET maintenance_work_mem = '256MB'")
    for definition in dropped:
        await conn.execute(definition)
    for table in ("contacts", "conversations", "messages"):
        await conn.execute(f"ANALYZE conversations.{table}")
