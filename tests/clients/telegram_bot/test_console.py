"""The owner's console, driven like people on the real platform and the session's Telegram
emulator (polling): connecting an Avito account in a guided dialog (the secret's message
deleted, a wrong secret answered with what to do, a restart mid-dialog resumed, /cancel),
/ai toggling a channel's override (REST shows it), a manager refused changes, the menus."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from switchboard_sdk import Switchboard

from clients.telegram_bot import Runner, Store
from tests.clients.telegram_bot.inbound import PACED, Person, Seat, private_update, seat
from tests.fixtures.platform import RunningPlatform, Tenant

pytestmark = pytest.mark.slow


def _private(found: Seat) -> Seat:
    found.config = dataclasses.replace(found.config, connect_sandbox=True)
    return found


async def _press(found: Seat, person: Person, message: dict[str, Any], label: str) -> dict[str, Any]:
    """The person presses the button labelled `label` on the bot's private message; its answer."""
    buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
    [button] = [b for b in buttons if label in b["text"]]
    pressed = await found.telegram.made("POST", "/callback_queries", json={
        "bot_id": found.bot["id"], "from_user_id": person.id,
        "message_id": message["message_id"], "data": button["callback_data"]})
    return await found.answer(str(pressed["callback_query_id"]))


async def _said(found: Seat, person: Person, count: int) -> list[dict[str, Any]]:
    await found.said_to(person, count)
    return [s["message"] for s in await found.telegram.sent(found.bot, chat_id=person.id)]


async def _turn(found: Seat, person: Person, text: str, *, expect: int = 1) -> list[dict[str, Any]]:
    """The person writes in private; the bot's messages once `expect` more came."""
    before = len(await found.telegram.sent(found.bot, chat_id=person.id))
    await found.private(person, text)
    return (await _said(found, person, before + expect))[before:]


async def test_connect_an_avito_account_in_a_guided_dialog(
        platform: RunningPlatform, seller: Tenant, sb: Switchboard, store: Store) -> None:
    found = _private(await seat(platform, seller, sb, group_linked=False))
    account = (await platform.emulator.post("/_emulator/accounts", json={
        "name": "Console shop"})).raise_for_status().json()
    owner = found.owner
    async with found.running(store):
        await found.link(owner)
        [hint] = await _turn(found, owner, "/accounts")
        assert "Аккаунтов Авито пока нет" in hint["text"]
        await _press(found, owner, hint, "Подключить аккаунт")
        ask_name = (await _said(found, owner, 3))[-1]
        assert "Как его назвать" in ask_name["text"]
        [ask_id] = await _turn(found, owner, "Магазин на Ленина")
        assert "client_id" in ask_id["text"]
        [ask_secret] = await _turn(found, owner, account["client_id"])
        assert "client_secret" in ask_secret["text"]

        checking, refused = await _turn(found, owner, "wrong-secret", expect=2)
        assert "удалено" in checking["text"]
        assert "Авито не принял" in refused["text"] and "ещё раз" in refused["text"]
        said = await _turn(found, owner, account["client_secret"], expect=3)
        assert "подключён" in said[1]["text"] and "Магазин на Ленина" in said[2]["text"]
        assert "reply_markup" in said[2]  # its buttons

        messages = (await found.telegram.ok("GET", f"/chats/{owner.id}/messages",
                                            params={"bot_id": found.bot["id"]}))["messages"]
        secrets = [m for m in messages if m.get("text") in ("wrong-secret", account["client_secret"])]
        assert secrets and all(m["deleted"] for m in secrets)
        [channel] = await sb.channels()
        assert channel.name == "Магазин на Ленина"


async def test_a_restart_mid_dialog_resumes_and_cancel_leaves_it(
        platform: RunningPlatform, seller: Tenant, sb: Switchboard, store: Store) -> None:
    found = _private(await seat(platform, seller, sb, group_linked=False))
    owner = found.owner
    async with found.running(store):
        await found.link(owner)
        [hint] = await _turn(found, owner, "/accounts")
        await _press(found, owner, hint, "Подключить аккаунт")
        await _said(found, owner, 3)
    async with found.running(store):  # a new runner: the dialog is where it was
        [ask_id] = await _turn(found, owner, "Склад")
        assert "client_id" in ask_id["text"]
        [left] = await _turn(found, owner, "/cancel")
        assert "прерван" in left["text"]
        [nothing] = await _turn(found, owner, "/cancel")
        assert "нет начатого" in nothing["text"]


async def test_ai_toggles_the_channel_override_and_a_manager_may_only_read(
        platform: RunningPlatform, seller: Tenant, sb: Switchboard, store: Store) -> None:
    found = await seat(platform, seller, sb, group_linked=False)
    shop = await platform.connect_sandbox_shop(seller, "Витрина")
    channel_id = str(shop.channel["id"])
    async with found.running(store):
        await found.link(found.owner)
        await found.link(found.agent)
        [listing] = await _turn(found, found.agent, "/ai")
        assert "Витрина" in listing["text"]
        refused = await _press(found, found.agent, listing, "Витрина")
        assert refused["show_alert"] is True and "владелец или администратор" in refused["text"]

        before = (await sb.agent_settings(channel_id)).effective.enabled
        [listing] = await _turn(found, found.owner, "/ai")
        await _press(found, found.owner, listing, "Витрина")
        rest = await seller.http.get("/v1/agent/settings", params={"channel_id": channel_id})
        assert rest.status_code == 200, rest.text
        assert rest.json()["effective"]["enabled"] is (not before)
        assert "enabled" in rest.json()["overridden_fields"]

        menus = (await found.telegram.ok("GET", f"/bots/{found.bot['id']}/commands"))["commands"]
        names = {scope: [c["command"] for c in cmds] for scope, cmds in menus.items()}
        assert any("accounts" in cmds and "ai" in cmds for cmds in names.values())
        assert any("link" in cmds and "accounts" not in cmds for cmds in names.values())


async def test_a_dialog_still_works_when_another_runner_of_the_process_stops_the_bot(
        platform: RunningPlatform, seller: Tenant, sb: Switchboard, store: Store) -> None:
    """The FSM storage is one per process: a runner stopping a bot another runner of the same
    process still serves leaves the bot's dialogs working there."""
    found = await seat(platform, seller, sb, group_linked=False)
    webhook = dataclasses.replace(found.config, delivery="webhook")
    person = found.stranger.tg
    await found.telegram.start(found.bot, person)
    first, second = (Runner([webhook], store, PACED, stop_grace_s=5) for _ in range(2))
    await first.start()
    await second.start()
    try:
        await first.stop()
        # Returns once handled: answered.
        await second.handle_update(webhook.bot_id, private_update(person, 900_000_101, "/cancel"))
        [said] = [s["message"]["text"] for s in await found.telegram.sent(
            found.bot, chat_id=person["id"])]
        assert "нет начатого" in said
    finally:
        await second.stop()
