"""1. Webhook ingress: signed Avito v3 deliveries into the gateway (resolve + verify + durable
JetStream publish + 200) vs a bare FastAPI endpoint that reads the body and answers 200.

Only ingress is measured here (scenario 2 measures the pipeline): while the gateway is loaded,
the pipeline's first consumer (`channels-webhooks`) is paused with JetStream's consumer pause,
so the deliveries wait in SB_WEBHOOKS and are purged afterwards; the rest of `serve all` runs
in the same process, idle, as the bare endpoint's process has nothing else to do either. One
tenant floods here, so the per-tenant fairness policy (which would move it to the overflow
lane and slow its answers once that backs up: scenario 5 measures it) is lifted meanwhile.

Placement on 2 cores: the load generator is pinned to CPU 1; the server under test (the bare
endpoint's own uvicorn process, or the bench process's main thread that runs the gateway and
the rest of `serve all`) to CPU 0. PostgreSQL and nats-server float. One uvicorn worker each.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
from typing import Any

from clients.rpc import topics
from switchboard.bench.histogram import Histogram
from switchboard.bench.report import Figure
from switchboard.bench.stack import consumer_paused, purge_tenant, run_loadgen, wait_idle
from switchboard.devstack.ports import free_port, port_is_free

TITLE = "webhook ingress vs a bare FastAPI endpoint, 50 connections"
CONNECTIONS = 50


def _pin(cpus: set[int]) -> set[int] | None:
    if not hasattr(os, "sched_getaffinity") or (os.cpu_count() or 1) < 2:
        return None
    before = os.sched_getaffinity(0)
    with contextlib.suppress(OSError):
        os.sched_setaffinity(0, cpus)
    return before


async def run(ctx: Any) -> list[Figure]:
    stack = ctx.stack
    tenant = await stack.new_tenant("Ingress shop")
    duration = 3.0 if ctx.quick else 5.0
    port = free_port()
    cpu_lg = 1 if (os.cpu_count() or 1) >= 2 else None
    bare = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "switchboard.bench.bare", str(port),
        *(["0"] if cpu_lg is not None else []),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if not port_is_free(port):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
        avito = {"path": tenant.webhook_path, "secret": tenant.secret, "user_id": tenant.user_id,
                 "chats": 500, "prefix": "ingress"}
        bare_rates, gw_rates, bare_p99, gw_p99 = [], [], [], []
        bare_hist, gw_hist = Histogram(), Histogram()
        statuses: dict[str, Any] = {}
        for _ in range(ctx.repeats):
            b = await run_loadgen({"base_url": f"http://127.0.0.1:{port}", "kind": "bare",
                                   "avito": avito, "connections": CONNECTIONS,
                                   "duration_s": duration, "warmup_s": 1.0, "cpu": cpu_lg})
            bare_rates.append(b["rate"])
            bare_p99.append(b["latency_summary"]["p99_ms"])
            bare_hist.merge(Histogram.from_dict(b["latency"]))
            before = _pin({0})
            try:
                with stack.fairness_lifted():
                    async with consumer_paused(stack.nats_url, topics.CHANNELS_WEBHOOKS):
                        g = await run_loadgen({"base_url": stack.gateway_url, "kind": "avito",
                                               "avito": avito, "connections": CONNECTIONS,
                                               "duration_s": duration, "warmup_s": 1.0,
                                               "cpu": cpu_lg})
                        # What ingress accepted would keep the pipeline busy: drop it.
                        await purge_tenant(stack.nats_url, tenant.tenant_id)
            finally:
                if before:
                    os.sched_setaffinity(0, before)
            gw_rates.append(g["rate"])
            gw_p99.append(g["latency_summary"]["p99_ms"])
            gw_hist.merge(Histogram.from_dict(g["latency"]))
            statuses = {"bare": b["statuses"], "gateway": g["statuses"]}
            await wait_idle(stack.nats_url)
    finally:
        bare.terminate()
        await asyncio.wait_for(bare.wait(), 10)
    ctx.details["ingress"] = {"bare": bare_hist.summary_ms(), "gateway": gw_hist.summary_ms(),
                              "statuses_last_repeat": statuses, "duration_s": duration,
                              "connections": CONNECTIONS}
    errors = sum(n for s, n in statuses["gateway"].items() if int(s) >= 300)
    note = f"{errors} non-2xx in last repeat" if errors else ""
    return [
        Figure("1 ingress", "bare FastAPI req/s", "req/s", bare_rates),
        Figure("1 ingress", "gateway webhook req/s", "req/s", gw_rates, limit=statistics_median(bare_rates),
               limit_name="bare FastAPI", target=("ratio>=", 0.6), note=note),
        Figure("1 ingress", "gateway p99 @50 conns", "ms", gw_p99,
               limit=statistics_median(bare_p99), limit_name="bare p99", target=("<=", 25.0)),
    ]


def statistics_median(values: list[float]) -> float:
    import statistics
    return statistics.median(values)
