"""12. API flood: the public API's rate limits (gateway/limits/) at their production defaults
(the rest of the bench lifts them) with two tenants on the same gateway. Tenant B reads its
inbox (the REST list and a GraphQL list with nested fields, in turn) at 20 requests/s open
loop: alone (baseline), then while tenant A floods REST closed loop from 4 connections with
three API keys in turn (so the tenant's bucket, 100/s burst 300, binds before a key's, 50/s
burst 150), then while A floods GraphQL from 4 connections with a document costing 500 points
(the tenant's 1,000 points/s, burst 30,000). Figures: B's p99 under each flood against its
baseline (target within 2x) and B's 429s (none); A's accepted rate beyond the bucket's burst
against its limit, how much of what A sent beyond the limit was answered 429, and every 429
carrying Retry-After and the RateLimit fields. A is a fresh tenant each repeat, so its buckets
start full and what they allow is known."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import statistics
import urllib.parse
from collections.abc import Iterator
from typing import Any

import httpx

from gateway.config import GatewaySettings
from gateway.limits.lease import Limit
from gateway.limits.policy import ApiLimits
from switchboard.bench.report import Figure
from switchboard.bench.scenarios.inbox import GRAPHQL as B_QUERY
from switchboard.bench.scenarios.pipeline import spec as webhook_spec
from switchboard.bench.stack import BenchStack, BenchTenant, run_loadgen, wait_idle

TITLE = "tenant B reads its inbox while tenant A floods the API past its rate limits"
SCENARIO = "12 api flood"
LIMIT_FIELDS = ("rate_limits", "rate_limit_tenant_per_s", "rate_limit_tenant_burst",
                "rate_limit_key_per_s", "rate_limit_key_burst", "graphql_cost_per_s",
                "graphql_cost_burst", "graphql_max_cost")
# 50 conversations + 50 x 9 messages = 500 points (gateway/limits/cost.py).
A_QUERY = """{ conversations(first: 50) { edges { node { id lastMessagePreview
  messages(first: 9) { edges { node { id text } } } } } } }"""
A_QUERY_COST = 500
B_RATE = 20


@contextlib.contextmanager
def production_limits(stack: BenchStack) -> Iterator[ApiLimits]:
    """The gateway's API limits at GatewaySettings' defaults for a while (the limits are read
    from the gateway's settings on every request)."""
    state = stack.gateway_app_state()
    assert state.limiter is not None, "the bench's gateway runs without a rate limiter"
    lifted = state.settings
    state.settings = lifted.model_copy(update={
        name: GatewaySettings.model_fields[name].default for name in LIMIT_FIELDS})
    try:
        yield ApiLimits.of(state.settings)
    finally:
        state.settings = lifted


def _q(query: str) -> str:
    return f"/graphql?query={urllib.parse.quote(query)}"


async def _inbox_for(ctx: Any, b: BenchTenant) -> None:
    """60 buyer messages across 20 chats by signed webhooks, stored before B reads them."""
    seed = webhook_spec(ctx, b, "flood", rate=50, count=60, duration_s=2.0, warmup_s=0.0,
                        connections=4)
    seed.pop("sse")
    seed["avito"]["chats"] = 20
    await run_loadgen(seed)
    await wait_idle(ctx.stack.nats_url, limit_s=60)


async def _check(http: httpx.AsyncClient, headers: dict[str, str], path: str) -> None:
    """A measured request must be a real answer, not an error answered fast."""
    body = (await http.get(path, headers=headers)).raise_for_status().json()
    if body.get("errors") or (path.startswith("/v1/") and not body.get("items")):
        raise RuntimeError(f"{path[:40]}: {str(body)[:300]}")


async def _flooder(stack: BenchStack, http: httpx.AsyncClient) -> list[dict[str, str]]:
    """A fresh tenant with three API keys (Authorization headers)."""
    a = await stack.new_tenant("Flooding A", with_channel=False)
    headers = [a.headers]
    for n in range(2):
        created = (await http.post("/v1/api-keys", headers=a.headers, json={
            "name": f"flood-{n}", "scopes": ["read"]})).raise_for_status().json()
        headers.append({"Authorization": f"Bearer {created['key']}"})
    return headers


def _outcome(run: dict[str, Any], duration: float, limit: Limit, cost: float) -> dict[str, Any]:
    """What A got, and what the bucket allowed at most over the run: full at the start, plus
    its refill, plus one lease's batch the gateway may still hold from A's calls before the
    flood (leased tokens are not the shared row's; lease.py)."""
    statuses = {int(s): n for s, n in run["statuses"].items()}
    ok, refused = statuses.get(200, 0), statuses.get(429, 0)
    burst = limit.burst
    allowed = (burst + limit.batch + limit.rate_per_s * duration) / cost
    return {"sent": run["sent"], "ok": ok, "refused": refused,
            "other": run["sent"] - ok - refused, "statuses": statuses,
            "offered_per_s": run["sent"] / duration, "allowed_at_most": allowed,
            "accepted_beyond_burst_per_s": (ok * cost - burst) / duration,
            "refused_per_excess": refused / max(run["sent"] - allowed, 1.0),
            "without_headers": run["limited_without_headers"]}


def _b_spec(ctx: Any, b: BenchTenant, duration: float) -> dict[str, Any]:
    return {"base_url": ctx.stack.gateway_url, "kind": "get", "headers": b.headers,
            "paths": ["/v1/conversations?limit=20", _q(B_QUERY)], "rate": B_RATE,
            "connections": 4, "duration_s": duration, "warmup_s": 1.0}


async def run(ctx: Any) -> list[Figure]:
    stack: BenchStack = ctx.stack
    duration = 5.0 if ctx.quick else 8.0
    b = await stack.new_tenant("Reading B")
    await _inbox_for(ctx, b)
    runs: list[dict[str, Any]] = []
    with production_limits(stack) as limits:
        async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as http:
            for path in ("/v1/conversations?limit=20", _q(B_QUERY), _q(A_QUERY)):
                await _check(http, b.headers, path)
            for _ in range(ctx.repeats):
                alone = await run_loadgen(_b_spec(ctx, b, duration))
                a_keys = await _flooder(stack, http)
                # A's flood starts with B's warm-up and outlasts B's window.
                flood_s = duration + 1.0
                flood = {"base_url": stack.gateway_url, "kind": "get", "duration_s": flood_s,
                         "warmup_s": 0.0}
                rest, beside_rest = await asyncio.gather(
                    run_loadgen({**flood, "paths": ["/v1/conversations?limit=20"],
                                 "headers": a_keys, "connections": 4}),
                    run_loadgen(_b_spec(ctx, b, duration)))
                graphql, beside_graphql = await asyncio.gather(
                    run_loadgen({**flood, "paths": [_q(A_QUERY)], "headers": a_keys[0],
                                 "connections": 4}),
                    run_loadgen(_b_spec(ctx, b, duration)))
                runs.append({
                    "b_alone": _b_details(alone), "b_beside_rest": _b_details(beside_rest),
                    "b_beside_graphql": _b_details(beside_graphql),
                    "a_rest": _outcome(rest, flood_s, limits.tenant, 1),
                    "a_graphql": _outcome(graphql, flood_s, limits.graphql, A_QUERY_COST)})
    ctx.details["api_flood"] = {"b_rate": B_RATE, "duration_s": duration, "runs": runs,
                                "limits": dataclasses.asdict(limits)}
    return _figures(runs, limits)


def _b_details(got: dict[str, Any]) -> dict[str, Any]:
    # Answered after the window closed: not in the histogram, so shown beside it.
    return {**got["latency_summary"], "statuses": got["statuses"], "errors": got["errors"],
            "late": got["sent_measured"] - got["latency_summary"].get("count", 0)}


def _figures(runs: list[dict[str, Any]], limits: ApiLimits) -> list[Figure]:
    def each(side: str, key: str) -> list[float]:
        return [float(r[side][key]) for r in runs]

    quiet = each("b_alone", "p99_ms")
    figures = [Figure(SCENARIO, f"B p99 alone (REST + GraphQL list, {B_RATE}/s)", "ms", quiet)]
    for surface, name in (("rest", "REST"), ("graphql", "GraphQL")):
        side = f"b_beside_{surface}"
        errors = sum(r[side]["errors"] - r[side]["statuses"].get("429", 0) for r in runs)
        late = sum(r[side]["late"] for r in runs)
        figures += [
            Figure(SCENARIO, f"B p99 while A floods {name}", "ms", each(side, "p99_ms"),
                   note=f"{errors} other B errors, {late} B answers after the window",
                   limit=statistics.median(quiet), limit_name="B p99 alone",
                   target=("ratio<=", 2.0)),
            Figure(SCENARIO, f"B 429s while A floods {name}", "429s",
                   [float(r[side]["statuses"].get("429", 0)) for r in runs],
                   target=("<=", 0.0))]
    rest, graphql = limits.tenant.rate_per_s, limits.graphql.rate_per_s
    other = sum(r[s]["other"] for r in runs for s in ("a_rest", "a_graphql"))
    bare = [float(r["a_rest"]["without_headers"] + r["a_graphql"]["without_headers"])
            for r in runs]
    return [
        *figures,
        Figure(SCENARIO, "A REST offered (4 connections, 3 keys)", "req/s",
               each("a_rest", "offered_per_s")),
        Figure(SCENARIO, "A REST accepted beyond the burst", "req/s",
               each("a_rest", "accepted_beyond_burst_per_s"), limit=rest,
               limit_name="tenant's limit", target=("ratio<=", 1.1)),
        Figure(SCENARIO, "A REST 429s per request beyond the limit", "",
               each("a_rest", "refused_per_excess"), target=(">=", 0.95)),
        Figure(SCENARIO, f"A GraphQL offered (4 connections, {A_QUERY_COST} points each)",
               "docs/s", each("a_graphql", "offered_per_s")),
        Figure(SCENARIO, "A GraphQL accepted beyond the burst", "points/s",
               each("a_graphql", "accepted_beyond_burst_per_s"), limit=graphql,
               limit_name="tenant's limit", target=("ratio<=", 1.1)),
        Figure(SCENARIO, "A GraphQL 429s per document beyond the limit", "",
               each("a_graphql", "refused_per_excess"), target=(">=", 0.95)),
        Figure(SCENARIO, "A 429s without Retry-After or RateLimit-*", "429s", bare,
               note=f"{other} A answers neither 200 nor 429", target=("<=", 0.0)),
    ]
