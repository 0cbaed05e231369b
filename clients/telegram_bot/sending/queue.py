"""A bot's send queue: a FIFO lane per chat (order kept inside a chat), chats served side by
side, every send paced to Telegram's flood limits (`pacing.py`) and retried until it goes
through or can never do so.

- 429: wait the `retry_after` Telegram gives and try the same call again.
- A network error, a timeout, a 5xx or an answer that is not JSON: capped exponential backoff
  with full jitter, `Retries.max_attempts` tries; then `Unavailable` to the caller, who keeps
  the message (the window does not move its position past it, so it comes again).
- Any other refusal (a 400 such as "chat not found" or "message thread not found", a 403)
  can never succeed: `Rejected`, at once, with the reason classified for the caller.

The queue holds at most `max_pending` calls: `submit` waits for room (back-pressure on the
producer) rather than dropping anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

import aiohttp
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from switchboard_sdk import Backoff

from clients.telegram_bot.config import Pacing, Retries
from clients.telegram_bot.sending.pacing import Pacer

T = TypeVar("T")
Operation = Callable[[], Awaitable[T]]
Sleep = Callable[[float], Awaitable[None]]

# Worth trying again: the request may not have reached Telegram, or Telegram failed.
TRANSIENT = (TelegramNetworkError, TelegramServerError, ClientDecodeError, aiohttp.ClientError,
             TimeoutError, OSError)


class Reason(StrEnum):
    TOPIC_GONE = "topic_gone"          # the forum topic was deleted or closed
    NOT_MODIFIED = "not_modified"      # an edit that changes nothing
    MEDIA = "media"                    # the file or URL could not be used
    GROUP_UNUSABLE = "group_unusable"  # no such chat, no rights there, the bot removed or revoked
    OTHER = "other"


_BY_TEXT = [
    (Reason.TOPIC_GONE, ("message thread not found", "topic_deleted", "topic_closed",
                         "topic not found")),
    (Reason.NOT_MODIFIED, ("message is not modified", "topic_not_modified")),
    (Reason.MEDIA, ("wrong file identifier", "failed to get http url content", "image_process_failed",
                    "wrong type of the web page content", "file is too big", "wrong remote file",
                    "photo_invalid_dimensions")),
    (Reason.GROUP_UNUSABLE, ("chat not found", "not enough rights", "the chat is not a forum",
                             "bot is not a member", "have no rights", "chat_write_forbidden",
                             "chat_admin_required", "group chat was upgraded")),
]


class SendFailed(Exception):
    """A call to Telegram that did not go through."""


class Unavailable(SendFailed):
    """Telegram did not answer or kept failing after the retries allowed: try again later."""


class Rejected(SendFailed):
    """Telegram refused the call in a way no retry changes."""

    def __init__(self, reason: Reason, description: str) -> None:
        super().__init__(f"{reason.value}: {description}")
        self.reason, self.description = reason, description


def classify(error: TelegramAPIError) -> Reason:
    if isinstance(error, TelegramForbiddenError | TelegramUnauthorizedError | TelegramMigrateToChat
                  | TelegramNotFound):
        return Reason.GROUP_UNUSABLE
    text = error.message.lower()
    for reason, needles in _BY_TEXT:
        if any(needle in text for needle in needles):
            return reason
    return Reason.OTHER


@dataclass
class _Job:
    operation: Operation[Any]
    paced: bool
    future: asyncio.Future[Any]


class SendQueue:
    def __init__(self, pacing: Pacing, retries: Retries, *, max_pending: int = 1000,
                 clock: Callable[[], float] = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        self._pacer = Pacer(pacing)
        self._retries = retries
        self._backoff = Backoff(retries.base_s, retries.cap_s)
        self._clock, self._sleep = clock, sleep
        self._room = asyncio.Semaphore(max_pending)
        self._lanes: dict[int, deque[_Job]] = {}
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._closed = False

    async def call(self, chat_id: int, operation: Operation[T], *, paced: bool = True) -> T:
        """Queue `operation` (one Bot API call) behind the chat's earlier ones; its result.
        `paced=False` for calls the flood limits do not count (edits, topics): still in order."""
        result: T = await await_job(await self.submit(chat_id, operation, paced=paced))
        return result

    async def submit(self, chat_id: int, operation: Operation[T], *,
                     paced: bool = True) -> asyncio.Future[T]:
        """Queue `operation`, waiting for room when the queue is full; a future of its result."""
        if self._closed:
            raise RuntimeError("the send queue is closed")
        await self._room.acquire()
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._lanes.setdefault(chat_id, deque()).append(_Job(operation, paced, future))
        if chat_id not in self._workers:
            self._workers[chat_id] = asyncio.create_task(self._drain(chat_id),
                                                         name=f"telegram-lane-{chat_id}")
        return future

    @property
    def pending(self) -> int:
        return sum(len(lane) for lane in self._lanes.values())

    async def close(self, grace_s: float) -> None:
        """Take nothing new; let what is queued go out within `grace_s`, then cancel the rest."""
        self._closed = True
        workers = list(self._workers.values())
        if workers:
            _, late = await asyncio.wait(workers, timeout=grace_s)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        for lane in self._lanes.values():
            for job in lane:
                job.future.cancel()

    async def _drain(self, chat_id: int) -> None:
        lane = self._lanes[chat_id]
        try:
            while lane:
                job = lane[0]
                if not job.future.done():  # a caller that gave up is not sent for
                    await self._run(chat_id, job)
                lane.popleft()
                self._room.release()
        finally:
            del self._workers[chat_id]
            if not lane:
                del self._lanes[chat_id]

    async def _run(self, chat_id: int, job: _Job) -> None:
        failures = throttled = 0
        while True:
            try:
                result = await self._attempt(chat_id, job)
            except TelegramRetryAfter as exc:
                throttled += 1
                if throttled > self._retries.max_retry_after:
                    return _settle(job, error=Unavailable(f"still throttled after {throttled - 1} "
                                                          f"waits: {exc.message}"))
                await self._sleep(float(exc.retry_after))
            except TRANSIENT as exc:
                failures += 1
                if failures >= self._retries.max_attempts:
                    return _settle(job, error=Unavailable(f"{failures} tries failed: {exc!r}"))
                await self._sleep(self._backoff.delay(failures))
            except TelegramAPIError as exc:
                return _settle(job, error=Rejected(classify(exc), exc.message))
            except Exception as exc:  # a bug in the operation: its caller sees it as it is
                return _settle(job, error=exc)
            else:
                return _settle(job, result=result)

    async def _attempt(self, chat_id: int, job: _Job) -> Any:
        """One try; a paced one holds the flood windows from its send until its answer."""
        if not job.paced:
            return await job.operation()
        sent_at = await self._pace(chat_id)
        try:
            return await job.operation()
        finally:
            self._pacer.settle(chat_id, sent_at, self._clock())

    async def _pace(self, chat_id: int) -> float:
        while (wait := self._pacer.wait(chat_id, self._clock())) > 0:
            await self._sleep(wait)
        sent_at = self._clock()
        self._pacer.record(chat_id, sent_at)
        return sent_at


def _settle(job: _Job, *, result: Any = None, error: BaseException | None = None) -> None:
    if job.future.done():
        return
    if error is not None:
        job.future.set_exception(error)
    else:
        job.future.set_result(result)


async def await_job(future: asyncio.Future[T]) -> T:
    """The job's result; a caller cancelled while waiting leaves the job to finish or be skipped."""
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        if not future.done():
            future.cancel()
        elif not future.cancelled():
            with contextlib.suppress(BaseException):
                future.exception()  # retrieved: no "never retrieved" warning
        raise
