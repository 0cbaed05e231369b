"""The Avito client over real HTTP against the emulator (faults injected there, not mocked)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Response
from fastapi.responses import JSONResponse
from prometheus_client import REGISTRY

from services.channels.avito.client import AccessToken, AvitoClient, RetryPolicy
from services.channels.avito.errors import (
    AvitoAuthError,
    AvitoPaymentRequired,
    AvitoRejected,
    AvitoUnavailable,
    error_message,
)
from services.channels.avito.ratelimit import TokenBucket
from services.kernel.backoff import parse_retry_after
from switchboard.http_server import BackgroundServer
from tests.services.channels.conftest import Avito

FAST = RetryPolicy(max_attempts=3, backoff_base_s=0.01, backoff_max_s=0.05, retry_after_max_s=5)


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as client:
        yield client


def make_client(http: httpx.AsyncClient, base_url: str, account: dict[str, Any], *,
                policy: RetryPolicy = FAST, **kwargs: Any) -> AvitoClient:
    return AvitoClient(http, base_url=base_url, client_id=account["client_id"],
                       client_secret=account["client_secret"], policy=policy,
                       bucket=TokenBucket(100, 100), **kwargs)


async def test_messenger_round_trip(avito: Avito, http: httpx.AsyncClient) -> None:
    account = await avito.account(name="Магазин", items=[{"title": "Диван", "price": 15000}])
    user_id = account["user_id"]
    saved: list[AccessToken] = []

    async def on_token(token: AccessToken) -> None:
        saved.append(token)

    client = make_client(http, avito.url, account, on_token=on_token)
    me = await client.accounts_self()
    assert (me["id"], me["name"]) == (user_id, "Магазин")
    assert len(saved) == 1 and saved[0].fresh()

    chat_id = (await avito.incoming(user_id, text="Здравствуйте"))["chat_id"]
    chat = await client.get_chat(user_id, chat_id)
    assert chat["id"] == chat_id and chat["context"]["value"]["title"] == "Диван"
    sent = await client.send_text(user_id, chat_id, "Добрый день!")
    messages = await client.list_messages(user_id, chat_id, limit=10)
    assert [m["id"] for m in messages][:2] == [sent["id"], messages[1]["id"]]
    assert messages[0]["content"]["text"] == "Добрый день!"
    await client.mark_read(user_id, chat_id)

    await client.subscribe_webhook("https://hooks.example/a")
    assert [s["url"] for s in await client.list_subscriptions()] == ["https://hooks.example/a"]
    await client.unsubscribe_webhook("https://hooks.example/a")
    assert await client.list_subscriptions() == []
    assert len(saved) == 1  # one token served every call


async def test_bad_secret_is_an_auth_error(avito: Avito, http: httpx.AsyncClient) -> None:
    account = await avito.account()
    client = make_client(http, avito.url, {**account, "client_secret": "wrong"})
    with pytest.raises(AvitoAuthError, match="Client authentication failed"):
        await client.accounts_self()


async def test_429_honours_retry_after(avito: Avito, http: httpx.AsyncClient) -> None:
    account = await avito.account()
    client = make_client(http, avito.url, account)
    await client.token()
    before = metric("switchboard_avito_requests_total", endpoint="accounts_self", status="429")
    await avito.fault("self", 429, count=1)
    started = time.monotonic()
    await client.accounts_self()
    assert time.monotonic() - started >= 0.95  # the emulator sends Retry-After: 1
    assert metric("switchboard_avito_requests_total", endpoint="accounts_self",
                  status="429") == before + 1


async def test_long_retry_after_is_left_to_the_caller(avito: Avito,
                                                      http: httpx.AsyncClient) -> None:
    account = await avito.account()
    policy = RetryPolicy(max_attempts=3, backoff_base_s=0.01, retry_after_max_s=0.5)
    client = make_client(http, avito.url, account, policy=policy)
    await client.token()
    await avito.fault("self", 429, count=2)
    try:
        started = time.monotonic()
        with pytest.raises(AvitoUnavailable) as caught:
            await client.accounts_self()
        assert time.monotonic() - started < 0.5
        assert (caught.value.status, caught.value.retry_after_s) == (429, 1.0)
    finally:
        await avito.clear_faults()


async def test_5xx_is_retried_with_backoff_then_unavailable(avito: Avito,
                                                            http: httpx.AsyncClient) -> None:
    account = await avito.account()
    client = make_client(http, avito.url, account)
    await client.token()
    await avito.fault("self", 503, count=2)
    assert (await client.accounts_self())["id"] == account["user_id"]  # third attempt wins

    await avito.fault("self", 500, count=5)
    try:
        with pytest.raises(AvitoUnavailable, match="Avito answered 500") as caught:
            await client.accounts_self()
        assert caught.value.status == 500
        faults = (await avito.http.get("/_emulator/faults")).json()
        assert faults["armed"][0]["remaining"] == 2  # exactly max_attempts calls were made
    finally:
        await avito.clear_faults()


async def test_expired_token_is_refreshed_once(avito: Avito, http: httpx.AsyncClient) -> None:
    account = await avito.account()
    client = make_client(http, avito.url, account)
    await client.token()
    refreshes = metric("switchboard_avito_token_refreshes_total")
    # Our clock still trusts the token; Avito's says it expired and answers 403.
    await avito.http.post("/_emulator/clock", json={"advance_seconds": 86_400 + 5})
    assert (await client.accounts_self())["id"] == account["user_id"]
    assert metric("switchboard_avito_token_refreshes_total") == refreshes + 1
    assert metric("switchboard_avito_requests_total", endpoint="accounts_self",
                  status="403") >= 1


async def test_concurrent_callers_share_one_refresh(avito: Avito,
                                                    http: httpx.AsyncClient) -> None:
    account = await avito.account()
    client = make_client(http, avito.url, account)
    refreshes = metric("switchboard_avito_token_refreshes_total")
    results = await asyncio.gather(*(client.accounts_self() for _ in range(8)))
    assert {r["id"] for r in results} == {account["user_id"]}
    assert metric("switchboard_avito_token_refreshes_total") == refreshes + 1


async def test_a_stored_token_is_reused(avito: Avito, http: httpx.AsyncClient) -> None:
    account = await avito.account()
    first = make_client(http, avito.url, account)
    await first.token()
    assert first.cached_token is not None
    refreshes = metric("switchboard_avito_token_refreshes_total")
    second = make_client(http, avito.url, account, token=first.cached_token)
    await second.accounts_self()
    assert metric("switchboard_avito_token_refreshes_total") == refreshes


async def test_connection_refused_is_unavailable(http: httpx.AsyncClient) -> None:
    client = make_client(http, "http://127.0.0.1:9", {"client_id": "a", "client_secret": "b"})
    with pytest.raises(AvitoUnavailable, match="did not answer"):
        await client.accounts_self()


def odd_avito() -> FastAPI:
    """Shapes the emulator does not produce: a bare message array, 402, other error bodies."""
    app = FastAPI()

    @app.post("/token")
    async def token() -> dict[str, Any]:
        return {"access_token": "t", "expires_in": 3600, "token_type": "Bearer"}

    @app.get("/messenger/v3/accounts/{user_id}/chats/{chat_id}/messages/")
    async def messages(user_id: int, chat_id: str) -> list[dict[str, Any]]:
        return [{"id": "m1", "type": "text", "content": {"text": "hi"}}]

    @app.get("/core/v1/accounts/self")
    async def me() -> Response:
        return JSONResponse({"error": {"code": 402, "message": "Payment required"}}, 402)

    @app.get("/messenger/v2/accounts/{user_id}/chats/{chat_id}")
    async def chat(user_id: int, chat_id: str) -> Response:
        return JSONResponse({"code": "not_found", "message": "chat is gone"}, 404)

    return app


async def test_other_shapes_and_statuses(http: httpx.AsyncClient) -> None:
    async with BackgroundServer(odd_avito()) as server:
        client = make_client(http, server.url, {"client_id": "a", "client_secret": "b"})
        assert [m["id"] for m in await client.list_messages(1, "u2i-x")] == ["m1"]
        with pytest.raises(AvitoPaymentRequired):
            await client.accounts_self()
        with pytest.raises(AvitoRejected, match="chat is gone") as caught:
            await client.get_chat(1, "u2i-x")
        assert caught.value.status == 404


@pytest.mark.parametrize("body,expected", [
    (b'{"error": {"code": 401, "message": "Unauthorized"}}', "Unauthorized"),
    (b'{"error": {"code": 400, "message": "Validation error", "fields": {"text": "too long"}}}',
     "Validation error (text: too long)"),
    (b'{"error": "invalid_client", "error_description": "bad secret"}', "bad secret"),
    (b'{"code": "x", "message": "flat"}', "flat"),
    (b'{"errors": ["one", "two"]}', "one; two"),
    (b'{"result": {"status": "error", "messages": ["m"]}}', "m"),
    (b'{"result": {"message": "access token expired"}}', "access token expired"),
    (b"<html><body><h1>502 Bad Gateway</h1></body></html>", "502 Bad Gateway"),
    (b"", "fallback"), (b"{}", "fallback"),
])
def test_error_bodies_of_every_shape(body: bytes, expected: str) -> None:
    assert error_message(body, "fallback") == expected


def test_retry_after_forms() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    later = parse_retry_after(time.strftime("%a, %d %b %Y %H:%M:%S GMT",
                                            time.gmtime(time.time() + 30)))
    assert later is not None and 25 <= later <= 31


def test_full_jitter_stays_under_the_cap() -> None:
    policy = RetryPolicy(backoff_base_s=0.5, backoff_max_s=2)
    delays = [policy.backoff(retry) for retry in range(1, 8) for _ in range(50)]
    assert all(0 <= d <= 2 for d in delays)
    assert max(policy.backoff(1) for _ in range(200)) <= 0.5
