"""5. Noisy neighbour: tenant B sends 10 msg/s alone (baseline), then again while tenant A floods
webhooks as fast as 50 connections go (a second load-generator process). Figure: B's end-to-end
p99 under the flood vs its quiet baseline (target: within 2x)."""

from __future__ import annotations

import asyncio
from typing import Any

from switchboard.bench.report import Figure
from switchboard.bench.scenarios.pipeline import spec
from switchboard.bench.stack import purge_tenant, run_loadgen, wait_idle

TITLE = "tenant B at 10 msg/s while tenant A floods"


async def run(ctx: Any) -> list[Figure]:
    stack = ctx.stack
    a = await stack.new_tenant("Noisy A")
    b = await stack.new_tenant("Quiet B")
    duration = 4.0 if ctx.quick else 6.0
    quiet, noisy, a_rates = [], [], []
    details: dict[str, Any] = {}
    for _ in range(ctx.repeats):
        base = await run_loadgen(spec(ctx, b, "b", rate=10, duration_s=duration, warmup_s=1.0,
                                      connections=4))
        quiet.append(base["e2e_summary"]["p99_ms"])
        flood = {**spec(ctx, a, "a", duration_s=duration + 1.0, warmup_s=0.5, connections=50)}
        flood.pop("sse")
        fa, fb = await asyncio.gather(
            run_loadgen(flood),
            run_loadgen(spec(ctx, b, "b", rate=10, duration_s=duration, warmup_s=1.0,
                             connections=4)))
        noisy.append(fb["e2e_summary"]["p99_ms"])
        a_rates.append(fa["rate"])
        details.update(quiet=base["e2e_summary"], noisy=fb["e2e_summary"],
                       a_ingress_rate=fa["rate"], b_expected=fb["e2e_expected"],
                       b_received=fb["e2e_received"])
        await purge_tenant(stack.nats_url, a.tenant_id)  # A's backlog is not measured
        await purge_tenant(stack.nats_url, b.tenant_id)
        details["drain_s"] = await wait_idle(stack.nats_url, limit_s=60)
    ctx.details["noisy"] = details
    import statistics
    return [
        Figure("5 noisy", "B p99 quiet (10 msg/s)", "ms", quiet),
        Figure("5 noisy", "A flood accepted", "req/s", a_rates),
        Figure("5 noisy", "B p99 while A floods", "ms", noisy,
               note=f"B got {details['b_received']}/{details['b_expected']} in time",
               limit=statistics.median(quiet),
               limit_name="B quiet p99", target=("ratio<=", 2.0)),
    ]
