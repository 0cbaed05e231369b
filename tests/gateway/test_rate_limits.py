"""The API's rate limits on running gateways (issue #16): an API key's bucket, the tenant's
bucket shared by its keys, one bucket shared by two replicas, GraphQL charged by cost — each
refusal a 429 with Retry-After and the RateLimit fields, another key or tenant unaffected."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from tests.fixtures.platform import RunningPlatform, Tenant, second_gateway

SLOW = 0.01  # tokens a second: nothing refills during a test


@asynccontextmanager
async def gateway(platform: RunningPlatform, **limits: Any) -> AsyncIterator[str]:
    runtime = await second_gateway(platform, **limits)
    try:
        yield runtime.url
    finally:
        await runtime.stop()


async def key(tenant: Tenant, name: str) -> str:
    made = await tenant.http.post("/v1/api-keys", json={"name": name, "scopes": ["read"]})
    return str(made.json()["key"])


async def statuses(url: str, api_key: str, n: int) -> list[httpx.Response]:
    async with httpx.AsyncClient(base_url=url, timeout=15,
                                 headers={"Authorization": f"Bearer {api_key}"}) as http:
        return [await http.get("/v1/channels") for _ in range(n)]


async def test_a_keys_bucket_then_429_with_the_fields(platform: RunningPlatform) -> None:
    seller, other = await platform.new_tenant("Лимит"), await platform.new_tenant("Сосед")
    async with gateway(platform, rate_limit_key_per_s=SLOW, rate_limit_key_burst=4) as url:
        first, second, theirs = await key(seller, "a"), await key(seller, "b"), await key(
            other, "c")
        got = await statuses(url, first, 6)
        assert [r.status_code for r in got] == [200] * 4 + [429] * 2
        assert [r.headers["RateLimit-Remaining"] for r in got[:4]] == ["3", "2", "1", "0"]
        assert got[0].headers["RateLimit-Limit"] == "4"
        refused = got[4]
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["type"] == "/problems/rate-limited"
        assert int(refused.headers["Retry-After"]) >= 1
        assert "rate limit" in refused.json()["detail"]
        assert [r.status_code for r in await statuses(url, second, 2)] == [200, 200]
        assert [r.status_code for r in await statuses(url, theirs, 2)] == [200, 200]


async def test_the_tenants_bucket_is_shared_by_its_keys_and_replicas(
        platform: RunningPlatform) -> None:
    seller = await platform.new_tenant("Общий лимит")
    limits = {"rate_limit_tenant_per_s": SLOW, "rate_limit_tenant_burst": 6}
    async with gateway(platform, **limits) as one, gateway(platform, **limits) as two:
        keys = [await key(seller, "a"), await key(seller, "b")]
        codes = []
        for i in range(10):  # alternating keys and replicas
            codes += [r.status_code for r in await statuses((one, two)[i % 2], keys[i // 2 % 2],
                                                            1)]
        assert codes == [200] * 6 + [429] * 4  # six in all, not six per replica or per key


QUERY = "{ conversations(first: 100) { edges { node { id } } } }"
NESTED = ("{ conversations(first: 100) { edges { node { id messages(first: 100) "
          "{ edges { node { id } } } } } } }")


async def test_graphql_is_charged_by_cost(platform: RunningPlatform) -> None:
    seller = await platform.new_tenant("Стоимость")
    auth = {"Authorization": f"Bearer {seller.api_key}"}
    async with gateway(platform, graphql_cost_per_s=SLOW, graphql_cost_burst=250,
                       graphql_max_cost=5000) as url, \
            httpx.AsyncClient(base_url=url, timeout=15, headers=auth) as http:
        costly = await http.post("/graphql", json={"query": NESTED})
        answers = [await http.post("/graphql", json={"query": QUERY}) for _ in range(3)]
        rest = await http.get("/v1/channels")
    assert costly.status_code == 200
    error = costly.json()["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["cost"] == 10_100 and "first" in error["message"]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[0].json()["data"]["conversations"]["edges"] == []
    assert answers[1].headers["RateLimit-Remaining"] == "50"
    refused = answers[2].json()["errors"][0]
    assert refused["extensions"]["code"] == "RATE_LIMITED"
    assert refused["extensions"]["retryAfterSeconds"] >= 1
    assert int(answers[2].headers["Retry-After"]) >= 1
    assert rest.status_code == 200  # REST requests are counted apart
