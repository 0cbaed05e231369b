"""A reply to a buyer on a Telegram customer channel: its text in parts of at most 4096
characters (Telegram counts UTF-16 code units), sent as plain text (no parse mode, so nothing
in it is taken for markup), then each image with sendPhoto.

The Bot API cannot list a chat's messages, so an interrupted send cannot be reconciled against
the chat the way Avito's is: each part's success is recorded (`outbound_sends.parts_sent`) as
soon as Telegram answers, and a later attempt resumes after the last recorded part. A send is
never repeated within one attempt when it may have arrived (a timeout or 5xx: the client's
`unsure=False`); only the part whose answer was lost can go out twice, on the next attempt.

Sends are paced per process within Telegram's limits (`Pacing`: about 30 a second per bot, one
a second per private chat with bursts of 3); a 429 beyond that (other replicas, Telegram's own
judgement) is waited out or deferred by the client.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from services.channels.avito.ratelimit import TokenBucket
from services.channels.avito.text import split_text
from services.channels.messaging.media import MediaFetcher
from services.channels.messaging.parts import Part
from services.channels.telegram.client import TelegramApi
from services.channels.telegram.errors import (
    TelegramError,
    TelegramRejected,
    TelegramTokenRefused,
)

MAX_TEXT_UTF16 = 4096
K = TypeVar("K")

# (parts sent so far, the last one's Telegram message id) -> recorded.
Progress = Callable[[int, str], Awaitable[None]]
# Waits until one more message may go to this chat.
Pace = Callable[[int], Awaitable[None]]


class Pacing:
    """Per process: `per_bot` messages a second per bot, `per_chat` a second per chat in
    bursts of `chat_burst` (Telegram's published limits, a little under). The buckets of
    chats not written to lately are dropped past `max_chats`."""

    def __init__(self, per_bot: float = 25.0, per_chat: float = 1.0, chat_burst: int = 3,
                 max_chats: int = 10_000, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self._per_bot, self._per_chat, self._chat_burst = per_bot, per_chat, chat_burst
        self._max, self._clock, self._sleep = max_chats, clock, sleep
        self._bots: dict[str, TokenBucket] = {}
        self._chats: dict[tuple[str, int], TokenBucket] = {}

    async def wait(self, bot: str, chat_id: int) -> float:
        """The seconds waited before one more message of `bot` to `chat_id` may go."""
        if len(self._chats) >= self._max:
            self._chats.clear()
        waited = await self._bucket(self._bots, bot, self._per_bot, int(self._per_bot)).acquire()
        return waited + await self._bucket(self._chats, (bot, chat_id), self._per_chat,
                                           self._chat_burst).acquire()

    def _bucket(self, buckets: dict[K, TokenBucket], key: K, rate: float,
                   burst: int) -> TokenBucket:
        found = buckets.get(key)
        if found is None:
            found = buckets[key] = TokenBucket(rate, burst, clock=self._clock, sleep=self._sleep)
        return found


def split_message(text: str) -> list[str]:
    """Parts within Telegram's limit, cut at paragraph, sentence or word ends where it can."""
    limit = MAX_TEXT_UTF16
    while True:
        parts = split_text(text, limit)
        if all(_utf16(p) <= MAX_TEXT_UTF16 for p in parts):
            return parts
        limit -= 256  # characters outside the BMP count twice


def build_parts(text: str, media_ids: Sequence[str]) -> list[Part]:
    return [*(Part("text", text=t) for t in split_message(text)),
            *(Part("image", media_id=m) for m in media_ids)]


async def send_parts(api: TelegramApi, token: str, chat_id: str, parts: Sequence[Part],
                     done: int, fetch: MediaFetcher, progress: Progress, pace: Pace) -> str:
    """Send `parts[done:]`, each paced and recorded; the last part's Telegram message id."""
    chat = int(chat_id)
    last = ""
    for index in range(done, len(parts)):
        part = parts[index]
        await pace(chat)
        if part.kind == "text":
            sent = await api.send_text(token, chat, part.text)
        else:
            media = await fetch(part.media_id)
            sent = await api.send_photo(token, chat, media.content, media.filename)
        last = str(sent)
        await progress(index + 1, last)
    return last


def failure_reason(exc: TelegramError) -> str:
    """A reason the inbox shows next to the failed message, saying what to do."""
    if isinstance(exc, TelegramTokenRefused):
        return ("Telegram refuses the channel's bot token (revoked at @BotFather?): connect the "
                "bot again with its current token")
    if isinstance(exc, TelegramRejected) and exc.status == 403:
        return ("the buyer blocked the bot (or never started it): Telegram does not deliver "
                "to them until they start the bot again")
    return f"Telegram rejected the message ({exc.status or 'error'}): {exc.message}"


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
