"""The send queue's rules, on virtual time (the schedule it computes is read, nothing is timed):
pacing per chat / group / bot, order inside a chat, chats side by side, 429 retry_after,
retries with backoff for network errors and 5xx, permanent refusals reported, back-pressure."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import SendMessage

from clients.telegram_bot.config import Pacing, Retries, Window
from clients.telegram_bot.sending.pacing import Pacer
from clients.telegram_bot.sending.queue import Reason, Rejected, SendQueue, Unavailable

GROUP, OTHER_GROUP = -1001, -1002
METHOD = SendMessage(chat_id=GROUP, text="x")


class VirtualTime:
    """A clock and a sleep for the queue: time jumps to the next sleeper's wake-up once every
    task is blocked, so a schedule of minutes is computed in milliseconds."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds, next(self._order), future))
        await future

    async def run(self, main: Awaitable[Any]) -> Any:
        task = asyncio.ensure_future(main)
        while not task.done():
            for _ in range(50):
                await asyncio.sleep(0)
            if task.done():
                break
            assert self._sleepers, "blocked on something other than time"
            at, _, future = heapq.heappop(self._sleepers)
            self.now = max(self.now, at)
            future.set_result(None)
        return task.result()


class Telegram:
    """Records each call's time; a script of errors to raise first, per label."""

    def __init__(self, time: VirtualTime) -> None:
        self.time = time
        self.calls: list[tuple[str, float]] = []
        self.errors: dict[str, list[Exception]] = {}

    def send(self, label: str) -> Callable[[], Awaitable[str]]:
        async def call() -> str:
            self.calls.append((label, self.time.now))
            script = self.errors.get(label)
            if script:
                raise script.pop(0)
            return f"sent {label}"
        return call

    def at(self, label: str) -> list[float]:
        return [t for name, t in self.calls if name == label]


def queue(time: VirtualTime, pacing: Pacing | None = None, **kwargs: Any) -> SendQueue:
    return SendQueue(pacing or Pacing(), Retries(max_attempts=4, base_s=1.0, cap_s=8.0),
                     clock=time.clock, sleep=time.sleep, **kwargs)


def test_a_group_gets_one_a_second_and_twenty_a_minute() -> None:
    pacer, now, times = Pacer(Pacing()), 0.0, []
    for _ in range(25):
        now += pacer.wait(GROUP, now)
        pacer.record(GROUP, now)
        times.append(now)
    assert times[:20] == [float(n) for n in range(20)]
    assert times[20:] == [60.0, 61.0, 62.0, 63.0, 64.0]


def test_the_bot_limit_spans_chats_and_private_chats_have_no_group_limit() -> None:
    pacer = Pacer(Pacing(per_bot=Window(30, 1.0)))
    for user in range(1, 31):
        assert pacer.wait(user, 0.0) == 0
        pacer.record(user, 0.0)
    assert pacer.wait(31, 0.0) == 1.0 and pacer.wait(31, 0.5) == 0.5 and pacer.wait(31, 1.0) == 0
    assert Pacer(Pacing(enabled=False)).wait(GROUP, 0.0) == 0


async def test_a_window_is_counted_from_the_answers_so_a_slow_request_cannot_cause_a_429() -> None:
    """Telegram counts a send when it arrives, somewhere between our send and its answer: the
    window holds each send until its answer, so the next window's first send can never land
    inside Telegram's (counted from the sends, the third would go at 1.0)."""
    time = VirtualTime()
    calls: list[float] = []

    async def slow() -> str:
        calls.append(time.now)
        await time.sleep(0.25)
        return "sent"

    q = queue(time, Pacing(per_chat=Window(2, 1.0), per_group=Window(100, 1.0),
                           per_bot=Window(100, 1.0)))

    async def scenario() -> None:
        for future in [await q.submit(GROUP, slow) for _ in range(4)]:
            await future

    await time.run(scenario())
    assert calls == [0.0, 0.25, 1.25, 1.5]
    pacer = Pacer(Pacing())
    pacer.record(GROUP, 0.0)
    pacer.settle(GROUP, 0.0, 0.4)
    pacer.settle(GROUP, 5.0, 6.0)  # a send the windows no longer hold changes nothing
    assert pacer.wait(GROUP, 1.0) == pytest.approx(0.4)


async def test_order_is_kept_in_a_chat_while_chats_go_side_by_side() -> None:
    time = VirtualTime()
    telegram, q = Telegram(time), queue(time)

    async def scenario() -> list[str]:
        futures = [await q.submit(chat, telegram.send(f"{chat}:{n}"))
                   for n in range(3) for chat in (GROUP, OTHER_GROUP)]
        return list(await asyncio.gather(*futures))

    results = await time.run(scenario())
    assert results == [f"sent {chat}:{n}" for n in range(3) for chat in (GROUP, OTHER_GROUP)]
    for chat in (GROUP, OTHER_GROUP):
        assert [(name, t) for name, t in telegram.calls if name.startswith(str(chat))] == [
            (f"{chat}:0", 0.0), (f"{chat}:1", 1.0), (f"{chat}:2", 2.0)]


async def test_a_429_waits_retry_after_and_retries_the_same_message_before_the_next() -> None:
    time = VirtualTime()
    telegram, q = Telegram(time), queue(time, Pacing(enabled=False))
    telegram.errors["a"] = [TelegramRetryAfter(METHOD, "Too Many Requests: retry after 7", 7),
                            TelegramRetryAfter(METHOD, "Too Many Requests: retry after 3", 3)]

    async def scenario() -> list[str]:
        first = await q.submit(GROUP, telegram.send("a"))
        second = await q.submit(GROUP, telegram.send("b"))
        return [await first, await second]

    assert await time.run(scenario()) == ["sent a", "sent b"]
    assert telegram.at("a") == [0.0, 7.0, 10.0] and telegram.at("b") == [10.0]


async def test_network_errors_and_5xx_back_off_then_give_up_as_unavailable() -> None:
    time = VirtualTime()
    telegram, q = Telegram(time), queue(time, Pacing(enabled=False))
    telegram.errors["flaky"] = [TelegramNetworkError(METHOD, "timeout"),
                                TelegramServerError(METHOD, "Bad Gateway")]
    telegram.errors["down"] = [TelegramServerError(METHOD, "Internal Server Error")] * 10

    async def scenario() -> tuple[str, BaseException | None]:
        flaky = await q.call(GROUP, telegram.send("flaky"))
        try:
            await q.call(OTHER_GROUP, telegram.send("down"))
        except Unavailable as exc:
            return flaky, exc
        return flaky, None

    flaky, down = await time.run(scenario())
    assert flaky == "sent flaky" and len(telegram.at("flaky")) == 3
    assert isinstance(down, Unavailable) and len(telegram.at("down")) == 4  # max_attempts
    waits = [b - a for a, b in itertools.pairwise(telegram.at("down"))]
    assert all(0 <= w <= cap for w, cap in zip(waits, (1.0, 2.0, 4.0), strict=True))


async def test_a_refusal_for_good_is_reported_at_once_and_the_lane_goes_on() -> None:
    time = VirtualTime()
    telegram, q = Telegram(time), queue(time, Pacing(enabled=False))
    telegram.errors["gone"] = [TelegramBadRequest(METHOD, "Bad Request: message thread not found")]
    telegram.errors["lost"] = [TelegramBadRequest(METHOD, "Bad Request: chat not found")]

    async def scenario() -> list[object]:
        futures = [await q.submit(GROUP, telegram.send(label)) for label in ("gone", "lost", "ok")]
        return list(await asyncio.gather(*futures, return_exceptions=True))

    gone, lost, ok = await time.run(scenario())
    assert isinstance(gone, Rejected) and gone.reason is Reason.TOPIC_GONE
    assert isinstance(lost, Rejected) and lost.reason is Reason.GROUP_UNUSABLE
    assert ok == "sent ok" and len(telegram.calls) == 3


async def test_a_full_queue_makes_the_producer_wait_instead_of_dropping() -> None:
    time = VirtualTime()
    telegram, q = Telegram(time), queue(time, max_pending=2)
    admitted: list[tuple[int, float]] = []

    async def scenario() -> None:
        futures = []
        for n in range(5):
            futures.append(await q.submit(GROUP, telegram.send(str(n))))
            admitted.append((n, time.now))
        await asyncio.gather(*futures)

    await time.run(scenario())
    assert [t for _, t in telegram.calls] == [0.0, 1.0, 2.0, 3.0, 4.0]
    # The third waits for the first to go out, the fourth for the second, ...
    assert admitted == [(0, 0.0), (1, 0.0), (2, 0.0), (3, 1.0), (4, 2.0)]


async def test_close_lets_queued_sends_finish_within_the_grace() -> None:
    telegram_time = VirtualTime()
    telegram = Telegram(telegram_time)
    q = SendQueue(Pacing(enabled=False), Retries(), max_pending=10)
    futures = [await q.submit(GROUP, telegram.send(str(n))) for n in range(3)]
    await q.close(grace_s=5)
    assert [f.result() for f in futures] == ["sent 0", "sent 1", "sent 2"]
    with pytest.raises(RuntimeError, match="closed"):
        await q.submit(GROUP, telegram.send("late"))
