"""A Telegram bot as a customer channel, end to end on the session's platform and its Telegram
emulator over real HTTP: connected through REST (getMe, the webhook with a secret), a buyer's
private messages delivered by the emulator's webhook become a conversation of channel
`telegram` (name, text, a photo served through the API without the token), a reply through the
public API reaches the buyer's private chat once, a redelivered update stores nothing twice, a
buyer who blocked the bot gets a failed delivery with the reason, and a bot is refused where
another account (or a console bot) has it."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, Tenant

_users = itertools.count(880_000_001)


@pytest.fixture(scope="module")
async def seller(platform: RunningPlatform) -> AsyncIterator[Tenant]:
    tenant = await platform.new_tenant("Telegram shop")
    yield tenant
    await tenant.http.aclose()


@pytest.fixture(scope="module")
async def bot(platform: RunningPlatform) -> dict[str, Any]:
    return await _control(platform, "POST", "/bots", json={"username": "tg_shop_channel_bot",
                                                           "first_name": "Магазин"})


@pytest.fixture(scope="module")
async def channel(seller: Tenant, bot: dict[str, Any]) -> dict[str, Any]:
    resp = await seller.http.post("/v1/channels/telegram", json={"token": bot["token"]})
    assert resp.status_code == 201, resp.text
    return resp.json()  # type: ignore[no-any-return]


async def _control(platform: RunningPlatform, method: str, path: str,
                   **kwargs: Any) -> dict[str, Any]:
    resp = await platform.telegram.request(method, f"/_emulator{path}", **kwargs)
    assert resp.status_code == 200, resp.text
    return resp.json()  # type: ignore[no-any-return]


async def _buyer(platform: RunningPlatform, **names: Any) -> dict[str, Any]:
    return await _control(platform, "POST", "/users", json={"id": next(_users), **names})


async def _writes(platform: RunningPlatform, bot: dict[str, Any], buyer: dict[str, Any],
                  **content: Any) -> dict[str, Any]:
    return await _control(platform, "POST", "/messages",
                          json={"from_user_id": buyer["id"], "bot_id": bot["id"], **content})


async def _conversation(seller: Tenant, channel: dict[str, Any],
                        chat_id: int) -> dict[str, Any]:
    async def found() -> dict[str, Any] | None:
        resp = await seller.http.get("/v1/conversations", params={"channel": channel["id"]})
        resp.raise_for_status()
        return next((c for c in resp.json()["items"]
                     if c["external_chat_id"] == str(chat_id)), None)
    return await eventually(found, within=20)


async def _messages(seller: Tenant, conversation: dict[str, Any],
                    count: int) -> list[dict[str, Any]]:
    async def listed() -> list[dict[str, Any]] | None:
        resp = await seller.http.get(f"/v1/conversations/{conversation['id']}/messages")
        resp.raise_for_status()
        items: list[dict[str, Any]] = resp.json()["items"]
        return items if len(items) >= count else None
    return await eventually(listed, within=20)


async def _sent_to(platform: RunningPlatform, bot: dict[str, Any],
                   chat_id: int) -> list[dict[str, Any]]:
    found = await _control(platform, "GET", f"/bots/{bot['id']}/sent",
                           params={"chat_id": chat_id})
    return found["sent"]  # type: ignore[no-any-return]


async def test_connecting_checks_the_token_and_sets_a_secret_webhook(
        platform: RunningPlatform, bot: dict[str, Any], channel: dict[str, Any]) -> None:
    assert (channel["kind"], channel["name"], channel["status"]) == \
        ("telegram", "@tg_shop_channel_bot", "active")
    assert channel["external_account_id"] == str(bot["id"])
    assert channel["webhook_url"].endswith(f"/webhooks/telegram-channel/{channel['id']}")
    assert bot["token"] not in str(channel)
    hook = (await _control(platform, "GET", f"/bots/{bot['id']}"))["webhook"]
    assert hook["url"] == channel["webhook_url"] and len(hook["secret_token"]) >= 32


async def test_diagnostics_check_the_token_and_avito_actions_say_they_are_avitos(
        seller: Tenant, channel: dict[str, Any]) -> None:
    diagnosis = (await seller.http.get(f"/v1/channels/{channel['id']}/diagnostics")).json()
    checks = {c["name"]: c for c in diagnosis["checks"]}
    assert checks["credentials"]["ok"] and "@tg_shop_channel_bot" in checks["credentials"]["message"]
    sync = await seller.http.post(f"/v1/channels/{channel['id']}/sync")
    assert sync.status_code == 409 and "nothing to sync" in sync.json()["detail"]
    webhook = await seller.http.put(f"/v1/channels/{channel['id']}/webhook",
                                    json={"enabled": False})
    assert webhook.status_code == 409 and "disconnect the channel" in webhook.json()["detail"]


async def test_a_buyers_messages_become_a_telegram_conversation(
        platform: RunningPlatform, seller: Tenant, bot: dict[str, Any],
        channel: dict[str, Any]) -> None:
    buyer = await _buyer(platform, first_name="Анна", last_name="Котова", username="anna_tg")
    await _writes(platform, bot, buyer, text="/start")  # Telegram's button: no message
    await _writes(platform, bot, buyer, text="Здравствуйте! Диван ещё продаётся?")
    await _writes(platform, bot, buyer, photo={}, caption="Вот такой нужен")
    conversation = await _conversation(seller, channel, buyer["id"])
    assert conversation["channel"] == "telegram"
    assert conversation["contact"]["name"] == "Анна Котова (@anna_tg)"
    by_type = {m["content_type"]: m for m in await _messages(seller, conversation, 2)}
    text, photo = by_type["text"], by_type["image"]
    assert (text["direction"], text["text"]) == ("inbound", "Здравствуйте! Диван ещё продаётся?")
    assert (photo["content_type"], photo["text"]) == ("image", "Вот такой нужен")
    [image] = photo["attachments"]
    assert image["url"].startswith(f"/v1/channels/{channel['id']}/files/")
    file = await seller.http.get(image["url"])
    assert file.status_code == 200 and file.content.startswith(b"\x89PNG")
    assert file.headers["content-type"].startswith("image/")
    others = httpx.AsyncClient(base_url=platform.gateway_url, headers={
        "Authorization": f"Bearer {(await platform.new_tenant('Stranger')).api_key}"})
    async with others:
        assert (await others.get(image["url"])).status_code == 404


async def test_a_voice_message_plays_through_the_api(
        platform: RunningPlatform, seller: Tenant, bot: dict[str, Any],
        channel: dict[str, Any]) -> None:
    buyer = await _buyer(platform, first_name="Вера")
    await _writes(platform, bot, buyer, voice={})
    conversation = await _conversation(seller, channel, buyer["id"])
    [message] = await _messages(seller, conversation, 1)
    assert message["content_type"] == "voice"
    played = await seller.http.get(
        f"/v1/conversations/{conversation['id']}/messages/{message['id']}/voice")
    assert played.status_code == 307
    assert played.headers["location"] == message["attachments"][0]["url"]
    audio = await seller.http.get(played.headers["location"])
    assert audio.status_code == 200 and audio.content.startswith(b"OggS")


async def test_a_reply_reaches_the_buyers_private_chat_once(
        platform: RunningPlatform, seller: Tenant, bot: dict[str, Any],
        channel: dict[str, Any]) -> None:
    buyer = await _buyer(platform, first_name="Пётр")
    await _writes(platform, bot, buyer, text="Сколько стоит доставка?")
    conversation = await _conversation(seller, channel, buyer["id"])
    reply = "Доставка 500 ₽ <b>по городу</b> & 1000 ₽ за городом"
    resp = await seller.http.post(f"/v1/conversations/{conversation['id']}/messages",
                                  json={"text": reply})
    assert resp.status_code in (200, 201, 202), resp.text
    message_id = resp.json()["id"]

    async def delivered() -> dict[str, Any] | None:
        items = (await seller.http.get(
            f"/v1/conversations/{conversation['id']}/messages")).json()["items"]
        mine = next(m for m in items if m["id"] == message_id)
        return mine if mine["status"] == "sent" else None
    sent = await eventually(delivered, within=20)
    records = [r for r in await _sent_to(platform, bot, buyer["id"])
               if r["message"].get("text") == reply]
    assert len(records) == 1 and records[0]["method"] == "sendMessage"
    assert sent["external_message_id"] == str(records[0]["message_id"])


async def test_a_redelivered_update_stores_nothing_twice(
        platform: RunningPlatform, seller: Tenant, bot: dict[str, Any],
        channel: dict[str, Any]) -> None:
    buyer = await _buyer(platform, first_name="Ира")
    made = await _writes(platform, bot, buyer, text="Первое сообщение")
    conversation = await _conversation(seller, channel, buyer["id"])
    await _messages(seller, conversation, 1)
    update = made["updates"][0]["update"]
    secret = (await _control(platform, "GET", f"/bots/{bot['id']}"))["webhook"]["secret_token"]
    async with httpx.AsyncClient(base_url=platform.gateway_url) as telegram_side:
        for body in (update, {**update, "update_id": update["update_id"] + 10_000}):
            resp = await telegram_side.post(
                f"/webhooks/telegram-channel/{channel['id']}", json=body,
                headers={"X-Telegram-Bot-Api-Secret-Token": secret})
            assert resp.status_code == 200, resp.text
        wrong = await telegram_side.post(f"/webhooks/telegram-channel/{channel['id']}",
                                         json=update,
                                         headers={"X-Telegram-Bot-Api-Secret-Token": "nope"})
        assert wrong.status_code == 401
    await _writes(platform, bot, buyer, text="Второе сообщение")  # the signal: it came after
    messages = await _messages(seller, conversation, 2)
    assert sorted(m["text"] for m in messages) == ["Второе сообщение", "Первое сообщение"]


async def test_a_buyer_who_blocked_the_bot_gets_a_failed_delivery_with_the_reason(
        platform: RunningPlatform, seller: Tenant, bot: dict[str, Any],
        channel: dict[str, Any]) -> None:
    buyer = await _buyer(platform, first_name="Глеб")
    await _writes(platform, bot, buyer, text="Напишу и заблокирую")
    conversation = await _conversation(seller, channel, buyer["id"])
    await _control(platform, "PUT", f"/bots/{bot['id']}/users/{buyer['id']}",
                   json={"status": "blocked"})
    resp = await seller.http.post(f"/v1/conversations/{conversation['id']}/messages",
                                  json={"text": "Вы тут?"})
    message_id = resp.json()["id"]

    async def failed() -> dict[str, Any] | None:
        items = (await seller.http.get(
            f"/v1/conversations/{conversation['id']}/messages")).json()["items"]
        mine = next(m for m in items if m["id"] == message_id)
        return mine if mine["status"] == "failed" else None
    message = await eventually(failed, within=20)
    assert "blocked the bot" in message["failure_reason"]
    assert await _sent_to(platform, bot, buyer["id"]) == []


async def test_a_wrong_or_malformed_token_is_refused_with_what_to_do(seller: Tenant) -> None:
    unknown = await seller.http.post("/v1/channels/telegram",
                                     json={"token": "123456789:" + "A" * 35})
    assert unknown.status_code == 422, unknown.text
    assert "@BotFather" in unknown.json()["detail"]
    malformed = await seller.http.post("/v1/channels/telegram", json={"token": "not-a-token"})
    assert malformed.status_code == 422 and "@BotFather" in malformed.json()["detail"]


async def test_one_bot_one_account_as_a_channel_or_a_console_bot(
        platform: RunningPlatform, seller: Tenant, bot: dict[str, Any],
        channel: dict[str, Any]) -> None:
    other = await platform.new_tenant("Another shop")
    async with other.http:
        taken = await other.http.post("/v1/channels/telegram", json={"token": bot["token"]})
        assert taken.status_code == 409 and "another account" in taken.json()["detail"]
        console = await other.http.post("/v1/telegram/bots", json={"token": bot["token"]})
        assert console.status_code == 409, console.text
        again = await seller.http.post("/v1/channels/telegram", json={"token": bot["token"]})
        assert again.status_code == 409 and "this account" in again.json()["detail"]
        console_bot = await _control(platform, "POST", "/bots", json={})
        registered = await other.http.post("/v1/telegram/bots",
                                           json={"token": console_bot["token"]})
        assert registered.status_code == 201, registered.text
        refused = await seller.http.post("/v1/channels/telegram",
                                         json={"token": console_bot["token"]})
        assert refused.status_code == 409 and "console bot" in refused.json()["detail"]
    hook = (await _control(platform, "GET", f"/bots/{bot['id']}"))["webhook"]
    assert hook["url"] == channel["webhook_url"]  # nobody took the webhook over


async def test_disconnecting_deletes_the_webhook_and_connecting_again_keeps_the_channel(
        platform: RunningPlatform, seller: Tenant) -> None:
    spare = await _control(platform, "POST", "/bots", json={})
    connected = (await seller.http.post("/v1/channels/telegram",
                                        json={"token": spare["token"], "name": "Запасной"})).json()
    assert connected["name"] == "Запасной"
    gone = await seller.http.delete(f"/v1/channels/{connected['id']}")
    assert gone.status_code == 200 and gone.json()["status"] == "disconnected"
    assert (await _control(platform, "GET", f"/bots/{spare['id']}"))["webhook"] is None
    back = await seller.http.post("/v1/channels/telegram", json={"token": spare["token"]})
    assert back.status_code == 201 and back.json()["id"] == connected["id"]
    assert (await _control(platform, "GET", f"/bots/{spare['id']}"))["webhook"] is not None
