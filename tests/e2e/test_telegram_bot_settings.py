"""The telegram-bot component's settings for the console and the alerts, as `serve all` and
`switchboard dev` compose it: `telegram_bot_connect_sandbox` (what the dev stack sets) makes the
console's guided connect go to the Avito emulator; `telegram_bot_handoff_alert_after_s` is how
long an AI handoff waits before its alert in the General topic."""

from __future__ import annotations

from typing import Any

import pytest

from switchboard.credentials import Credentials
from switchboard.devstack.dev import DevOptions
from switchboard.devstack.dev import _settings as dev_settings
from switchboard.telegram_bot.config import TelegramBotSettings
from switchboard.telegram_bot.runtime import runner_settings
from tests.clients.telegram_bot.conftest import new_buyer
from tests.e2e.telegram_bot import SellerBot, bot_component, following, seller_bot
from tests.e2e.test_agent import enable_agent
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform

pytestmark = pytest.mark.slow


def test_the_dev_stack_connects_sandbox_accounts_and_others_do_not() -> None:
    settings = dev_settings(DevOptions(), "postgresql://x/y", "nats://x", {"secret_key": "k"},
                            "http://127.0.0.1:8090", "http://127.0.0.1:8092")
    assert TelegramBotSettings(**settings).telegram_bot_connect_sandbox is True
    assert TelegramBotSettings().telegram_bot_connect_sandbox is False
    assert TelegramBotSettings().telegram_bot_handoff_alert_after_s == 600.0


def test_the_window_and_alert_cadences_reach_the_runner() -> None:
    defaults = runner_settings(TelegramBotSettings())
    assert (defaults.window_lanes, defaults.alert_check_s, defaults.channel_check_s) == (
        8, 5.0, 300.0)
    tuned = runner_settings(TelegramBotSettings(
        telegram_bot_window_lanes=2, telegram_bot_alert_check_s=1,
        telegram_bot_problem_check_s=30))
    assert (tuned.window_lanes, tuned.alert_check_s, tuned.channel_check_s) == (2, 1.0, 30.0)


async def test_the_console_connects_a_sandbox_avito_account_when_the_setting_says_so(
        platform: RunningPlatform, credentials: Credentials) -> None:
    seller = await platform.new_tenant("Console sandbox")
    account = (await platform.emulator.post("/_emulator/accounts", json={
        "name": "Console sandbox"})).raise_for_status().json()
    async with bot_component(platform, credentials, telegram_bot_connect_sandbox=True) as component:
        linked = await seller_bot(platform, seller, "Магазин")
        await following(component, linked.bot_id)
        await linked.link_owner()
        hint = await _turn(linked, "/accounts", "Аккаунтов Авито пока нет")
        [button] = [b for row in hint["reply_markup"]["inline_keyboard"] for b in row
                    if "Подключить" in b["text"]]
        assert linked.owner is not None
        await linked.telegram.made("POST", "/callback_queries", json={
            "bot_id": linked.bot["id"], "from_user_id": linked.owner["id"],
            "message_id": hint["message_id"], "data": button["callback_data"]})
        await _said(linked, "Как его назвать")
        await _turn(linked, "Песочница", "client_id")
        await _turn(linked, str(account["client_id"]), "client_secret")
        await _turn(linked, str(account["client_secret"]), "подключён")
    channels = (await seller.http.get("/v1/channels")).json()["items"]
    assert [(c["name"], c["status"]) for c in channels] == [("Песочница", "active")]


async def test_an_unpicked_handoff_is_alerted_after_the_configured_time(
        platform: RunningPlatform, credentials: Credentials) -> None:
    seller = await platform.new_tenant("Handoff setting")
    shop = await platform.connect_sandbox_shop(seller)
    await enable_agent(seller, shop)
    async with bot_component(platform, credentials,
                             telegram_bot_handoff_alert_after_s=3.0) as component:
        linked = await seller_bot(platform, seller, "Магазин")
        await following(component, linked.bot_id)
        await new_buyer(platform, shop, "Позовите оператора, пожалуйста", name="Аркадий")
        topic = await linked.topic("Аркадий")

        async def alerted() -> str | None:
            found = await linked.telegram.ok("GET", f"/chats/{linked.chat_id}/messages")
            texts = [m.get("text") or "" for m in found["messages"]
                     if m.get("message_thread_id") is None]
            return next((t for t in texts if t.startswith("⏰") and "Аркадий" in t), None)
        text = await eventually(alerted, within=40, interval=0.2)
        assert "3 с" in text, text
        assert topic["message_thread_id"] is not None


async def _said(linked: SellerBot, words: str, within: float = 30) -> dict[str, Any]:
    """The bot's latest private message to the owner, once one has `words`."""
    assert linked.owner is not None

    async def found() -> dict[str, Any] | None:
        sent = await linked.telegram.sent(linked.bot, chat_id=linked.owner["id"])  # type: ignore[index]
        hits = [s["message"] for s in sent if words in (s["message"].get("text") or "")]
        return hits[-1] if hits else None
    message: dict[str, Any] = await eventually(found, within=within, interval=0.1)
    return message


async def _turn(linked: SellerBot, text: str, words: str) -> dict[str, Any]:
    """The owner writes to the bot in private; its answer with `words`."""
    assert linked.owner is not None
    await linked.telegram.write(from_user_id=linked.owner["id"], bot_id=linked.bot["id"], text=text)
    return await _said(linked, words)
