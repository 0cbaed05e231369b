"""The Telegram Bot API client: aiogram's `Bot` per token over one aiohttp session per process,
on a configurable API server (`telegram_api_base_url`: Telegram, or the emulator).

Every call is bounded by a timeout and retried a bounded number of times with full-jitter
exponential backoff on 5xx, timeouts and connection errors; a 429 is waited out for its
`retry_after` when that is within `retry_after_max_s`. Idempotent methods (getMe, setWebhook,
deleteWebhook, getFile...) are repeated after a timeout; a send is not (`unsure=False`): it may
have reached the chat, and the Bot API cannot tell, so the caller decides (messaging/telegram.py).
Failures come out as the typed errors of `errors.py`, their messages free of the token.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import aiohttp
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import BufferedInputFile
from prometheus_client import Counter

from services.channels.telegram.errors import (
    TelegramRejected,
    TelegramTokenRefused,
    TelegramUnavailable,
)
from services.kernel.backoff import full_jitter

log = logging.getLogger(__name__)

REQUESTS = Counter("switchboard_telegram_requests_total", "Telegram Bot API requests by outcome",
                   ["method", "outcome"])
# "<bot id>:<secret>" as @BotFather gives it (35 characters of secret today; some slack).
TOKEN = re.compile(r"^[0-9]{1,20}:[A-Za-z0-9_-]{30,100}$")
T = TypeVar("T")
# The Bot API serves files up to 20 MB to bots (getFile).
FILE_MAX_BYTES = 20 * 1024 * 1024
_STATUS = ((TelegramForbiddenError, 403), (TelegramNotFound, 404), (TelegramBadRequest, 400))


@dataclass(frozen=True)
class TelegramRetry:
    max_attempts: int = 4
    backoff_base_s: float = 0.5
    backoff_max_s: float = 8.0
    retry_after_max_s: float = 30.0


@dataclass(frozen=True)
class BotIdentity:
    """What getMe says about a bot."""

    telegram_id: int
    username: str
    first_name: str


@dataclass(frozen=True)
class TelegramFile:
    content: bytes
    file_path: str  # Telegram's path (e.g. photos/file_1.jpg); never the URL, which holds the token


class TelegramApi:
    """One per process; `close()` it with the runtime."""

    def __init__(self, base_url: str, timeout_s: float, retry: TelegramRetry) -> None:
        self._session = AiohttpSession(api=TelegramAPIServer.from_base(base_url),
                                       timeout=timeout_s)
        self._retry = retry

    async def close(self) -> None:
        await self._session.close()

    async def get_me(self, token: str) -> BotIdentity:
        me = await self.call(token, "getMe", lambda bot: bot.get_me())
        return BotIdentity(me.id, me.username or "", me.first_name)

    async def set_webhook(self, token: str, url: str, secret: str,
                          allowed_updates: Sequence[str]) -> None:
        await self.call(token, "setWebhook", lambda bot: bot.set_webhook(
            url=url, secret_token=secret, allowed_updates=list(allowed_updates),
            drop_pending_updates=False))

    async def delete_webhook(self, token: str) -> None:
        """Updates wait for getUpdates then (none are dropped)."""
        await self.call(token, "deleteWebhook",
                        lambda bot: bot.delete_webhook(drop_pending_updates=False))

    async def send_text(self, token: str, chat_id: int, text: str) -> int:
        """Plain text (no parse mode: nothing in it is markup); the message id."""
        sent = await self.call(token, "sendMessage", lambda bot: bot.send_message(
            chat_id=chat_id, text=text, parse_mode=None), unsure=False)
        return sent.message_id

    async def send_photo(self, token: str, chat_id: int, content: bytes, filename: str) -> int:
        sent = await self.call(token, "sendPhoto", lambda bot: bot.send_photo(
            chat_id=chat_id, photo=BufferedInputFile(content, filename)), unsure=False)
        return sent.message_id

    async def delete_message(self, token: str, chat_id: int, message_id: int) -> None:
        await self.call(token, "deleteMessage", lambda bot: bot.delete_message(
            chat_id=chat_id, message_id=message_id))

    async def get_file(self, token: str, file_id: str) -> TelegramFile:
        """getFile, then the download, bounded by FILE_MAX_BYTES; the URL stays in here."""
        found = await self.call(token, "getFile", lambda bot: bot.get_file(file_id))
        if not found.file_path or (found.file_size or 0) > FILE_MAX_BYTES:
            raise TelegramRejected("the file is too big for a bot to download (20 MB)",
                                   status=400)
        path = found.file_path
        return TelegramFile(await self.call(token, "downloadFile",
                                            lambda bot: _download(bot, path)), path)

    async def call(self, token: str, method: str, request: Callable[[Bot], Awaitable[T]], *,
                   unsure: bool = True) -> T:
        """`request` with the bot of `token`, retried as the module says; `unsure=False`: a
        request that may have been carried out (timeout, 5xx) is not repeated."""
        if not TOKEN.match(token):
            raise TelegramRejected("not a bot token", status=404)
        bot = Bot(token, session=self._session)
        attempt = 0
        while True:
            attempt += 1
            try:
                result = await request(bot)
            except TelegramRetryAfter as exc:
                failure = self._retry_after(method, exc.retry_after, attempt)
            except TelegramUnauthorizedError:
                REQUESTS.labels(method, "401").inc()
                raise TelegramTokenRefused("Telegram refused the token (401 Unauthorized)",
                                           status=401) from None
            except (TelegramServerError, TelegramNetworkError, ClientDecodeError,
                    aiohttp.ClientError) as exc:
                REQUESTS.labels(method, "unavailable").inc()
                failure = TelegramUnavailable(f"{method}: {_safe(exc, token)}")
                if not unsure:
                    raise failure from None
            except TelegramAPIError as exc:
                REQUESTS.labels(method, "rejected").inc()
                status = next((code for cls, code in _STATUS if isinstance(exc, cls)), None)
                raise TelegramRejected(f"{method}: {_safe(exc, token)}", status=status) from None
            else:
                REQUESTS.labels(method, "ok").inc()
                return result
            if attempt >= self._retry.max_attempts:
                raise failure
            wait = failure.retry_after_s if failure.retry_after_s is not None \
                else full_jitter(attempt, self._retry.backoff_base_s, self._retry.backoff_max_s)
            log.info("retrying a Telegram call", extra={"method": method, "attempt": attempt,
                                                        "wait_s": round(wait, 3),
                                                        "error": failure.message})
            await asyncio.sleep(wait)

    def _retry_after(self, method: str, retry_after: int, attempt: int) -> TelegramUnavailable:
        REQUESTS.labels(method, "429").inc()
        failure = TelegramUnavailable(f"{method}: Telegram asked to retry after {retry_after} s",
                                      status=429, retry_after_s=float(retry_after))
        if retry_after > self._retry.retry_after_max_s:
            raise failure  # longer than a caller should wait: they retry later
        return failure


async def _download(bot: Bot, path: str) -> bytes:
    """The file's bytes, refused past FILE_MAX_BYTES whatever getFile said."""
    chunks, size = [], 0
    async for chunk in bot.session.stream_content(bot.session.api.file_url(bot.token, path),
                                                  timeout=int(bot.session.timeout)):
        size += len(chunk)
        if size > FILE_MAX_BYTES:
            raise TelegramRejected("the file is too big for a bot to download (20 MB)",
                                   status=400)
        chunks.append(chunk)
    return b"".join(chunks)


def _safe(exc: Exception, token: str) -> str:
    """An aiogram error's text without the token (a transport error may quote the URL)."""
    text = getattr(exc, "message", "") or str(exc)
    return text.replace(token, "<token>")[:300]
