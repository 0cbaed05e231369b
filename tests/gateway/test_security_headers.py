"""Security headers on every response (gateway/security_headers.py), a Content-Security-Policy
for exactly what GraphiQL and Swagger UI load, and GraphiQL and introspection that production
turns off (SWITCHBOARD_GRAPHQL_IDE, SWITCHBOARD_GRAPHQL_INTROSPECTION)."""

from __future__ import annotations

import base64
import hashlib
import re
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from gateway.app import create_app
from gateway.config import GatewaySettings
from gateway.identity.service import IdentityService
from gateway.security_headers import STRICT_POLICY, SecurityHeaders, page_policy
from switchboard.http_server import BackgroundServer
from tests.fixtures.platform import RunningPlatform
from tests.fixtures.raw_http import RawConnection, lifespan

HTML = {"Accept": "text/html"}
SCHEMA_QUERY = "{ __schema { queryType { name } } }"


def assert_hardened(resp: httpx.Response) -> str:
    """The headers every response carries; returns its policy."""
    assert resp.headers["x-content-type-options"] == "nosniff", resp.request.url
    assert resp.headers["referrer-policy"] == "no-referrer"
    assert resp.headers["x-frame-options"] == "DENY"
    policy = resp.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    return policy


async def test_every_response_carries_the_security_headers(platform: RunningPlatform) -> None:
    async with httpx.AsyncClient(base_url=platform.gateway_url) as http:
        responses = [
            await http.get("/healthz"), await http.get("/openapi.json"),
            await http.get("/v1/conversations"),  # 401
            await http.get("/nowhere"),  # 404
            await http.post("/webhooks/avito/x/y", content=b"{}"),  # the ingress, 4xx
            await http.post("/graphql", json={"query": "{ __typename }"}),  # 401
        ]
    for resp in responses:
        assert assert_hardened(resp) == STRICT_POLICY, resp.request.url
        assert "strict-transport-security" not in resp.headers  # plain HTTP here
    conn = await RawConnection.open(platform.gateway_url)  # refused before any route ran
    try:
        await conn.head("POST", "/v1/agent/settings", {"Content-Length": "100000000"})
        answer = await conn.answer()
        assert answer.status == 413 and answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["content-security-policy"] == STRICT_POLICY
    finally:
        await conn.close()


def _external(html: str) -> set[str]:
    return set(re.findall(r'(?:src|href)="(https://[^"]+)"', html))


@pytest.mark.parametrize("path", ["/graphql", "/docs"])
async def test_the_ide_pages_may_load_exactly_their_assets(platform: RunningPlatform,
                                                           path: str) -> None:
    async with httpx.AsyncClient(base_url=platform.gateway_url) as http:
        page = await http.get(path, headers=HTML)
        api = await http.get("/openapi.json") if path == "/docs" else \
            await http.post(path, json={"query": "{ __typename }"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    policy = dict(d.strip().split(" ", 1) for d in assert_hardened(page).split(";"))
    assert policy["default-src"] == "'none'" and policy["connect-src"] == "'self'"
    scripts = policy["script-src"].split()
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    inline = re.findall(r"<script>(.*?)</script>", page.text, re.S)
    assert inline and all(f"'sha256-{_digest(s)}'" in scripts for s in inline)
    allowed = set(scripts) | set(policy["style-src"].split()) | set(policy["img-src"].split())
    assert _external(page.text) <= allowed  # everything the page loads, by its exact URL
    assert {s for s in scripts if s.startswith("https://")} <= _external(page.text)  # no more
    assert assert_hardened(api) == STRICT_POLICY  # the API's own answers: the strict policy


def _digest(script: str) -> str:
    return base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()


def test_a_page_policy_is_derived_from_the_page() -> None:
    html = ('<html><head><link rel="stylesheet" href="https://cdn.example/a.css">'
            '<link rel="icon" href="https://cdn.example/i.png"></head><body>'
            '<script src="https://cdn.example/a.js"></script><script>go()</script></body></html>')
    policy = page_policy(html)
    assert f"script-src https://cdn.example/a.js 'sha256-{_digest('go()')}'" in policy
    assert "style-src https://cdn.example/a.css 'unsafe-inline'" in policy
    assert "font-src https://cdn.example data:" in policy
    assert "img-src 'self' data: https://cdn.example/i.png" in policy


async def _plain(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await lifespan(receive, send)
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"), (b"x-frame-options", b"SAMEORIGIN")]})
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.mark.parametrize("hsts", [True, False])
async def test_hsts_behind_https_only_and_a_route_s_own_header_is_kept(hsts: bool) -> None:
    async with BackgroundServer(SecurityHeaders(_plain, pages={}, hsts=hsts)) as srv, \
            httpx.AsyncClient(base_url=srv.url) as http:
        resp = await http.get("/")
    assert ("strict-transport-security" in resp.headers) is hsts
    assert resp.headers["x-frame-options"] == "SAMEORIGIN"  # set by the route: kept
    assert resp.headers["content-security-policy"] == STRICT_POLICY


@pytest.fixture
async def locked_down(platform: RunningPlatform) -> AsyncIterator[httpx.AsyncClient]:
    """A second gateway as the chart runs it: no GraphiQL, no introspection, HTTPS."""
    settings = GatewaySettings(**{**platform.settings.model_dump(), "graphql_ide": False,
                                  "graphql_introspection": False,
                                  "public_base_url": "https://switchboard.example.com"})
    created = await IdentityService(platform.db, settings).create_tenant(
        "Locked", f"owner-{uuid.uuid4().hex[:10]}@example.com", "password-123")
    async with BackgroundServer(create_app(settings)) as srv, httpx.AsyncClient(
            base_url=srv.url, headers={"Authorization": f"Bearer {created.api_key}"}) as http:
        yield http


async def test_graphiql_and_introspection_can_be_turned_off(
        platform: RunningPlatform, locked_down: httpx.AsyncClient) -> None:
    page = await locked_down.get("/graphql", headers=HTML)
    assert page.status_code == 404 and "graphiql" not in page.text.lower()
    assert "strict-transport-security" in page.headers
    result = (await locked_down.post("/graphql", json={"query": SCHEMA_QUERY})).json()
    assert result["errors"] and result.get("data") is None
    assert {e["extensions"]["code"] for e in result["errors"]} == {"GRAPHQL_VALIDATION_FAILED"}
    assert "introspection" in result["errors"][0]["message"].lower()
    typename = (await locked_down.post("/graphql", json={"query": "{ __typename }"})).json()
    assert typename == {"data": {"__typename": "Query"}}  # what clients need still works
    tenant = await platform.new_tenant("Introspecting")  # the default (dev): on
    on = (await tenant.http.post("/graphql", json={"query": SCHEMA_QUERY})).json()
    assert on["data"]["__schema"]["queryType"]["name"] == "Query"
    await tenant.http.aclose()
