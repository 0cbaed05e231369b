"""Linking, driven like users on the real platform and the Telegram emulator (polling): a person
links their Telegram account with a code made through the SDK (/start <code>), a wrong code is
refused with the API's words and how to get a new one; /link in a group says what to change,
and only a linked owner or admin confirming it links the group (the window then starts
there); /unlink clears it. And the webhook path: a raw update given to `handle_update`."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from switchboard_sdk import Switchboard, UserRole

from clients.telegram_bot import MalformedUpdate, Runner, Store, UnknownBot
from tests.clients.telegram_bot.conftest import listening, new_buyer
from tests.clients.telegram_bot.inbound import PACED, Seat, private_update, seat
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant

pytestmark = pytest.mark.slow


async def test_start_with_a_code_links_and_a_wrong_code_says_how_to_get_one(
        platform: RunningPlatform, seller: Tenant, sb: Switchboard, store: Store) -> None:
    shop = await seat(platform, seller, sb)
    async with shop.running(store):
        await shop.private(shop.stranger, "/start")
        [hint] = await shop.said_to(shop.stranger)
        assert "/start КОД" in hint and "/v1/telegram/link-codes" in hint

        await shop.link(shop.owner)
        welcome = (await shop.said_to(shop.owner))[-1]
        assert "роль: владелец" in welcome and "/link" in welcome
        link = await sb.telegram_link(shop.owner.id)
        assert link is not None and link.user.id == shop.owner.user_id
        assert link.user.role == UserRole.OWNER

        await shop.private(shop.stranger, "/start AAAAA-AAAAA")
        refused = (await shop.said_to(shop.stranger, 2))[-1]
        assert refused.startswith("Код не подошёл") and "unknown or expired" in refused
        assert "/v1/telegram/link-codes" in refused and await sb.telegram_link(shop.stranger.id) is None

        await shop.link(shop.agent)
        await shop.private(shop.agent, "/help")
        help_text = (await shop.said_to(shop.agent, 2))[-1]
        assert "менеджер" in help_text and "/link" not in help_text


async def test_link_says_what_to_change_and_only_an_owner_or_admin_confirms(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop, sb: Switchboard,
        store: Store) -> None:
    bot_seat = await seat(platform, seller, sb, group_linked=False)
    telegram = bot_seat.telegram
    async with bot_seat.running(store) as runner:
        await bot_seat.link(bot_seat.owner)
        await bot_seat.link(bot_seat.agent)
        no_topics = await telegram.chat(type="supergroup", title="Без тем", members=[
            {"user_id": bot_seat.owner.id, "status": "creator"},
            {"user_id": bot_seat.bot["id"], "status": "administrator"}])
        not_admin = await telegram.chat(type="supergroup", title="Бот не админ", is_forum=True,
                                        members=[{"user_id": bot_seat.owner.id, "status": "creator"},
                                                 {"user_id": bot_seat.bot["id"], "status": "member"}])
        for chat, says in ((no_topics, "выключены темы"), (not_admin, "администратором")):
            await telegram.write(from_user_id=bot_seat.owner.id, chat_id=chat["id"], text="/link")
            answer = await _bot_says(bot_seat, chat["id"], says)
            assert "reply_markup" not in answer

        await bot_seat.write(bot_seat.agent, "/link")
        confirm = await _bot_says(bot_seat, bot_seat.chat_id, "Подключить эту группу")
        data = confirm["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        refusals = [(bot_seat.agent, "Ваша роль: менеджер"), (bot_seat.stranger, "/start КОД")]
        for person, why in refusals:
            answer = await bot_seat.answer(await bot_seat.press(person, confirm["message_id"], data))
            assert answer["show_alert"] is True and why in answer["text"]
        assert (await sb.telegram_bot(bot_seat.registered.id)).group is None  # type: ignore[union-attr]

        answer = await bot_seat.answer(await bot_seat.press(bot_seat.owner, confirm["message_id"], data))
        assert answer["text"].startswith("Группа подключена")
        registered = await sb.telegram_bot(bot_seat.registered.id)
        assert registered is not None and registered.group is not None
        assert registered.group.chat_id == bot_seat.chat_id
        edited = await _bot_says(bot_seat, bot_seat.chat_id, "✅ Группа «Магазин: диалоги» подключена")
        assert edited["message_id"] == confirm["message_id"] and "reply_markup" not in edited

        # The window starts in the group: a buyer's message opens a topic there.
        config = dataclasses.replace(bot_seat.config, group_chat_id=bot_seat.chat_id)
        assert runner.config(bot_seat.config.bot_id) == config
        await listening(runner, config)
        await new_buyer(platform, shop, "Есть в наличии?", name="Фёдор")
        async def topic() -> bool:
            found = await telegram.ok("GET", f"/chats/{bot_seat.chat_id}/topics")
            return any("Фёдор" in t["name"] for t in found["topics"])
        await eventually(topic, within=30)

        await bot_seat.write(bot_seat.agent, "/unlink")
        await _bot_says(bot_seat, bot_seat.chat_id, "только владелец или администратор. Ваша роль")
        await bot_seat.write(bot_seat.owner, "/unlink")
        await _bot_says(bot_seat, bot_seat.chat_id, "Группа отключена")
        assert (await sb.telegram_bot(bot_seat.registered.id)).group is None  # type: ignore[union-attr]
        async def window_gone() -> bool:
            status = runner.status(bot_seat.config.bot_id)
            return status is not None and not status.running
        await eventually(window_gone, within=20)


async def test_handle_update_takes_a_raw_update_as_telegram_posted_it(
        platform: RunningPlatform, seller: Tenant, sb: Switchboard, store: Store) -> None:
    bot_seat = await seat(platform, seller, sb, group_linked=False)
    webhook = dataclasses.replace(bot_seat.config, delivery="webhook")
    await bot_seat.telegram.start(bot_seat.bot, bot_seat.stranger.tg)
    runner = Runner([webhook], store, PACED, stop_grace_s=5)
    await runner.start()
    try:
        person = bot_seat.stranger.tg
        body = private_update(person, 900_000_001, "/help")
        await runner.handle_update(webhook.bot_id, body)  # returns once handled: answered
        [said] = [s["message"]["text"] for s in await bot_seat.telegram.sent(
            bot_seat.bot, chat_id=person["id"])]
        assert "/start КОД" in said
        with pytest.raises(UnknownBot):
            await runner.handle_update(str(uuid.uuid4()), body)
        for bad in (b"{not json", b'{"update_id": "x"}', b"[]"):
            with pytest.raises(MalformedUpdate):
                await runner.handle_update(webhook.bot_id, bad)
    finally:
        await runner.stop()


async def _bot_says(bot_seat: Seat, chat_id: int, words: str) -> dict:
    """The bot's message in the chat that has these words, as it is now (waits for it)."""
    async def said() -> dict | None:
        sent = await bot_seat.telegram.sent(bot_seat.bot, chat_id=chat_id)
        found = [s["message"] for s in sent if words in s["message"].get("text", "")]
        return found[-1] if found else None
    message: dict = await eventually(said, within=20, interval=0.1)
    return message
