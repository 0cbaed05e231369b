"""2. Inbound end to end: webhook -> gateway -> JetStream -> channels (normalize) -> JetStream ->
conversations (store + outbox) -> relay -> gateway -> a live SSE subscriber (`GET /v1/events`).

Latency is send -> SSE arrival, from the `t=<ns>` stamp in each message's text. Offered loads are
open loop; the maximum sustainable rate is a closed-loop flood measured at the subscriber
(arrivals over the span from the first to the last, within the drain window). Limits measured
in the same run: raw JetStream publish + pull-consume (nats-py) and raw batched INSERTs of
message rows (asyncpg executemany).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import asyncpg
import nats

from switchboard.bench.report import Figure
from switchboard.bench.stack import purge_tenant, run_loadgen, wait_idle

TITLE = "inbound end to end (webhook -> stored -> SSE) at fixed loads and max"


async def raw_jetstream_rate(nats_url: str, n: int) -> float:
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    name = f"BENCH_RAW_{uuid.uuid4().hex[:6]}"
    try:
        await js.add_stream(name=name, subjects=[f"bench.{name}"])
        payload = b"x" * 600
        sub = await js.pull_subscribe(f"bench.{name}", durable="raw", stream=name)
        started = time.perf_counter()

        async def publish() -> None:
            for i in range(0, n, 256):
                await asyncio.gather(*(js.publish(f"bench.{name}", payload,
                                                  headers={"Nats-Msg-Id": f"{i}-{j}"})
                                       for j in range(min(256, n - i))))

        async def consume() -> None:
            got = 0
            while got < n:
                try:
                    msgs = await sub.fetch(256, timeout=2)
                except nats.errors.TimeoutError:
                    continue
                for m in msgs:
                    await m.ack()
                got += len(msgs)

        await asyncio.gather(publish(), consume())
        return n / (time.perf_counter() - started)
    finally:
        await js.delete_stream(name)
        await nc.close()


async def raw_postgres_rate(owner_url: str, n: int, batch: int = 100) -> float:
    conn = await asyncpg.connect(owner_url)
    try:
        await conn.execute("DROP TABLE IF EXISTS public.bench_raw_messages")
        await conn.execute("CREATE TABLE public.bench_raw_messages "
                           "(LIKE conversations.messages INCLUDING DEFAULTS INCLUDING INDEXES)")
        tenant, conv = uuid.uuid4(), uuid.uuid4()
        now = __import__("datetime").datetime.now(__import__("datetime").UTC)
        rows = [(uuid.uuid4(), tenant, conv, 1, 2, "text", f"Здравствуйте, ещё продаёте? {i}",
                 2, f"ext-{i}", now) for i in range(n)]
        sql = ("INSERT INTO public.bench_raw_messages (id, tenant_id, conversation_id, direction, "
               "sender, content_type, text, status, external_message_id, sent_at) "
               "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        started = time.perf_counter()
        for i in range(0, n, batch):
            async with conn.transaction():
                await conn.executemany(sql, rows[i:i + batch])
        return n / (time.perf_counter() - started)
    finally:
        await conn.execute("DROP TABLE IF EXISTS public.bench_raw_messages")
        await conn.close()


def spec(ctx: Any, tenant: Any, prefix: str, **extra: Any) -> dict[str, Any]:
    return {"base_url": ctx.stack.gateway_url, "kind": "avito",
            "avito": {"path": tenant.webhook_path, "secret": tenant.secret,
                      "user_id": tenant.user_id, "chats": 300, "prefix": prefix},
            "sse": {"url": f"{ctx.stack.gateway_url}/v1/events", "api_key": tenant.api_key,
                    "event": "message.received", "drain_s": 5 if ctx.quick else 10},
            **extra}


async def run(ctx: Any) -> list[Figure]:
    stack = ctx.stack
    tenant = await stack.new_tenant("Pipeline shop")
    loads = [100, 500] + ([] if ctx.quick else [2000])
    duration = 3.0 if ctx.quick else 5.0
    # Create the conversations first: steady state is mostly messages to known chats.
    await run_loadgen(spec(ctx, tenant, "p", rate=50, duration_s=3.0, warmup_s=0.5,
                           connections=20))
    await purge_tenant(stack.nats_url, tenant.tenant_id)
    await wait_idle(stack.nats_url)
    figures: list[Figure] = []
    details: dict[str, Any] = {}
    p99: dict[int, list[float]] = {load: [] for load in loads}
    achieved: dict[int, list[float]] = {load: [] for load in loads}
    lost: dict[int, int] = {load: 0 for load in loads}
    max_rates: list[float] = []
    for _ in range(ctx.repeats):
        for load in loads:
            r = await run_loadgen(spec(ctx, tenant, "p", rate=load, duration_s=duration,
                                       warmup_s=0.5 if ctx.quick else 1.0, connections=50))
            p99[load].append(r["e2e_summary"]["p99_ms"])
            achieved[load].append(r["e2e_rate"])
            lost[load] += r["e2e_expected"] - r["e2e_received"]
            details[f"load_{load}"] = {"e2e": r["e2e_summary"], "http": r["latency_summary"],
                                       "statuses": r["statuses"], "expected": r["e2e_expected"],
                                       "received": r["e2e_received"]}
            await purge_tenant(stack.nats_url, tenant.tenant_id)
            await wait_idle(stack.nats_url)
        r = await run_loadgen(spec(ctx, tenant, "p", duration_s=3.0 if ctx.quick else 4.0,
                                   warmup_s=0.5, connections=50), limit_s=400)
        max_rates.append(r["e2e_throughput"])
        details["max"] = {"e2e": r["e2e_summary"], "http_rate": r["rate"],
                          "expected": r["e2e_expected"], "received": r["e2e_received"]}
        await purge_tenant(stack.nats_url, tenant.tenant_id)
        await wait_idle(stack.nats_url, limit_s=60)
    n = 5000 if ctx.quick else 20000
    js_rate = await raw_jetstream_rate(stack.nats_url, n)
    pg_rate = await raw_postgres_rate(stack.owner_url, n)
    details["raw"] = {"jetstream_msgs_per_s": js_rate, "postgres_rows_per_s": pg_rate, "n": n}
    ctx.details["pipeline"] = details
    limit = min(js_rate, pg_rate)
    limit_name = "raw JetStream" if js_rate < pg_rate else "raw PG inserts"
    for load in loads:
        drain = 5 if ctx.quick else 10
        note = f"{lost[load]} msgs not at the subscriber {drain} s after the run (purged)" \
            if lost[load] else ""
        figures.append(Figure("2 pipeline", f"e2e p99 @{load} msg/s", "ms", p99[load],
                              target=("<=", 100.0) if load == 500 else None, note=note))
        figures.append(Figure("2 pipeline", f"e2e achieved @{load} msg/s offered", "msg/s",
                              achieved[load], limit=float(load), limit_name="offered"))
    figures += [
        Figure("2 pipeline", "raw JetStream publish+consume", "msg/s", [js_rate]),
        Figure("2 pipeline", "raw PG batched inserts (executemany x100)", "rows/s", [pg_rate]),
        Figure("2 pipeline", "max sustained e2e", "msg/s", max_rates, limit=limit,
               limit_name=limit_name, target=(">=", 3000.0)),
    ]
    return figures
