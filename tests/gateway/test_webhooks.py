"""Avito webhook ingress: good deliveries are published once; bad ones get a clear 4xx
(problem+json) and nothing reaches the bus."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import time
import uuid

import httpx
import orjson
import pytest

from gateway.webhooks.fairness import TenantLanes
from services.kernel.bus import Bus
from tests.fixtures.events import Recorder, eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant

pytestmark = pytest.mark.slow


def delivery(user_id: int, *, delivery_id: str | None = None, drop: str = "") -> dict:
    value = {"id": uuid.uuid4().hex, "chat_id": "u2i-test", "user_id": user_id,
             "author_id": 555, "created": int(time.time()), "type": "text",
             "chat_type": "u2i", "content": {"text": "hi"}, "item_id": 1}
    value.pop(drop, None)
    return {"id": delivery_id or str(uuid.uuid4()), "version": "v3.0.0",
            "timestamp": int(time.time()), "payload": {"type": "message", "value": value}}


@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Webhook seller")


@pytest.fixture
async def shop(platform: RunningPlatform, seller: Tenant) -> SandboxShop:
    return await platform.connect_sandbox_shop(seller)


@pytest.fixture
async def http(platform: RunningPlatform):  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(base_url=platform.gateway_url) as client:
        yield client


def _path(shop: SandboxShop) -> str:
    url = shop.channel["webhook_url"]
    return url[url.index("/webhooks/"):]


async def test_good_delivery_is_published_once(http: httpx.AsyncClient, bus: Bus, seller: Tenant,
                                               shop: SandboxShop) -> None:
    body = delivery(shop.user_id, delivery_id="fixed-delivery-id")
    async with Recorder(bus, f"sb.webhooks.{seller.tenant_id}.>") as seen:
        for _ in range(2):  # Avito may deliver twice: JetStream keeps one
            resp = await http.post(_path(shop), json=body)
            assert resp.status_code == 200 and resp.json() == {"ok": True}
        await eventually(lambda: _async(len(seen.messages) >= 1))
    subject = f"sb.webhooks.{seller.tenant_id}.avito.received"
    info = await bus.js.stream_info("SB_WEBHOOKS", subjects_filter=subject)
    assert (info.state.subjects or {}).get(subject) == 1


@pytest.mark.parametrize(("mutate", "status", "detail"), [
    (lambda p: p.replace(p.split("/")[-1], "wrong-token"), 403, "wrong webhook token"),
    (lambda p: p.replace(p.split("/")[-2], str(uuid.uuid4())), 404, "unknown channel"),
    (lambda p: p.replace(p.split("/")[-2], "not-a-uuid"), 404, "unknown channel"),
])
async def test_bad_urls_are_refused(http: httpx.AsyncClient, bus: Bus, seller: Tenant,
                                    shop: SandboxShop, mutate, status: int, detail: str) -> None:  # type: ignore[no-untyped-def]
    async with Recorder(bus, f"sb.webhooks.{seller.tenant_id}.>") as seen:
        resp = await http.post(mutate(_path(shop)), json=delivery(shop.user_id))
        published = await _before_a_marker(http, shop, seen)
    assert resp.status_code == status
    assert resp.headers["content-type"] == "application/problem+json"
    assert resp.json()["detail"] == detail and published == []


@pytest.mark.parametrize(("content", "status", "detail"), [
    (b"{not json", 400, "body is not valid JSON"),
    (b"[1, 2]", 422, "expected an Avito v3 delivery"),
    (orjson.dumps({"id": "x", "payload": {"type": "message", "value": {"id": "m"}}}), 422,
     "delivery lacks required fields: chat_id, user_id, author_id, created"),
    (b"x" * (300 * 1024), 413, "body larger than"),
])
async def test_bad_bodies_are_refused(http: httpx.AsyncClient, bus: Bus, seller: Tenant,
                                      shop: SandboxShop, content: bytes, status: int,
                                      detail: str) -> None:
    async with Recorder(bus, f"sb.webhooks.{seller.tenant_id}.>") as seen:
        resp = await http.post(_path(shop), content=content,
                               headers={"Content-Type": "application/json"})
        published = await _before_a_marker(http, shop, seen)
    assert resp.status_code == status, resp.text
    assert resp.json()["detail"].startswith(detail) and published == []


async def test_empty_probe_is_acknowledged_without_publishing(
        http: httpx.AsyncClient, bus: Bus, seller: Tenant, shop: SandboxShop) -> None:
    async with Recorder(bus, f"sb.webhooks.{seller.tenant_id}.>") as seen:
        resp = await http.post(_path(shop), json={})
        published = await _before_a_marker(http, shop, seen)
    assert resp.status_code == 200 and published == []


async def test_a_tenant_over_its_rate_takes_the_overflow_lane_and_loses_nothing(
        platform: RunningPlatform, http: httpx.AsyncClient, bus: Bus, seller: Tenant,
        shop: SandboxShop) -> None:
    ingress = platform.platform.gateway.app.state.gateway.webhooks  # type: ignore[union-attr]
    regular = ingress.lanes
    ingress.lanes = TenantLanes(rate_per_s=0.001, burst=1)  # one, then overflow
    try:
        async with Recorder(bus, f"sb.webhooks.{seller.tenant_id}.>") as seen:
            for _ in range(3):
                assert (await http.post(_path(shop), json=delivery(shop.user_id))).status_code == 200
            await eventually(lambda: _async(len(seen.messages) == 3))
    finally:
        ingress.lanes = regular
    assert sorted(subject.rsplit(".", 1)[1] for subject, _ in seen.messages) == [
        "overflow", "overflow", "received"]

    async def all_stored() -> bool:
        items = (await seller.http.get("/v1/conversations")).json()["items"]
        return bool(items) and len((await seller.http.get(
            f"/v1/conversations/{items[0]['id']}/messages")).json()["items"]) == 3
    await eventually(all_stored)


class _Congested:
    async def over_limit(self) -> bool:
        return True


async def test_overflow_answers_slow_down_while_the_overflow_lane_is_backed_up(
        platform: RunningPlatform, http: httpx.AsyncClient, seller: Tenant,
        shop: SandboxShop) -> None:
    ingress = platform.platform.gateway.app.state.gateway.webhooks  # type: ignore[union-attr]
    regular, backlog = ingress.lanes, ingress.overflow_backlog
    ingress.lanes = TenantLanes(rate_per_s=0.001, burst=1)
    ingress.overflow_backlog = _Congested()
    try:
        took = []
        for _ in range(2):
            started = time.monotonic()
            assert (await http.post(_path(shop), json=delivery(shop.user_id))).status_code == 200
            took.append(time.monotonic() - started)
    finally:
        ingress.lanes, ingress.overflow_backlog = regular, backlog
    # The first is within the tenant's rate; the second overflows into a backed-up lane and
    # is answered only after the configured delay (a lower bound, not a performance figure).
    assert took[1] >= platform.settings.webhook_overflow_delay_s > 0


async def test_signing_secret_is_enforced(platform: RunningPlatform, http: httpx.AsyncClient,
                                          seller: Tenant) -> None:
    account = (await platform.emulator.post("/_emulator/accounts", json={})).json()
    resp = await seller.http.post("/v1/channels/avito", json={
        "name": "Signed", "client_id": account["client_id"],
        "client_secret": account["client_secret"], "signing_secret": "s3cret", "sandbox": True})
    assert resp.status_code == 201, resp.text
    url = resp.json()["webhook_url"]
    path = url[url.index("/webhooks/"):]
    body = orjson.dumps(delivery(int(account["user_id"])))
    unsigned = await http.post(path, content=body)
    assert unsigned.status_code == 401
    signature = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    signed = await http.post(path, content=body, headers={"X-Avito-Messenger-Signature": signature})
    assert signed.status_code == 200


async def test_api_requires_credentials_and_scopes(platform: RunningPlatform, http: httpx.AsyncClient,
                                                   seller: Tenant) -> None:
    assert (await http.get("/v1/conversations")).status_code == 401
    bad = await http.get("/v1/conversations", headers={"Authorization": "Bearer sb_nope_nope"})
    assert bad.status_code == 401 and bad.headers["content-type"] == "application/problem+json"
    created = await seller.http.post("/v1/api-keys", json={"name": "reader", "scopes": ["read"]})
    reader = {"Authorization": f"Bearer {created.json()['key']}"}
    assert (await http.get("/v1/conversations", headers=reader)).status_code == 200
    denied = await http.post(f"/v1/conversations/{uuid.uuid4()}/messages", json={"text": "x"},
                             headers=reader)
    assert denied.status_code == 403


async def _before_a_marker(http: httpx.AsyncClient, shop: SandboxShop,
                           seen: Recorder) -> list[tuple[str, bytes]]:
    """What reached the bus before a good delivery posted now (the marker) did: whatever the
    requests before it published, the gateway published first, so it arrives first."""
    marker = delivery(shop.user_id)
    assert (await http.post(_path(shop), json=marker)).status_code == 200
    tag = marker["payload"]["value"]["id"].encode()

    async def arrived() -> bool:
        return any(tag in data for _, data in seen.messages)
    await eventually(arrived)
    return list(itertools.takewhile(lambda message: tag not in message[1], seen.messages))


async def _async(value: bool) -> bool:
    return value
