"""3. Outbound: replies through `POST /v1/conversations/{id}/messages` -> outbox -> JetStream ->
channels-sender -> the Avito emulator (rate limits off) -> `sent` status -> SSE.

Latency is POST -> `message.status_changed` with status `sent` at a live subscriber.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from switchboard.bench.report import Figure
from switchboard.bench.stack import purge_tenant, run_loadgen, wait_idle

TITLE = "replies through the API to the Avito emulator"
CHATS = 20


async def run(ctx: Any) -> list[Figure]:
    stack = ctx.stack
    tenant = await stack.new_tenant("Outbound shop")
    assert stack.emulator is not None
    async with httpx.AsyncClient(timeout=10) as emulator:  # real chats the emulator can answer in
        for n in range(CHATS):
            (await emulator.post(
                f"{stack.emulator.url}/_emulator/accounts/{tenant.user_id}/incoming",
                json={"text": "Здравствуйте!", "author_id": 700_000_000 + n})).raise_for_status()
    await wait_idle(stack.nats_url)
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers=tenant.headers) as http:
        for _ in range(50):
            items = (await http.get("/v1/conversations", params={"limit": 100})).json()["items"]
            if len(items) >= CHATS:
                break
            await asyncio.sleep(0.2)
    paths = [f"/v1/conversations/{c['id']}/messages" for c in items]
    rate = 50 if ctx.quick else 100
    base = {"base_url": stack.gateway_url, "kind": "reply", "paths": paths,
            "headers": tenant.headers,
            "sse": {"url": f"{stack.gateway_url}/v1/events", "api_key": tenant.api_key,
                    "event": "message.status_changed", "status": "sent",
                    "drain_s": 5 if ctx.quick else 10}}
    p99, post_p99, sent_rates, max_rates = [], [], [], []
    details: dict[str, Any] = {}
    for _ in range(ctx.repeats):
        r = await run_loadgen({**base, "rate": rate, "connections": 20,
                               "duration_s": 3.0 if ctx.quick else 5.0, "warmup_s": 0.5})
        p99.append(r["e2e_summary"]["p99_ms"])
        post_p99.append(r["latency_summary"]["p99_ms"])
        sent_rates.append(r["e2e_rate"])
        details[f"rate_{rate}"] = {"e2e": r["e2e_summary"], "http": r["latency_summary"],
                                   "statuses": r["statuses"], "expected": r["e2e_expected"],
                                   "received": r["e2e_received"]}
        await purge_tenant(stack.nats_url, tenant.tenant_id)  # sends not yet made are dropped
        await wait_idle(stack.nats_url, limit_s=60)
        r = await run_loadgen({**base, "connections": 20, "duration_s": 2.0 if ctx.quick else 3.0,
                               "warmup_s": 0.5},
                              limit_s=300)
        max_rates.append(r["e2e_throughput"])
        details["max"] = {"e2e": r["e2e_summary"], "http_rate": r["rate"],
                          "expected": r["e2e_expected"], "received": r["e2e_received"]}
        await purge_tenant(stack.nats_url, tenant.tenant_id)  # sends not yet made are dropped
        await wait_idle(stack.nats_url, limit_s=60)
    ctx.details["outbound"] = details
    return [
        Figure("3 outbound", f"POST p99 @{rate}/s", "ms", post_p99),
        Figure("3 outbound", f"POST -> sent p99 @{rate}/s", "ms", p99,
               note=f"{details[f'rate_{rate}']['received']}/{details[f'rate_{rate}']['expected']}"
                    " sent in time; the rest counted at their age"),
        Figure("3 outbound", "max sends/s reaching sent", "msg/s", max_rates),
    ]
