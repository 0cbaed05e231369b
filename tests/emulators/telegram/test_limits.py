"""Flood limits and faults: 429 with an honest retry_after (waiting that long succeeds),
injected 429s and 5xx for one method and chat, a 429 storm."""

from __future__ import annotations

import asyncio

import pytest
from aiogram.exceptions import TelegramRetryAfter, TelegramServerError

from tests.emulators.telegram.conftest import Start
from tests.emulators.telegram.helpers import Telegram, ok, refused

FAST = {"private_chat": {"count": 2, "period_s": 1}, "bot": {"count": 4, "period_s": 1}}


async def test_a_private_chat_takes_a_short_burst_then_429_honestly(start: Start) -> None:
    telegram = await start(limits=FAST)
    bot, user = await telegram.private_pair()
    send = {"chat_id": user["id"], "text": "x"}
    for _ in range(2):
        ok(await telegram.api(bot, "sendMessage", **send))
    body = refused(await telegram.api(bot, "sendMessage", **send), 429,
                   "Too Many Requests: retry after 1")
    assert body["parameters"] == {"retry_after": 1}
    await asyncio.sleep(body["parameters"]["retry_after"])
    ok(await telegram.api(bot, "sendMessage", **send))
    assert len(await telegram.sent(bot)) == 3  # the refused send was not made


async def test_the_bot_wide_limit_spans_chats_and_aiogram_sees_retry_after(start: Start) -> None:
    telegram = await start(limits=FAST)
    bot = await telegram.bot()
    users = [await telegram.user() for _ in range(5)]
    for user in users:
        await telegram.start(bot, user)
    client = telegram.aiogram(bot)
    for user in users[:4]:
        await client.send_message(user["id"], "рассылка")
    with pytest.raises(TelegramRetryAfter) as refused_send:
        await client.send_message(users[4]["id"], "рассылка")
    await asyncio.sleep(refused_send.value.retry_after)
    await client.send_message(users[4]["id"], "рассылка")


async def test_a_group_has_its_own_window(start: Start) -> None:
    telegram = await start()  # Telegram's own: 20 a minute in a group
    bot, owner = await telegram.bot(), await telegram.user()
    chat = await telegram.chat(title="Группа", members=[
        {"user_id": owner["id"], "status": "creator"}, {"user_id": bot["id"], "status": "member"}])
    for _ in range(20):
        ok(await telegram.api(bot, "sendMessage", chat_id=chat["id"], text="x"))
    response = await telegram.api(bot, "sendMessage", chat_id=chat["id"], text="x")
    assert response.status_code == 429
    assert 55 <= response.json()["parameters"]["retry_after"] <= 60
    # The refusal is counted per bot; every send made is timed to the microsecond, in order.
    assert (await telegram.ok("GET", f"/bots/{bot['id']}"))["flood_refusals"] == 1
    made = [record["recorded_at"] for record in await telegram.sent(bot)]
    assert len(made) == 20 and made == sorted(made) and made[0] > 1e9
    assert any(at != int(at) for at in made)
    limits = await telegram.ok("GET", "/limits")
    assert limits["group"] == {"count": 20, "period_s": 60.0}
    await telegram.ok("PUT", "/limits", json={"enabled": False})
    ok(await telegram.api(bot, "sendMessage", chat_id=chat["id"], text="x"))


async def test_faults_hit_one_method_and_chat(telegram: Telegram) -> None:
    bot, user = await telegram.private_pair()
    other = await telegram.user()
    await telegram.start(bot, other)
    await telegram.fault(method="sendMessage", chat_id=user["id"], status=429, retry_after=7,
                         count=2)
    await telegram.fault(method="SENDPHOTO", status=502)
    body = refused(await telegram.api(bot, "sendMessage", chat_id=user["id"], text="x"), 429,
                   "Too Many Requests: retry after 7")
    assert body["parameters"]["retry_after"] == 7
    ok(await telegram.api(bot, "sendMessage", chat_id=other["id"], text="x"))
    refused(await telegram.api(bot, "sendMessage", chat_id=user["id"], text="x"), 429,
            "Too Many Requests: retry after 7")
    ok(await telegram.api(bot, "sendMessage", chat_id=user["id"], text="x"))
    with pytest.raises(TelegramServerError):
        await telegram.aiogram(bot).send_photo(user["id"], "whatever")
    assert (await telegram.ok("GET", "/faults"))["armed"] == []


async def test_a_storm_refuses_every_send_until_it_ends(telegram: Telegram) -> None:
    bot, user = await telegram.private_pair()
    await telegram.fault(storm_s=1)
    body = refused(await telegram.api(bot, "sendMessage", chat_id=user["id"], text="x"), 429,
                   "Too Many Requests: retry after 1")
    ok(await telegram.api(bot, "getMe"))  # reads are not refused
    await asyncio.sleep(body["parameters"]["retry_after"])
    ok(await telegram.api(bot, "sendMessage", chat_id=user["id"], text="x"))


async def test_a_slow_call_is_slow_but_answers(telegram: Telegram) -> None:
    bot = await telegram.bot()
    await telegram.fault(method="getMe", latency_ms=50)
    assert ok(await telegram.api(bot, "getMe"))["id"] == bot["id"]
    assert (await telegram.ok("GET", "/faults"))["armed"] == []
