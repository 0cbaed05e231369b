"""Managing Avito accounts through the public API, against the emulator: connecting through
Avito's consent page, webhook on/off and signing secret, diagnostics (REST and GraphQL),
disconnecting and reconnecting — and tenant B can touch none of tenant A's."""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import select, update

from clients.rpc import topics
from services.channels.models import ChannelAccount, OAuthState
from services.kernel.bus import Bus
from services.kernel.crypto import SecretBox
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant
from tests.fixtures.settled import drained

pytestmark = pytest.mark.slow

PROBLEM = "application/problem+json"


@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Managing seller")


@pytest.fixture
async def other(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Someone else")


@pytest.fixture
async def browser(platform: RunningPlatform):  # type: ignore[no-untyped-def]
    """The seller's browser: no API key, follows nothing by itself."""
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


async def emulator_account(platform: RunningPlatform, name: str = "Магазин") -> dict[str, Any]:
    resp = await platform.emulator.post("/_emulator/accounts", json={
        "name": name, "items": [{"title": "Комод", "price": 7000}]})
    return resp.raise_for_status().json()


async def start(tenant: Tenant, name: str = "Через Авито") -> dict[str, Any]:
    resp = await tenant.http.post("/v1/channels/avito/authorize",
                                  json={"name": name, "sandbox": True})
    assert resp.status_code == 200, resp.text
    return resp.json()


async def consent(platform: RunningPlatform, authorization_url: str, user_id: int) -> str:
    """The seller allows access on the emulator's consent page; where Avito sends them."""
    resp = await platform.emulator.get(f"{authorization_url}&user_id={user_id}")
    assert resp.status_code == 302, resp.text
    return resp.headers["location"]


async def subscriptions(platform: RunningPlatform, user_id: int) -> list[str]:
    accounts = (await platform.emulator.get("/_emulator/accounts")).json()["accounts"]
    return next(a for a in accounts if a["user_id"] == user_id)["subscriptions"]


async def stored(platform: RunningPlatform, tenant: Tenant, channel_id: str) -> ChannelAccount:
    async with platform.db.unit_of_work(tenant.tenant_id) as session:
        row = await session.scalar(select(ChannelAccount).where(
            ChannelAccount.id == uuid.UUID(channel_id)))
    assert row is not None
    return row


async def the_channel(tenant: Tenant, channel_id: str) -> dict[str, Any]:
    resp = await tenant.http.get(f"/v1/channels/{channel_id}")
    assert resp.status_code == 200, resp.text
    return resp.json()


async def test_connecting_through_avitos_consent_page(
        platform: RunningPlatform, seller: Tenant, other: Tenant,
        browser: httpx.AsyncClient) -> None:
    started = await start(seller, "Комоды")
    assert started["authorization_url"].startswith(f"{platform.emulator_url}/oauth?")
    account = await emulator_account(platform, "Комоды и шкафы")
    callback = await consent(platform, started["authorization_url"], account["user_id"])
    assert callback.startswith(f"{platform.gateway_url}/v1/channels/avito/oauth/callback?")

    page = await browser.get(callback, headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Avito account Комоды и шкафы connected, you can close this tab" in page.text

    [channel] = (await seller.http.get("/v1/channels")).json()["items"]
    assert (channel["name"], channel["status"], channel["auth_kind"]) == (
        "Комоды", "active", "authorization_code")
    assert channel["external_account_id"] == str(account["user_id"])
    assert channel["webhook_enabled"] and channel["webhook_subscribed"]
    assert channel["webhook_url"].endswith("/****")
    [url] = await subscriptions(platform, account["user_id"])
    assert url.startswith(f"{platform.gateway_url}/webhooks/avito/{channel['id']}/")
    assert (await other.http.get("/v1/channels")).json()["items"] == []  # B sees nothing

    again = await browser.get(callback)  # the state (and the code) are single-use
    assert again.status_code == 400 and again.headers["content-type"] == PROBLEM
    assert "start again with POST /v1/channels/avito/authorize" in again.json()["detail"]


async def test_the_refresh_token_rotates_and_the_new_one_is_kept(
        platform: RunningPlatform, seller: Tenant, browser: httpx.AsyncClient) -> None:
    started = await start(seller)
    account = await emulator_account(platform)
    resp = await browser.get(await consent(platform, started["authorization_url"],
                                           account["user_id"]))
    assert resp.status_code == 200, resp.text
    channel = resp.json()
    assert channel["auth_kind"] == "authorization_code" and channel["webhook_url"].endswith("/****")
    box = SecretBox(platform.settings.secret_key.get_secret_value())
    before = await stored(platform, seller, channel["id"])
    assert before.refresh_token_enc is not None
    first = box.decrypt(before.refresh_token_enc)

    # Every token expires; the buyer writes, the seller answers: the reply needs a new token.
    await platform.emulator.post("/_emulator/faults", json={"expire_tokens": True})
    shop = SandboxShop(channel, account)
    await platform.buyer_writes(shop, "Комод ещё в продаже?")

    async def conversation() -> list[dict[str, Any]]:
        return (await seller.http.get("/v1/conversations",
                                      params={"channel": channel["id"]})).json()["items"]
    [conv] = await eventually(conversation, within=20)
    reply = await seller.http.post(f"/v1/conversations/{conv['id']}/messages",
                                   json={"text": "Да, в продаже"})
    assert reply.status_code == 201, reply.text

    async def sent() -> bool:
        return any(s["text"] == "Да, в продаже" for s in await platform.sent(shop))
    await eventually(sent, within=20)
    after = await stored(platform, seller, channel["id"])
    assert after.refresh_token_enc is not None
    assert box.decrypt(after.refresh_token_enc) != first
    apps = (await platform.emulator.get("/_emulator/apps")).json()["apps"]
    app = next(a for a in apps if a["client_id"] == after.client_id)
    spent = await platform.emulator.post("/token", data={
        "grant_type": "refresh_token", "refresh_token": first, "client_id": app["client_id"],
        "client_secret": app["client_secret"]})
    assert spent.status_code == 400 and spent.json()["error"] == "invalid_grant"  # single-use


async def test_callback_errors_say_what_to_do(platform: RunningPlatform, seller: Tenant,
                                              browser: httpx.AsyncClient) -> None:
    callback = f"{platform.gateway_url}/v1/channels/avito/oauth/callback"
    denied = await browser.get(callback, params={"error": "access_denied", "state": "x"})
    assert denied.status_code == 400 and denied.headers["content-type"] == PROBLEM
    assert "did not grant access (access_denied)" in denied.json()["detail"]
    made_up = await browser.get(callback, params={"code": "c", "state": "made-up"})
    assert made_up.status_code == 400 and "unknown authorization state" in made_up.json()["detail"]

    started = await start(seller)
    account = await emulator_account(platform)
    location = await consent(platform, started["authorization_url"], account["user_id"])
    async with platform.db.unit_of_work(seller.tenant_id) as session:
        await session.execute(update(OAuthState).values(expires_at=OAuthState.created_at))
    expired = await browser.get(location)
    assert expired.status_code == 400 and "expired" in expired.json()["detail"]
    assert (await seller.http.get("/v1/channels")).json()["items"] == []


def delivery(user_id: int) -> bytes:
    value = {"id": uuid.uuid4().hex, "chat_id": "u2i-managed", "user_id": user_id,
             "author_id": 777, "created": int(time.time()), "type": "text", "chat_type": "u2i",
             "content": {"text": "Есть в наличии?"}, "item_id": 1}
    return orjson.dumps({"id": str(uuid.uuid4()), "version": "v3.0.0",
                         "timestamp": int(time.time()),
                         "payload": {"type": "message", "value": value}})


async def test_webhook_switches_and_signing_secret(platform: RunningPlatform, seller: Tenant,
                                                   other: Tenant) -> None:
    shop = await platform.connect_sandbox_shop(seller, "Webhook shop")
    channel_id, url = shop.channel["id"], shop.channel["webhook_url"]
    path = url[url.index("/webhooks/"):]

    off = await seller.http.put(f"/v1/channels/{channel_id}/webhook", json={"enabled": False})
    assert off.status_code == 200, off.text
    assert (off.json()["webhook_enabled"], off.json()["webhook_subscribed"]) == (False, False)
    assert await subscriptions(platform, shop.user_id) == []
    on = await seller.http.put(f"/v1/channels/{channel_id}/webhook", json={"enabled": True})
    assert on.json()["webhook_subscribed"] and await subscriptions(platform, shop.user_id) == [url]

    async with httpx.AsyncClient(base_url=platform.gateway_url) as avito:
        body = delivery(shop.user_id)
        assert (await avito.post(path, content=body)).status_code == 200  # resolver cached
        signed = await seller.http.put(f"/v1/channels/{channel_id}/webhook",
                                       json={"signing_secret": "s3cr3t"})
        assert signed.json()["signing_secret_set"]
        # Within the resolver's cache TTL (30 s here) the new secret already applies.
        unsigned = await avito.post(path, content=delivery(shop.user_id))
        assert unsigned.status_code == 401 and unsigned.headers["content-type"] == PROBLEM
        body = delivery(shop.user_id)
        signature = hmac.new(b"s3cr3t", body, hashlib.sha256).hexdigest()
        ok = await avito.post(path, content=body,
                              headers={"X-Avito-Messenger-Signature": signature})
        assert ok.status_code == 200
        await seller.http.put(f"/v1/channels/{channel_id}/webhook", json={"signing_secret": ""})
        assert (await avito.post(path, content=delivery(shop.user_id))).status_code == 200

    empty = await seller.http.put(f"/v1/channels/{channel_id}/webhook", json={})
    assert empty.status_code == 422
    foreign = await other.http.put(f"/v1/channels/{channel_id}/webhook", json={"enabled": False})
    assert foreign.status_code == 404 and await subscriptions(platform, shop.user_id) == [url]


async def checks(tenant: Tenant, channel_id: str) -> dict[str, dict[str, Any]]:
    resp = await tenant.http.get(f"/v1/channels/{channel_id}/diagnostics")
    assert resp.status_code == 200, resp.text
    return {c["name"]: c for c in resp.json()["checks"]}


async def test_diagnostics_rest_and_graphql(platform: RunningPlatform, bus: Bus,
                                            seller: Tenant, other: Tenant) -> None:
    shop = await platform.connect_sandbox_shop(seller, "Diagnosed shop")
    channel_id = shop.channel["id"]
    report = (await seller.http.get(f"/v1/channels/{channel_id}/diagnostics")).json()
    assert report["ok"] and report["channel"]["id"] == channel_id, report
    assert [c["name"] for c in report["checks"]] == [
        "public_url", "credentials", "messenger_access", "webhook_subscription", "token_health",
        "last_webhook", "sync", "ai_agent"]
    assert report["checks"][-1]["message"].startswith("the AI agent is off")
    assert "sandbox" in report["checks"][0]["message"]

    # A delivery arrives: the consumer records when (at most once a minute per account).
    await platform.buyer_writes(shop, "Добрый день!")

    async def webhook_seen() -> bool:
        return (await the_channel(seller, channel_id))["last_webhook_at"] is not None
    await eventually(webhook_seen, within=20)
    assert "last webhook delivery received at" in (
        await checks(seller, channel_id))["last_webhook"]["message"]

    # The account's own background work first (the first sync, the chat lookup of that
    # message), so none of it runs while the tariff lapses below and records a failure.
    async def synced() -> bool:
        return (await the_channel(seller, channel_id))["last_sync_at"] is not None
    await eventually(synced, within=20)
    await drained(bus, topics.CHANNELS_LISTINGS)
    await platform.emulator.patch(f"/_emulator/accounts/{shop.user_id}",
                                  json={"messenger_access": False})
    try:
        unpaid = await checks(seller, channel_id)
    finally:
        await platform.emulator.patch(f"/_emulator/accounts/{shop.user_id}",
                                      json={"messenger_access": True})
    assert not unpaid["messenger_access"]["ok"]
    assert "Максимальный" in unpaid["messenger_access"]["fix"]

    query = """query($id: ID!) { channelDiagnostics(id: $id) {
        ok channel { id authKind webhookEnabled signingSecretSet lastWebhookAt }
        checks { name ok message fix } } }"""
    resp = await seller.http.post("/graphql", json={"query": query,
                                                    "variables": {"id": channel_id}})
    data = resp.json()["data"]["channelDiagnostics"]
    assert data["ok"] and data["channel"]["authKind"] == "CLIENT_CREDENTIALS", data
    assert data["channel"]["lastWebhookAt"] and all(c["fix"] is None for c in data["checks"])

    foreign = await other.http.get(f"/v1/channels/{channel_id}/diagnostics")
    assert foreign.status_code == 404 and foreign.headers["content-type"] == PROBLEM
    resp = await other.http.post("/graphql", json={"query": query,
                                                   "variables": {"id": channel_id}})
    assert resp.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    async with platform.db.unit_of_work(seller.tenant_id) as session:  # a wrong secret stored
        await session.execute(update(ChannelAccount).where(
            ChannelAccount.id == uuid.UUID(channel_id)).values(
            client_secret_enc=SecretBox(platform.settings.secret_key.get_secret_value())
            .encrypt("wrong"), access_token_enc=None))
    rejected = await checks(seller, channel_id)
    assert not rejected["credentials"]["ok"]
    assert rejected["credentials"]["fix"].startswith("reconnect the account")


async def test_disconnect_keeps_history_and_a_reconnect_reactivates(
        platform: RunningPlatform, seller: Tenant, other: Tenant) -> None:
    shop = await platform.connect_sandbox_shop(seller, "Closing shop")
    channel_id, url = shop.channel["id"], shop.channel["webhook_url"]
    await platform.buyer_writes(shop, "Ещё продаёте?")

    async def conversation() -> list[dict[str, Any]]:
        return (await seller.http.get("/v1/conversations",
                                      params={"channel": channel_id})).json()["items"]
    [conv] = await eventually(conversation, within=20)

    assert (await other.http.delete(f"/v1/channels/{channel_id}")).status_code == 404
    gone = await seller.http.delete(f"/v1/channels/{channel_id}")
    assert gone.status_code == 200 and gone.json()["status"] == "disconnected"
    assert await subscriptions(platform, shop.user_id) == []
    messages = await seller.http.get(f"/v1/conversations/{conv['id']}/messages")
    assert [m["text"] for m in messages.json()["items"]] == ["Ещё продаёте?"]
    async with httpx.AsyncClient(base_url=platform.gateway_url) as avito:
        late = await avito.post(url[url.index("/webhooks/"):], content=delivery(shop.user_id))
    assert late.status_code == 410 and late.headers["content-type"] == PROBLEM
    diagnosis = await checks(seller, channel_id)
    assert list(diagnosis) == ["status"] and "connect the account again" in \
        diagnosis["status"]["fix"]

    again = await seller.http.post("/v1/channels/avito", json={
        "name": "Closing shop, reopened", "client_id": shop.account["client_id"],
        "client_secret": shop.account["client_secret"], "sandbox": True})
    assert again.status_code == 201, again.text
    assert (again.json()["id"], again.json()["status"]) == (channel_id, "active")
    assert await subscriptions(platform, shop.user_id) == [again.json()["webhook_url"]]
    assert (await seller.http.get(f"/v1/conversations/{conv['id']}")).status_code == 200
