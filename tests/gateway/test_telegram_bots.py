"""Registering a Telegram bot (issue #12) on the real platform and the Telegram emulator: REST
registers it (token checked, webhook set with a secret), an update a user writes to the bot
arrives at `/webhooks/telegram/{bot_id}` and reaches the bot runner's durable, a wrong secret
or a bad body publishes nothing, a repeat is one message; another tenant sees and takes
nothing; removing deletes the webhook and revokes the runner's key; polling deletes it."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import httpx
import orjson
import pytest

from clients.rpc import topics
from services.kernel.bus import Bus
from switchboard.credentials import Credentials
from tests.fixtures.events import Recorder, eventually
from tests.fixtures.platform import RunningPlatform, Tenant
from tests.gateway.telegram_bots import (
    new_bot,
    post_update,
    runner_credentials,
    runner_updates,
    update,
    webhook_info,
    webhook_of,
)

pytestmark = pytest.mark.slow

REFUSED_TOKEN = "Telegram refused this token: check it with @BotFather"


@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Telegram seller")


@pytest.fixture
async def other(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Another seller")


@pytest.fixture
async def http(platform: RunningPlatform):  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as client:
        yield client


async def register(tenant: Tenant, bot: dict[str, Any], **extra: Any) -> dict[str, Any]:
    resp = await tenant.http.post("/v1/telegram/bots", json={"token": bot["token"], **extra},
                                  timeout=40)
    assert resp.status_code == 201, resp.text
    return resp.json()  # type: ignore[no-any-return]


async def runner_keys(tenant: Tenant) -> list[dict[str, Any]]:
    keys = (await tenant.http.get("/v1/api-keys")).raise_for_status().json()["items"]
    return [k for k in keys if k["name"] == "Telegram bot runner" and not k["revoked_at"]]


async def test_registering_sets_the_webhook_with_a_secret_and_shows_no_secret(
        platform: RunningPlatform, seller: Tenant) -> None:
    bot = await new_bot(platform, username="seller_shop_bot", first_name="Магазин")
    registered = await register(seller, bot)
    url = f"{platform.gateway_url}/webhooks/telegram/{registered['id']}"
    assert registered == {
        "id": registered["id"], "telegram_id": bot["id"], "username": "seller_shop_bot",
        "first_name": "Магазин", "delivery": "webhook", "group": None, "webhook_url": url,
        "created_at": registered["created_at"]}
    info = await webhook_info(platform, bot)
    assert info["url"] == url and info["allowed_updates"] == [
        "message", "edited_message", "callback_query", "my_chat_member", "chat_member"]
    hook = await webhook_of(platform, bot)
    assert hook is not None and len(hook["secret_token"]) >= 32
    listed = (await seller.http.get("/v1/telegram/bots")).json()
    assert [b["id"] for b in listed["items"]] == [registered["id"]]
    assert (await seller.http.get(f"/v1/telegram/bots/{registered['id']}")).json() == registered
    [key] = await runner_keys(seller)
    assert key["scopes"] == ["admin"]
    for text in (str(listed), str(registered)):
        assert bot["token"] not in text and hook["secret_token"] not in text


async def test_a_users_message_reaches_the_bot_runners_durable(
        platform: RunningPlatform, seller: Tenant, bus: Bus) -> None:
    bot = await new_bot(platform)
    registered = await register(seller, bot)
    user = (await platform.telegram.post("/_emulator/users", json={"first_name": "Олег"})).json()
    written = (await platform.telegram.post("/_emulator/messages", json={
        "from_user_id": user["id"], "bot_id": bot["id"], "text": "Здравствуйте!"})).json()
    [made] = [u["update"] for u in written["updates"] if u["bot_id"] == bot["id"]]
    [(subject, event)] = await runner_updates(bus, registered["id"])
    assert subject == topics.TELEGRAM_UPDATE_RECEIVED.subject(seller.tenant_id)
    assert (event.bot_id, event.update_id) == (registered["id"], made["update_id"])
    assert orjson.loads(event.body)["message"]["text"] == "Здравствуйте!"
    assert event.received_at.seconds > 0

    async def delivered() -> bool:
        return (await webhook_info(platform, bot))["pending_update_count"] == 0
    await eventually(delivered)


async def test_a_wrong_or_missing_secret_is_401_and_nothing_is_published(
        platform: RunningPlatform, seller: Tenant, bus: Bus, http: httpx.AsyncClient) -> None:
    bot = await new_bot(platform)
    bot_id = (await register(seller, bot))["id"]
    secret = (await webhook_of(platform, bot))["secret_token"]  # type: ignore[index]
    async with Recorder(bus, f"sb.webhooks.{seller.tenant_id}.>") as seen:
        wrong = await post_update(http, bot_id, update(), "x" * 43)
        missing = await post_update(http, bot_id, update(), None)
        published = await _before_a_marker(http, bot_id, secret, seen)
    for resp in (wrong, missing):
        assert resp.status_code == 401 and resp.headers["content-type"] == "application/problem+json"
        assert resp.json()["detail"] == "missing or wrong x-telegram-bot-api-secret-token"
    assert published == []


@pytest.mark.parametrize(("body", "detail"), [
    (b"not json", "body is not valid JSON"),
    ([1, 2], "expected a Telegram Update"),
    ({"message": {}}, "expected a Telegram Update"),
    ({"update_id": "7"}, "expected a Telegram Update"),
    ({"update_id": True}, "expected a Telegram Update"),
    ({"update_id": -1}, "expected a Telegram Update"),
])
async def test_a_body_that_is_no_update_is_422_and_not_published(
        platform: RunningPlatform, seller: Tenant, bus: Bus, http: httpx.AsyncClient,
        body: Any, detail: str) -> None:
    bot = await new_bot(platform)
    bot_id = (await register(seller, bot))["id"]
    secret = (await webhook_of(platform, bot))["secret_token"]  # type: ignore[index]
    async with Recorder(bus, f"sb.webhooks.{seller.tenant_id}.>") as seen:
        resp = await post_update(http, bot_id, body, secret)
        published = await _before_a_marker(http, bot_id, secret, seen)
    assert resp.status_code == 422 and resp.json()["detail"].startswith(detail), resp.text
    assert published == []


async def test_unknown_bots_are_404_and_only_post_is_served(http: httpx.AsyncClient) -> None:
    for bot_id in (str(uuid.uuid4()), "not-a-uuid"):
        resp = await post_update(http, bot_id, update(), "x" * 43)
        assert (resp.status_code, resp.json()["detail"]) == (404, "unknown bot")
    resp = await http.get(f"/webhooks/telegram/{uuid.uuid4()}")
    assert resp.status_code == 405 and resp.headers["allow"] == "POST"


async def test_a_repeated_update_is_one_message(platform: RunningPlatform, seller: Tenant,
                                                bus: Bus, http: httpx.AsyncClient) -> None:
    bot = await new_bot(platform)
    bot_id = (await register(seller, bot))["id"]
    secret = (await webhook_of(platform, bot))["secret_token"]  # type: ignore[index]
    body = update("дважды")
    for _ in range(2):  # Telegram retries what it thinks failed
        resp = await post_update(http, bot_id, body, secret)
        assert resp.status_code == 200 and resp.json() == {"ok": True}
    subject = topics.TELEGRAM_UPDATE_RECEIVED.subject(seller.tenant_id)
    info = await bus.js.stream_info(topics.WEBHOOKS.name, subjects_filter=subject)
    assert (info.state.subjects or {}).get(subject) == 1


async def test_a_token_telegram_refuses_is_422_with_what_to_do_and_leaves_no_key(
        seller: Tenant) -> None:
    token = "987654321:ZZHdqTcvCH1vGWJxfSeofSAs0K5PALDqwe"  # no bot has it
    resp = await seller.http.post("/v1/telegram/bots", json={"token": token}, timeout=40)
    assert resp.status_code == 422 and resp.json()["detail"] == REFUSED_TOKEN
    malformed = await seller.http.post("/v1/telegram/bots", json={"token": "secret-typo"})
    assert malformed.status_code == 422 and "not a Telegram bot token" in malformed.json()["detail"]
    too_long = await seller.http.post("/v1/telegram/bots", json={"token": "9" * 300})
    assert too_long.status_code == 422
    for answer in (resp, malformed, too_long):
        assert token not in answer.text and "secret-typo" not in answer.text
        assert "9" * 300 not in answer.text
    bad_delivery = await seller.http.post("/v1/telegram/bots",
                                          json={"token": token, "delivery": "carrier-pigeon"})
    assert bad_delivery.status_code == 422
    assert await runner_keys(seller) == []  # minted, then revoked with the refusal
    assert (await seller.http.get("/v1/telegram/bots")).json()["items"] == []


async def test_another_tenant_cannot_see_remove_or_take_the_bot(
        platform: RunningPlatform, seller: Tenant, other: Tenant) -> None:
    bot = await new_bot(platform)
    registered = await register(seller, bot)
    hook = await webhook_of(platform, bot)
    taken = await other.http.post("/v1/telegram/bots", json={"token": bot["token"]}, timeout=40)
    assert taken.status_code == 409 and "registered by another account" in taken.json()["detail"]
    assert await webhook_of(platform, bot) == hook and await runner_keys(other) == []
    path = f"/v1/telegram/bots/{registered['id']}"
    assert (await other.http.get(path)).status_code == 404
    assert (await other.http.delete(path)).status_code == 404
    assert (await other.http.put(f"{path}/group", json={
        "chat_id": -1001234567890, "title": "Чужая"})).status_code == 404
    assert (await other.http.get("/v1/telegram/bots")).json()["items"] == []
    assert (await seller.http.get(path)).json()["group"] is None


async def test_removing_deletes_the_webhook_and_revokes_the_runner_key(
        platform: RunningPlatform, seller: Tenant, credentials: Credentials,
        http: httpx.AsyncClient) -> None:
    bot = await new_bot(platform)
    registered = await register(seller, bot)
    secret = (await webhook_of(platform, bot))["secret_token"]  # type: ignore[index]
    runner = await runner_credentials(platform, credentials, registered["id"])
    assert runner is not None and runner.token == bot["token"]
    as_runner = {"Authorization": f"Bearer {runner.runner_api_key}"}
    assert (await http.get("/v1/conversations", headers=as_runner)).status_code == 200
    resp = await seller.http.delete(f"/v1/telegram/bots/{registered['id']}", timeout=40)
    assert resp.status_code == 204
    assert await webhook_of(platform, bot) is None
    assert (await webhook_info(platform, bot))["url"] == ""
    assert (await http.get("/v1/conversations", headers=as_runner)).status_code == 401
    assert (await seller.http.get(f"/v1/telegram/bots/{registered['id']}")).status_code == 404
    assert await runner_credentials(platform, credentials, registered["id"]) is None
    late = await post_update(http, registered["id"], update(), secret)
    assert late.status_code == 410


async def test_registering_again_replaces_the_secret_and_the_runner_key(
        platform: RunningPlatform, seller: Tenant, credentials: Credentials,
        http: httpx.AsyncClient) -> None:
    bot = await new_bot(platform)
    first = await register(seller, bot)
    old_secret = (await webhook_of(platform, bot))["secret_token"]  # type: ignore[index]
    old_key = (await runner_credentials(platform, credentials, first["id"])).runner_api_key  # type: ignore[union-attr]
    again = await register(seller, bot)
    assert again["id"] == first["id"]
    new_secret = (await webhook_of(platform, bot))["secret_token"]  # type: ignore[index]
    assert (await post_update(http, first["id"], update(), old_secret)).status_code == 401
    assert (await post_update(http, first["id"], update(), new_secret)).status_code == 200
    assert (await http.get("/v1/conversations",
                           headers={"Authorization": f"Bearer {old_key}"})).status_code == 401
    assert len(await runner_keys(seller)) == 1


async def test_polling_deletes_the_webhook_and_updates_are_refused(
        platform: RunningPlatform, seller: Tenant, http: httpx.AsyncClient) -> None:
    bot = await new_bot(platform)
    hooked = await register(seller, bot)
    secret = (await webhook_of(platform, bot))["secret_token"]  # type: ignore[index]
    polled = await register(seller, bot, delivery="polling")
    assert (polled["id"], polled["delivery"], polled["webhook_url"]) == (hooked["id"], "polling",
                                                                        None)
    assert await webhook_of(platform, bot) is None
    updates = await platform.telegram.post(f"/bot{bot['token']}/getUpdates", json={"timeout": 0})
    assert updates.json()["ok"] is True  # no 409: nothing holds a webhook
    resp = await post_update(http, hooked["id"], update(), secret)
    assert resp.status_code == 410


async def test_the_group_is_linked_and_unlinked(platform: RunningPlatform, seller: Tenant) -> None:
    bot_id = (await register(seller, await new_bot(platform)))["id"]
    path = f"/v1/telegram/bots/{bot_id}/group"
    for bad in ({"chat_id": 1001234567890, "title": "Магазин"}, {"chat_id": -5, "title": ""},
                {"chat_id": -(2**64), "title": "Огромный"}):
        assert (await seller.http.put(path, json=bad)).status_code == 422
    linked = (await seller.http.put(path, json={"chat_id": -1001234567890, "title": "Магазин"}))
    assert linked.json()["group"] == {"chat_id": -1001234567890, "title": "Магазин"}
    cleared = await seller.http.delete(path)
    assert cleared.status_code == 200 and cleared.json()["group"] is None


async def test_managing_bots_needs_the_admin_scope(platform: RunningPlatform, seller: Tenant,
                                                   http: httpx.AsyncClient) -> None:
    made = await seller.http.post("/v1/api-keys", json={"name": "reader", "scopes": ["read"]})
    reader = {"Authorization": f"Bearer {made.json()['key']}"}
    bot = await new_bot(platform)
    assert (await http.post("/v1/telegram/bots", json={"token": bot["token"]},
                            headers=reader)).status_code == 403
    assert (await http.get("/v1/telegram/bots", headers=reader)).status_code == 200
    assert (await http.get("/v1/telegram/bots")).status_code == 401


async def test_openapi_documents_the_routes(http: httpx.AsyncClient) -> None:
    paths = (await http.get("/openapi.json")).json()["paths"]
    bots, one = paths["/v1/telegram/bots"], paths["/v1/telegram/bots/{bot_id}"]
    assert {"201", "409", "422", "503"} <= set(bots["post"]["responses"])
    assert "application/problem+json" in bots["post"]["responses"]["422"]["content"]
    assert set(one) == {"get", "delete"} and "204" in one["delete"]["responses"]
    assert set(paths["/v1/telegram/bots/{bot_id}/group"]) == {"put", "delete"}


async def _before_a_marker(http: httpx.AsyncClient, bot_id: str, secret: str,
                           seen: Recorder) -> list[tuple[str, bytes]]:
    """What reached the bus before a good update posted now (the marker) did: whatever the
    requests before it published, the gateway published first, so it arrives first."""
    marker = update(f"marker {uuid.uuid4()}")
    assert (await post_update(http, bot_id, marker, secret)).status_code == 200
    tag = marker["message"]["text"].encode()

    async def arrived() -> bool:
        return any(tag in data for _, data in seen.messages)
    await eventually(arrived)
    return list(itertools.takewhile(lambda message: tag not in message[1], seen.messages))
