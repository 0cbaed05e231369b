"""10. Analytics reports over a big tenant (issue #13): the projections of a tenant with 1 M
messages over 60 days across 4 accounts, 100 listings and 5 assignees (`--quick`: 57,600) are
seeded set-based (switchboard/bench/analytics_seed.py), with a small tenant beside it (1/25 of
the listings). Then, through analytics' gRPC as the gateway calls it: RenderReport for the last
30 days, a section per account, JSON + HTML, then PNG alone; GetInboxMetrics by listing; and
the small tenant's report latency alone, then while 4 loops render the big tenant's reports."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from google.protobuf.timestamp_pb2 import Timestamp

from clients.rpc.analytics import AnalyticsClient
from clients.rpc.base import open_channel
from clients.rpc.gen.switchboard.analytics.v1 import analytics_service_pb2 as pb
from clients.rpc.gen.switchboard.analytics.v1 import report_pb2 as rpb
from services.kernel.config import KernelSettings
from switchboard.bench.analytics_seed import Seed, drop_tenants, seed_tenant
from switchboard.bench.histogram import Histogram
from switchboard.bench.report import Figure

TITLE = "30-day reports of a 1 M-message tenant, and a small tenant beside it"
SCENARIO = "10 analytics"
SPEC = rpb.ReportSpec(metrics=["conversations_started", "messages_in", "messages_out",
                               "first_response_time", "reply_time", "unanswered", "waiting"],
                      time_zone="Europe/Moscow",
                      period=rpb.ReportPeriod(relative=rpb.RELATIVE_PERIOD_LAST_30_DAYS))
TEXT = [rpb.REPORT_FORMAT_JSON, rpb.REPORT_FORMAT_HTML]


def seeds(quick: bool) -> tuple[Seed, Seed]:
    big = Seed(listings=5, messages_in=1, messages_out=1) if quick else Seed()
    return big, Seed(listings=1, messages_in=big.messages_in, messages_out=big.messages_out)


async def _timed(call: Callable[[], Awaitable[Any]], n: int) -> tuple[Histogram, Any]:
    hist, last = Histogram(), None
    for _ in range(n):
        t0 = time.perf_counter()
        last = await call()
        hist.record(time.perf_counter() - t0)
    return hist, last


async def _under_load(client: AnalyticsClient, big: uuid.UUID, small: uuid.UUID,
                      n: int) -> tuple[Histogram, int]:
    """The small tenant's reports while 4 loops render the big one's (counted)."""
    done, stop = [0], asyncio.Event()

    async def hammer() -> None:
        while not stop.is_set():
            await client.render_report(big, SPEC, TEXT)
            done[0] += 1
    loops = [asyncio.create_task(hammer()) for _ in range(4)]
    try:
        await asyncio.sleep(0.2)  # the loops are rendering before the first sample
        hist, _ = await _timed(lambda: client.render_report(small, SPEC, TEXT), n)
    finally:
        stop.set()
        await asyncio.gather(*loops)
    return hist, done[0]


async def measure(client: AnalyticsClient, big: uuid.UUID, small: uuid.UUID,
                  n: int) -> dict[str, Any]:
    end = datetime.now(UTC)
    since = Timestamp()
    since.FromDatetime(end - timedelta(days=30))
    until = Timestamp()
    until.FromDatetime(end)
    report, last = await _timed(lambda: client.render_report(big, SPEC, TEXT), n)
    png, with_png = await _timed(
        lambda: client.render_report(big, SPEC, [rpb.REPORT_FORMAT_PNG]), max(3, n // 4))
    listing, by_listing = await _timed(lambda: client.get_inbox_metrics(
        big, pb.GetInboxMetricsRequest(**{"from": since}, to=until,  # type: ignore[arg-type]
                                       group_by=pb.GROUP_BY_LISTING)), n)
    alone, small_report = await _timed(lambda: client.render_report(small, SPEC, TEXT), n)
    loaded, big_renders = await _under_load(client, big, small, n)
    return {"report": report, "png": png, "listing": listing, "alone": alone,
            "loaded": loaded, "big_renders": big_renders, "json": last.json,
            "small_json": small_report.json, "png_bytes": len(with_png.png),
            "listings": len(by_listing.groups),
            "listing_messages_in": by_listing.total.messages_in}


def _client(ctx: Any) -> AnalyticsClient:
    stack = ctx.stack
    address = stack.platform.runtimes["analytics"].grpc.address
    gateway = KernelSettings(**stack.nats.credentials.settings_for("gateway"))
    return AnalyticsClient(open_channel(address), gateway.caller("gateway"), deadline_s=30)


async def run(ctx: Any) -> list[Figure]:
    big_seed, small_seed = seeds(ctx.quick)
    big, small = uuid.uuid4(), uuid.uuid4()
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    conn = await asyncpg.connect(ctx.stack.owner_url)
    client = _client(ctx)
    runs: list[dict[str, Any]] = []
    try:
        t0 = time.monotonic()
        await seed_tenant(conn, big, big_seed, hour)
        await seed_tenant(conn, small, small_seed, hour)
        seeded_s = time.monotonic() - t0
        await conn.execute("ANALYZE analytics.hourly; ANALYZE analytics.conversation_facts")
        for _ in range(ctx.repeats):
            runs.append(await measure(client, big, small, 10 if ctx.quick else 30))
    finally:
        await client.channel.close()
        await drop_tenants(conn, [big, small])
        await conn.close()
    ctx.details["analytics_report"] = {
        "messages": big_seed.messages, "small_messages": small_seed.messages,
        "accounts": big_seed.accounts, "listings": big_seed.accounts * big_seed.listings,
        "seeded_s": round(seeded_s, 1), "runs": [_detail(r) for r in runs]}
    return _figures(runs, big_seed, seeded_s)


def _detail(r: dict[str, Any]) -> dict[str, Any]:
    return {k: v.summary_ms() if isinstance(v, Histogram) else v for k, v in r.items()}


def _figures(runs: list[dict[str, Any]], seed: Seed, seeded_s: float) -> list[Figure]:
    def p99(key: str) -> list[float]:
        return [r[key].percentile(0.99) * 1000 for r in runs]
    alone = p99("alone")
    return [
        Figure(SCENARIO, f"30-day report JSON+HTML p99 ({seed.messages:,} messages, "
               f"{seed.accounts} accounts)", "ms", p99("report"), target=("<=", 500.0)),
        Figure(SCENARIO, "30-day report PNG p99", "ms", p99("png")),
        Figure(SCENARIO, f"GetInboxMetrics by listing p99 ({seed.accounts * seed.listings} "
               "listings)", "ms", p99("listing")),
        Figure(SCENARIO, "small tenant's report p99 alone", "ms", alone),
        Figure(SCENARIO, "small tenant's report p99 while 4 loops render the big one's", "ms",
               p99("loaded"), limit=sorted(alone)[len(alone) // 2],
               limit_name="its p99 alone", target=("ratio<=", 2.0)),
        Figure(SCENARIO, "seeding the projections (set-based SQL)", "s", [seeded_s]),
    ]
