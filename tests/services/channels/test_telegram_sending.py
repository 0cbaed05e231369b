"""A reply's parts on a Telegram customer channel (services/channels/telegram/sending.py) and the
client calls behind them, against the Telegram emulator over real HTTP: an interrupted send
resumes after the parts recorded, a send that may have arrived is never repeated in-process, a
429 within the cap is waited out, a blocked buyer's 403 becomes the reason the inbox shows, and
a buyer's file is read by its file_id."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from services.channels.messaging.media import StoredMedia
from services.channels.telegram.client import TelegramApi, TelegramRetry
from services.channels.telegram.errors import TelegramRejected, TelegramUnavailable
from services.channels.telegram.sending import Pacing, build_parts, failure_reason, send_parts
from switchboard.emulators.telegram.files import sample_png
from tests.emulators.telegram.helpers import Telegram, serving


@pytest.fixture(scope="module")
async def telegram() -> AsyncIterator[Telegram]:
    async with serving(limits={"enabled": False}) as emulator:
        yield emulator


@pytest.fixture(scope="module")
async def api(telegram: Telegram) -> AsyncIterator[TelegramApi]:
    client = TelegramApi(telegram.url, 5.0, TelegramRetry(
        max_attempts=3, backoff_base_s=0.01, backoff_max_s=0.05, retry_after_max_s=2.0))
    yield client
    await client.close()


@pytest.fixture(autouse=True)
async def no_faults(telegram: Telegram) -> AsyncIterator[None]:
    yield
    await telegram.ok("DELETE", "/faults")


async def pair(telegram: Telegram) -> tuple[dict[str, Any], dict[str, Any]]:
    """A bot and a buyer who started it."""
    bot, buyer = await telegram.bot(), await telegram.user(first_name="Анна")
    await telegram.start(bot, buyer)
    return bot, buyer


async def media(media_id: str) -> StoredMedia:
    return StoredMedia(sample_png(), "image/png", f"{media_id}.png")


async def test_an_interrupted_send_resumes_after_the_parts_recorded(
        telegram: Telegram, api: TelegramApi) -> None:
    bot, buyer = await pair(telegram)
    parts = build_parts("первая часть " * 400, ["m1"])  # 5,200 characters: two texts, an image
    assert [p.kind for p in parts] == ["text", "text", "image"]
    recorded: list[tuple[int, str]] = []
    paced: list[int] = []

    async def progress(done: int, external_id: str) -> None:
        recorded.append((done, external_id))

    async def pace(chat_id: int) -> None:
        paced.append(chat_id)

    last = await send_parts(api, bot["token"], str(buyer["id"]), parts, 1, media, progress,
                            pace)
    sent = await telegram.sent(bot, chat_id=buyer["id"])
    assert [r["method"] for r in sent] == ["sendMessage", "sendPhoto"]  # part 1 was sent before
    assert sent[0]["message"]["text"] == parts[1].text
    assert recorded == [(2, str(sent[0]["message_id"])), (3, str(sent[1]["message_id"]))]
    assert last == str(sent[1]["message_id"])
    assert paced == [buyer["id"], buyer["id"]]  # every send waited for its turn


async def test_sends_are_paced_within_telegrams_limits() -> None:
    """Three to one chat at once, the fourth a second later; another chat is not held up; the
    bot's own limit holds across its chats."""
    now = [0.0]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    pacing = Pacing(per_bot=4.0, per_chat=1.0, chat_burst=3, clock=lambda: now[0], sleep=sleep)
    assert [await pacing.wait("bot", 1) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert await pacing.wait("bot", 1) == pytest.approx(1.0)
    assert await pacing.wait("bot", 2) == 0.0  # another chat; the bot's bucket refilled
    before = now[0]
    for chat in range(3, 8):  # five more chats: the bot's 3 tokens left, then 4 a second
        await pacing.wait("bot", chat)
    assert now[0] - before == pytest.approx(0.5)


async def test_a_send_that_may_have_arrived_is_not_repeated(telegram: Telegram,
                                                            api: TelegramApi) -> None:
    bot, buyer = await pair(telegram)
    await telegram.fault(method="sendMessage", status=502, count=1)
    with pytest.raises(TelegramUnavailable):
        await api.send_text(bot["token"], buyer["id"], "Доставка завтра")
    assert await telegram.sent(bot, chat_id=buyer["id"]) == []  # a retry would have gone out
    await telegram.fault(method="getMe", status=502, count=1)  # an idempotent call is retried
    assert (await api.get_me(bot["token"])).telegram_id == bot["id"]


async def test_a_429_within_the_cap_is_waited_out_and_sent_once(telegram: Telegram,
                                                                 api: TelegramApi) -> None:
    bot, buyer = await pair(telegram)
    await telegram.fault(method="sendMessage", status=429, retry_after=1, count=1)
    await api.send_text(bot["token"], buyer["id"], "После паузы")
    sent = await telegram.sent(bot, chat_id=buyer["id"])
    assert [r["message"]["text"] for r in sent] == ["После паузы"]


async def test_a_429_beyond_the_cap_defers_with_telegrams_wait(telegram: Telegram,
                                                                api: TelegramApi) -> None:
    bot, buyer = await pair(telegram)
    await telegram.fault(method="sendMessage", status=429, retry_after=60, count=1)
    with pytest.raises(TelegramUnavailable) as deferred:
        await api.send_text(bot["token"], buyer["id"], "Позже")
    assert deferred.value.retry_after_s == 60.0


async def test_a_buyer_who_blocked_the_bot_is_a_reason_not_a_retry(telegram: Telegram,
                                                                    api: TelegramApi) -> None:
    bot, buyer = await pair(telegram)
    await telegram.ok("PUT", f"/bots/{bot['id']}/users/{buyer['id']}", json={"status": "blocked"})
    with pytest.raises(TelegramRejected) as refused:
        await api.send_text(bot["token"], buyer["id"], "Вы тут?")
    assert refused.value.status == 403
    assert "blocked the bot" in failure_reason(refused.value)


async def test_a_buyers_file_is_read_by_its_id_and_the_token_stays_inside(
        telegram: Telegram, api: TelegramApi) -> None:
    bot, buyer = await pair(telegram)
    made: dict[str, Any] = await telegram.write(from_user_id=buyer["id"], bot_id=bot["id"],
                                                photo={}, caption="фото")
    file_id = made["message"]["photo"][-1]["file_id"]
    found = await api.get_file(bot["token"], file_id)
    assert found.content == sample_png() and bot["token"] not in found.file_path
    with pytest.raises(TelegramRejected) as unknown:
        await api.get_file(bot["token"], "no-such-file")
    assert unknown.value.status == 400 and bot["token"] not in unknown.value.message


async def test_deleting_a_reply(telegram: Telegram, api: TelegramApi) -> None:
    bot, buyer = await pair(telegram)
    message_id = await api.send_text(bot["token"], buyer["id"], "Удалю")
    await api.delete_message(bot["token"], buyer["id"], message_id)
    [record] = await telegram.sent(bot, chat_id=buyer["id"])
    assert record["deleted"] is True
