"""Endpoint faults (status, latency) on every endpoint name, and rate limits."""

from __future__ import annotations

import asyncio
import time

from switchboard.emulators.avito.endpoints import ENDPOINTS
from tests.emulators.avito.helpers import (
    ITEMS,
    TEXT,
    Avito,
    Start,
    credentials,
    endpoint_calls,
    eventually,
)


async def test_fault_429_then_recovery(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    chat_id = (await avito.incoming(seller))["chat_id"]
    await avito.fault(endpoint="send", status=429, count=2)
    for _ in range(2):
        response = await avito.http.post(seller.send_path(chat_id), json=TEXT,
                                         headers=seller.headers)
        assert response.status_code == 429 and response.headers["retry-after"] == "1"
        assert response.json() == {"error": {"code": 429, "message": "Too many requests"}}
        assert response.headers["x-ratelimit-remaining"] == "0"
    assert (await avito.http.post(seller.send_path(chat_id), json=TEXT,
                                  headers=seller.headers)).status_code == 200
    assert (await avito.control("/faults"))["armed"] == []


async def test_fault_5xx_with_latency_and_clearing(avito: Avito) -> None:
    account = await avito.account()
    await avito.fault(endpoint="token", status=503, latency_ms=50)
    started = time.monotonic()
    failed = await avito.http.post("/token", data=credentials(account))
    assert failed.status_code == 503 and time.monotonic() - started >= 0.05
    assert failed.json()["error"]["code"] == 503
    assert (await avito.http.post("/token", data=credentials(account))).is_success
    await avito.fault(endpoint="token", status=500)
    cleared = await avito.http.delete("/_emulator/faults")
    assert cleared.json()["armed"] == []
    assert (await avito.http.post("/token", data=credentials(account))).is_success
    invalid = await avito.http.post("/_emulator/faults", json={"endpoint": "token"})
    assert invalid.status_code == 422
    unknown = await avito.http.post("/_emulator/faults", json={"endpoint": "nope", "status": 500})
    assert unknown.status_code == 422


async def test_fault_for_one_chat_leaves_other_chats_alone(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    slow, other = [(await avito.incoming(seller, author_id=700_000_000 + n))["chat_id"]
                   for n in range(2)]
    assert slow != other
    await avito.fault(endpoint="send", status=503, chat_id=slow)
    assert (await avito.http.post(seller.send_path(other), json=TEXT,
                                  headers=seller.headers)).status_code == 200
    assert (await avito.http.post(seller.send_path(slow), json=TEXT,
                                  headers=seller.headers)).status_code == 503
    assert (await avito.http.post(seller.send_path(slow), json=TEXT,
                                  headers=seller.headers)).status_code == 200

    # Latency for one chat: a send to another chat started after it is answered first.
    [armed] = (await avito.fault(endpoint="send", latency_ms=2000, chat_id=slow))["armed"]
    assert armed["chat_id"] == slow
    held = asyncio.create_task(avito.http.post(seller.send_path(slow), json=TEXT,
                                               headers=seller.headers))
    async def taken() -> bool:  # the held call has spent the fault
        return not (await avito.control("/faults"))["armed"]
    await eventually(taken)
    passed = await avito.http.post(seller.send_path(other), json=TEXT, headers=seller.headers)
    assert passed.status_code == 200 and not held.done()
    assert (await held).status_code == 200
    sent = [s["chat_id"] for s in (await avito.control(f"/accounts/{seller.user_id}/sent"))["sent"]]
    assert sent[-2:] == [other, slow]

    alone = await avito.http.post("/_emulator/faults", json={"chat_id": slow})
    assert alone.status_code == 422


async def test_gateway_errors_come_as_html(avito: Avito) -> None:
    seller = await avito.seller()
    for status in (502, 504):
        await avito.fault(endpoint="self", status=status)
        response = await avito.http.get("/core/v1/accounts/self", headers=seller.headers)
        assert response.status_code == status
        assert response.headers["content-type"].startswith("text/html")
        assert f"<h1>{status} " in response.text


async def test_every_endpoint_can_be_faulted(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    written = await avito.incoming(seller)
    calls = endpoint_calls(seller, written["chat_id"], written["message_id"], seller.item_ids[0])
    assert set(calls) == set(ENDPOINTS)
    for endpoint, (method, path, kwargs) in calls.items():
        await avito.fault(endpoint=endpoint, status=503)
        headers = {**seller.headers, **kwargs.pop("headers", {})}
        response = await avito.http.request(method, path, headers=headers, **kwargs)
        assert response.status_code == 503, (endpoint, response.text)
    assert (await avito.control("/faults"))["armed"] == []


async def test_rate_limit_window(start: Start) -> None:
    avito = await start(rate_limits={"self": 2})
    seller = await avito.seller()
    remaining = []
    for _ in range(2):
        response = await avito.http.get("/core/v1/accounts/self", headers=seller.headers)
        remaining.append(response.headers["x-ratelimit-remaining"])
    assert remaining == ["1", "0"]
    limited = await avito.http.get("/core/v1/accounts/self", headers=seller.headers)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert limited.json() == {"error": {"code": 429, "message": "Too many requests"}}
    await avito.advance(60)
    assert (await avito.http.get("/core/v1/accounts/self", headers=seller.headers)).is_success


async def test_items_list_has_its_documented_limit_and_flat_429(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    for n in range(25):
        response = await avito.http.get("/core/v1/items", headers=seller.headers)
        assert response.status_code == 200
        assert response.headers["x-ratelimit-limit"] == "25"
        assert response.headers["x-ratelimit-remaining"] == str(24 - n)
    limited = await avito.http.get("/core/v1/items", headers=seller.headers)
    assert limited.status_code == 429 and limited.json() == {}
    assert limited.headers["x-ratelimit-remaining"] == "0"
    item = await avito.http.get(f"/core/v1/accounts/{seller.user_id}/items/{seller.item_ids[0]}/",
                                headers=seller.headers)
    assert item.headers["x-ratelimit-limit"] == "500"
