"""CSRF protection of cookie sessions over REST (GraphQL's: test_graphql_transport.py)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from gateway.csrf import CSRF_COOKIE, CSRF_HEADER
from gateway.identity.service import IdentityService, TenantCreated
from services.kernel.config import KernelSettings
from services.kernel.db import Database
from tests.gateway import bearer, client_for, gateway_settings, identity_app

PASSWORD = "correct horse battery"
KEY = {"name": "by-cookie", "scopes": ["read"]}


@pytest.fixture
def app(db: Database, settings: KernelSettings) -> FastAPI:
    return identity_app(db, gateway_settings(settings))


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app) as http:
        yield http


@pytest.fixture
async def owner(db: Database, settings: KernelSettings) -> tuple[TenantCreated, str]:
    email = f"owner-{uuid.uuid4().hex[:10]}@example.com"
    identity = IdentityService(db, gateway_settings(settings))
    return await identity.create_tenant("Acme", email, PASSWORD), email


async def login(client: httpx.AsyncClient, email: str) -> httpx.Response:
    response = await client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response


def csrf_refusal(response: httpx.Response) -> str:
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == "/problems/csrf"
    return str(response.json()["detail"])


async def test_login_sets_a_readable_token_bound_to_the_session(
        app: FastAPI, client: httpx.AsyncClient, owner: tuple[TenantCreated, str]) -> None:
    response = await login(client, owner[1])
    cookies = {c.split("=", 1)[0]: c.lower() for c in response.headers.get_list("set-cookie")}
    assert "httponly" not in cookies[CSRF_COOKIE] and "httponly" in cookies["sb_session"]
    for cookie in cookies.values():
        assert "samesite=lax" in cookie and "path=/" in cookie and "expires=" in cookie
    token = client.cookies[CSRF_COOKIE]
    assert response.json()["csrf_token"] == token
    assert (await client.get("/v1/auth/me")).json()["csrf_token"] == token
    # Another session of the same person has another token.
    async with client_for(app) as other:
        assert (await login(other, owner[1])).json()["csrf_token"] != token


async def test_an_unsafe_request_by_cookie_needs_the_token(
        client: httpx.AsyncClient, owner: tuple[TenantCreated, str]) -> None:
    await login(client, owner[1])
    assert CSRF_HEADER in csrf_refusal(await client.post("/v1/api-keys", json=KEY))
    assert "does not match" in csrf_refusal(
        await client.post("/v1/api-keys", json=KEY, headers={CSRF_HEADER: "f" * 64}))
    created = await client.post("/v1/api-keys", json=KEY,
                                headers={CSRF_HEADER: client.cookies[CSRF_COOKIE]})
    assert created.status_code == 201, created.text
    path = f"/v1/api-keys/{created.json()['id']}"
    csrf_refusal(await client.delete(path))
    assert (await client.delete(path, headers={CSRF_HEADER: client.cookies[CSRF_COOKIE]})
            ).status_code == 204
    assert (await client.get("/v1/api-keys")).status_code == 200  # safe: no token


async def test_a_multipart_upload_by_cookie_needs_the_token_before_it_is_read(
        client: httpx.AsyncClient, owner: tuple[TenantCreated, str]) -> None:
    await login(client, owner[1])
    files = {"file": ("a.txt", b"hello", "text/plain")}
    for path in ("/v1/media", "/v1/agent/knowledge/documents"):
        assert CSRF_HEADER in csrf_refusal(await client.post(path, files=files))


async def test_an_api_key_needs_no_token_even_beside_a_cookie(
        client: httpx.AsyncClient, owner: tuple[TenantCreated, str]) -> None:
    await login(client, owner[1])
    created = await client.post("/v1/api-keys", json=KEY, headers=bearer(owner[0].api_key))
    assert created.status_code == 201, created.text


async def test_logout_clears_both_cookies(
        client: httpx.AsyncClient, owner: tuple[TenantCreated, str]) -> None:
    await login(client, owner[1])
    session = client.cookies["sb_session"]
    response = await client.post("/v1/auth/logout")
    assert response.status_code == 204
    cleared = {c.split("=", 1)[0]: c.lower() for c in response.headers.get_list("set-cookie")}
    assert set(cleared) == {"sb_session", CSRF_COOKIE}
    assert all("max-age=0" in c for c in cleared.values())
    assert CSRF_COOKIE not in client.cookies
    # The token of the ended session does not bring it back.
    old = {"sb_session": session}
    ended = await client.post("/v1/api-keys", json=KEY, cookies=old)
    assert ended.status_code == 401, ended.text
