"""A caller the rate limiter refused is refused at the edge until its Retry-After (issue #16,
gateway/limits/early.py), on a running gateway with limits of its own: the same 429 with the
same fields, without authentication (a spy on it) and answered by the middleware (its metrics'
route), then let through once the Retry-After has passed; another key of the tenant only when
the tenant's bucket refused; GraphQL's budget kept apart from REST's."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY

from gateway.limits.early import ROUTE
from switchboard.platform import GatewayRuntime
from tests.fixtures.platform import RunningPlatform, second_gateway
from tests.gateway.test_rate_limits import QUERY, SLOW, key

PROBLEM = "application/problem+json"
FIELDS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After")


@asynccontextmanager
async def gateway(platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch,
                  **limits: Any) -> AsyncIterator[tuple[str, list[str]]]:
    """A gateway with `limits`, and the API keys its authentication is asked about, in order."""
    runtime: GatewayRuntime = await second_gateway(platform, **limits)
    identity, asked = runtime.app.state.gateway.identity, []
    authenticate = identity.authenticate_api_key

    async def spied(raw: str) -> Any:
        asked.append(raw)
        return await authenticate(raw)
    monkeypatch.setattr(identity, "authenticate_api_key", spied)
    try:
        yield runtime.url, asked
    finally:
        await runtime.stop()


def count(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def early(method: str) -> float:
    return count("switchboard_http_requests_total", route=ROUTE, method=method, status="429")


async def get(url: str, api_key: str, n: int = 1) -> list[httpx.Response]:
    async with httpx.AsyncClient(base_url=url, timeout=15,
                                 headers={"Authorization": f"Bearer {api_key}"}) as http:
        return [await http.get("/v1/channels") for _ in range(n)]


def assert_refused(answer: httpx.Response) -> None:
    assert answer.status_code == 429
    assert answer.headers["content-type"].startswith(PROBLEM)
    assert answer.json()["type"] == "/problems/rate-limited"
    assert "rate limit" in answer.json()["detail"]
    assert all(field in answer.headers for field in FIELDS)
    assert int(answer.headers["Retry-After"]) >= 1


async def test_a_refused_key_is_refused_at_the_edge_until_its_retry_after(
        platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch) -> None:
    seller = await platform.new_tenant("Ранний отказ")
    # 0.2 a second: a refusal's Retry-After is at most 5 s, and nothing refills during the burst
    async with gateway(platform, monkeypatch, rate_limit_key_per_s=0.2,
                       rate_limit_key_burst=2) as (url, asked):
        flooder, neighbour = await key(seller, "flood"), await key(seller, "calm")
        refused_before = count("switchboard_gateway_rate_limited_total", kind="requests")
        early_before = early("GET")
        got = await get(url, flooder, 3)
        assert [r.status_code for r in got] == [200, 200, 429]
        assert len(asked) == 3  # the limiter's own refusal: after authentication
        again = await get(url, flooder, 3)
        assert len(asked) == 3  # not authenticated again: refused ahead of the routes
        assert early("GET") - early_before == 3
        for answer in (got[2], *again):
            assert_refused(answer)
        assert again[0].headers["RateLimit-Limit"] == "2"
        assert count("switchboard_gateway_rate_limited_total",
                     kind="requests") - refused_before == 4
        # another key of the tenant: its own bucket, and the tenant's has not refused
        assert [r.status_code for r in await get(url, neighbour, 2)] == [200, 200]
        # Retry-After is a promise: once it has passed the key is let through again
        await asyncio.sleep(int(again[-1].headers["Retry-After"]) + 0.2)
        assert [r.status_code for r in await get(url, flooder)] == [200]
        assert len(asked) == 3 + 2 + 1


async def test_a_tenants_refusal_covers_its_keys_seen_here(
        platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch) -> None:
    seller = await platform.new_tenant("Ранний отказ арендатора")
    async with gateway(platform, monkeypatch, rate_limit_tenant_per_s=0.2,
                       rate_limit_tenant_burst=3) as (url, asked):
        one, two, unseen = await key(seller, "a"), await key(seller, "b"), await key(seller, "c")
        codes = [r.status_code for k in (one, two, one, two) for r in await get(url, k)]
        assert codes == [200, 200, 200, 429]  # the tenant's bucket refused `two`
        assert len(asked) == 4
        assert_refused((await get(url, one))[0])  # seen here: refused at the edge
        assert len(asked) == 4
        # a key this replica has not seen acting for the tenant goes to the limiter first
        assert [r.status_code for r in await get(url, unseen, 2)] == [429, 429]
        assert len(asked) == 5


async def test_graphql_out_of_budget_is_refused_at_the_edge_and_rest_is_not(
        platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch) -> None:
    seller = await platform.new_tenant("Ранний отказ GraphQL")
    auth = {"Authorization": f"Bearer {seller.api_key}"}
    async with gateway(platform, monkeypatch, graphql_cost_per_s=SLOW,
                       graphql_cost_burst=250) as (url, asked), \
            httpx.AsyncClient(base_url=url, timeout=15, headers=auth) as http:
        early_before = early("POST")
        answers = [await http.post("/graphql", json={"query": QUERY}) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 429, 429]
        assert len(asked) == 3  # the fourth was not authenticated, nor parsed
        assert early("POST") - early_before == 1
        edge = answers[3]
        assert all(field in edge.headers for field in FIELDS)
        error = edge.json()["errors"][0]
        assert edge.json()["data"] is None
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert error["extensions"]["retryAfterSeconds"] == int(edge.headers["Retry-After"]) >= 1
        assert "budget is spent" in error["message"]
        rest = await http.get("/v1/channels")
        assert rest.status_code == 200  # the tenant's REST budget is its own
