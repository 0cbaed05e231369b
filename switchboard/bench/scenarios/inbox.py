"""4. Inbox reads at scale: the generated data set (`switchboard.bench.dataset`: 1,000 tenants,
1 M conversations, 10 M messages; --quick 100 / 100 k / 1 M), then through REST, 2 connections
closed loop, for a tenant with 1,000 conversations: the list sorted by recent and by price, with
filters, cursor pages, a conversation's messages, and a GraphQL list with nested fields
(channel, last messages) whose BatchGetChannels and BatchListMessages calls are counted (no N+1;
ListMessages calls are counted too, and should be none)."""

from __future__ import annotations

import urllib.parse
from typing import Any

import httpx

from gateway.config import GatewaySettings
from gateway.identity.service import IdentityService
from switchboard.bench.dataset import SCALES, ensure_dataset, remember_key, saved_key
from switchboard.bench.report import Figure
from switchboard.bench.stack import run_loadgen

TITLE = "inbox reads on the generated data set"
GRAPHQL = """{ conversations(first: 20, sort: RECENT) { edges { cursor node { id status
  lastMessagePreview channel { id name } messages(first: 3) { edges { node { id text } } } } }
  pageInfo { hasNextPage endCursor } } }"""


async def run(ctx: Any) -> list[Figure]:
    stack = ctx.stack
    scale = "quick" if ctx.quick else "full"
    api_key = await saved_key(stack.owner_url, scale) if await _has(stack, scale) else ""
    if not api_key:
        created = await IdentityService(stack.db, GatewaySettings(**stack.settings)).create_tenant(
            "Inbox at scale", f"inbox-{scale}@example.com", "password-123")
        data = await ensure_dataset(stack.owner_url, scale, created.tenant_id)
        api_key = created.api_key
        await remember_key(stack.owner_url, scale, api_key)
    else:
        data = await ensure_dataset(stack.owner_url, scale)
    headers = {"Authorization": f"Bearer {api_key}"}
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers=headers, timeout=30) as http:
        first = (await http.get("/v1/conversations", params={"limit": 50})).raise_for_status().json()
        cursors = []
        page = first
        for _ in range(5):
            if not page["page"]["next_cursor"]:
                break
            cursors.append(page["page"]["next_cursor"])
            page = (await http.get("/v1/conversations",
                                   params={"limit": 50, "cursor": cursors[-1]})).json()
        price = (await http.get("/v1/conversations", params={"limit": 50, "sort": "price"})).json()
    conv_ids = [c["id"] for c in first["items"]]
    q = urllib.parse.quote
    queries = {
        "list recent": ["/v1/conversations?limit=50"],
        "list price": ["/v1/conversations?limit=50&sort=price",
                       "/v1/conversations?limit=50&sort=price_desc"],
        "list filtered": ["/v1/conversations?limit=50&status=open",
                          "/v1/conversations?limit=50&unread=true&mode=manager",
                          "/v1/conversations?limit=50&status=pending&sort=price"],
        "list cursor pages": [f"/v1/conversations?limit=50&cursor={q(c)}" for c in cursors]
        + ([f"/v1/conversations?limit=50&sort=price&cursor={q(price['page']['next_cursor'])}"]
           if price["page"]["next_cursor"] else []),
        "messages of a conversation": [f"/v1/conversations/{c}/messages?limit=50"
                                       for c in conv_ids],
        "GraphQL list + nested": [f"/graphql?query={q(GRAPHQL)}"],
    }
    state = stack.gateway_app_state()
    calls = {"n": 0, "messages": 0, "list_messages": 0}
    original = state.channels.batch_get_channels
    original_messages = state.conversations.batch_list_messages
    original_list_messages = state.conversations.list_messages

    async def counting(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        return await original(*args, **kwargs)

    async def counting_messages(*args: Any, **kwargs: Any) -> Any:
        calls["messages"] += 1
        return await original_messages(*args, **kwargs)

    async def counting_list_messages(*args: Any, **kwargs: Any) -> Any:
        calls["list_messages"] += 1
        return await original_list_messages(*args, **kwargs)

    figures: list[Figure] = []
    details: dict[str, Any] = {"scale": dict(zip(("tenants", "conversations", "messages"),
                                                 SCALES[scale], strict=True)),
                               "generated_s": data.generated_s}
    graphql_requests = 0
    for name, paths in queries.items():
        p99s = []
        for _ in range(ctx.repeats):
            if name.startswith("GraphQL"):
                state.channels.batch_get_channels = counting
                state.conversations.batch_list_messages = counting_messages
                state.conversations.list_messages = counting_list_messages
            try:
                r = await run_loadgen({"base_url": stack.gateway_url, "kind": "get",
                                       "paths": paths, "headers": headers, "connections": 2,
                                       "duration_s": 3.0, "warmup_s": 0.5})
            finally:
                state.channels.batch_get_channels = original
                state.conversations.batch_list_messages = original_messages
                state.conversations.list_messages = original_list_messages
            if name.startswith("GraphQL"):
                graphql_requests += r["sent"]
            p99s.append(r["latency_summary"]["p99_ms"])
            details[name] = {**r["latency_summary"], "rate": r["rate"], "statuses": r["statuses"]}
        bad = sum(n for s, n in details[name]["statuses"].items() if int(s) >= 400)
        figures.append(Figure("4 inbox", f"{name} p99", "ms", p99s,
                              target=("<=", 20.0) if name.startswith("list") else None,
                              note=f"{bad} errors" if bad else ""))
    per_query = calls["n"] / max(graphql_requests, 1)
    details["graphql_batch_get_channels_calls"] = calls["n"]
    details["graphql_requests"] = graphql_requests
    details["graphql_batch_list_messages_calls"] = calls["messages"]
    details["graphql_list_messages_calls"] = calls["list_messages"]
    figures.append(Figure("4 inbox", "GraphQL BatchGetChannels calls per query (20 nodes)",
                          "calls", [per_query], target=("<=", 1.0)))
    figures.append(Figure(
        "4 inbox", "GraphQL BatchListMessages calls per query (20 nodes)", "calls",
        [calls["messages"] / max(graphql_requests, 1)], target=("<=", 1.0),
        note=f"{calls['list_messages']} ListMessages calls" if calls["list_messages"] else ""))
    if data.generated_s is not None:
        figures.append(Figure("4 inbox", "data set generation (COPY)", "s", [data.generated_s]))
    ctx.details["inbox"] = details
    return figures


async def _has(stack: Any, scale: str) -> bool:
    import asyncpg
    conn = await asyncpg.connect(stack.owner_url)
    try:
        return bool(await conn.fetchval(
            "SELECT to_regclass('public.bench_dataset') IS NOT NULL AND EXISTS "
            "(SELECT 1 FROM public.bench_dataset WHERE scale = $1)", scale))
    except Exception:
        return False
    finally:
        await conn.close()
