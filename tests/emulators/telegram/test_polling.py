"""getUpdates: long polling that returns an update injected while it waits, offsets that
confirm, and an aiogram Dispatcher polling the emulator that answers /start."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from aiogram import Dispatcher
from aiogram.filters import CommandStart
from aiogram.types import Message

from tests.emulators.telegram.helpers import Telegram, eventually, ok, refused


def texts(updates: list[dict[str, Any]]) -> list[str]:
    return [u["message"]["text"] for u in updates]


async def test_a_long_poll_returns_what_comes_while_it_waits(telegram: Telegram) -> None:
    bot, user = await telegram.private_pair()
    poll = asyncio.create_task(telegram.api(bot, "getUpdates", timeout=20))

    async def waiting() -> bool:
        return not poll.done() and bool(telegram.emulator.updates._polls.get(bot["id"]))

    await eventually(waiting)
    await telegram.write(bot_id=bot["id"], from_user_id=user["id"], text="Здравствуйте")
    updates = ok(await poll)
    assert texts(updates) == ["Здравствуйте"]
    # Not confirmed yet: the same update again; confirmed by a higher offset, gone.
    assert ok(await telegram.api(bot, "getUpdates")) == updates
    assert ok(await telegram.api(bot, "getUpdates", offset=updates[0]["update_id"] + 1)) == []


async def test_offsets_limits_and_a_second_poller(telegram: Telegram) -> None:
    bot, user = await telegram.private_pair()
    for text in ("1", "2", "3"):
        await telegram.write(bot_id=bot["id"], from_user_id=user["id"], text=text)
    assert texts(ok(await telegram.api(bot, "getUpdates", limit=2))) == ["1", "2"]
    assert texts(ok(await telegram.api(bot, "getUpdates", offset=-1))) == ["3"]
    first = asyncio.create_task(telegram.api(bot, "getUpdates", offset=10**12, timeout=20))

    async def waiting() -> bool:
        return bool(telegram.emulator.updates._polls.get(bot["id"]))

    await eventually(waiting)
    second = asyncio.create_task(telegram.api(bot, "getUpdates", offset=10**12, timeout=20))
    refused(await first, 409, "Conflict: terminated by other getUpdates request; make sure that "
                              "only one bot instance is running")
    await telegram.write(bot_id=bot["id"], from_user_id=user["id"], text="4")
    assert texts(ok(await second)) == ["4"]


async def test_an_aiogram_dispatcher_answers_start(telegram: Telegram) -> None:
    bot, user = await telegram.private_pair()
    client = telegram.aiogram(bot)
    dispatcher = Dispatcher()

    @dispatcher.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer(f"Привет, {message.from_user.first_name if message.from_user else ''}!")

    polling = asyncio.create_task(dispatcher.start_polling(client, handle_signals=False,
                                                           close_bot_session=False,
                                                           polling_timeout=5))
    try:
        written = await telegram.write(bot_id=bot["id"], from_user_id=user["id"], text="/start")
        entity = written["message"]["entities"][0]
        assert (entity["type"], entity["offset"], entity["length"]) == ("bot_command", 0, 6)

        async def answered() -> list[dict[str, Any]]:
            return await telegram.sent(bot)

        [reply] = await eventually(answered, within_s=15)
        assert reply["message"]["text"] == "Привет, Анна!"
        assert reply["chat_id"] == user["id"]
    finally:
        await dispatcher.stop_polling()
        with contextlib.suppress(asyncio.CancelledError):
            await polling


async def test_updates_and_deletions_expire_as_telegram_says(telegram: Telegram) -> None:
    bot, user = await telegram.private_pair()
    await telegram.write(bot_id=bot["id"], from_user_id=user["id"], text="вчера")
    own = ok(await telegram.api(bot, "sendMessage", chat_id=user["id"], text="старое"))
    await telegram.ok("POST", "/clock", json={"advance_seconds": 49 * 3600})
    assert ok(await telegram.api(bot, "getUpdates")) == []  # kept 24 h, then dropped
    refused(await telegram.api(bot, "deleteMessage", chat_id=user["id"],
                               message_id=own["message_id"]), 400,
            "Bad Request: message can't be deleted")


async def test_a_stopping_server_answers_waiting_polls_at_once(telegram: Telegram) -> None:
    bot = await telegram.bot()
    poll = asyncio.create_task(telegram.api(bot, "getUpdates", timeout=50))

    async def waiting() -> bool:
        return bool(telegram.emulator.updates._polls.get(bot["id"]))

    await eventually(waiting)
    telegram.emulator.updates.close()  # what `switchboard emulate telegram` does on Ctrl-C
    assert ok(await poll) == []
