"""A reply to a buyer on a Telegram customer channel: its text in parts of at most 4096
characters (Telegram counts UTF-16 code units), sent as plain text (no parse mode, so nothing
in it is taken for markup), then each image with sendPhoto.

The Bot API cannot list a chat's messages, so an interrupted send cannot be reconciled against
the chat the way Avito's is: each part's success is recorded (`outbound_sends.parts_sent`) as
soon as Telegram answers, and a later attempt resumes after the last recorded part. A send is
never repeated within one attempt when it may have arrived (a timeout or 5xx: the client's
`unsure=False`); only the part whose answer was lost can go out twice, on the next attempt.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

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

# (parts sent so far, the last one's Telegram message id) -> recorded.
Progress = Callable[[int, str], Awaitable[None]]


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
                     done: int, fetch: MediaFetcher, progress: Progress) -> str:
    """Send `parts[done:]`, recording each; the last part's Telegram message id."""
    chat = int(chat_id)
    last = ""
    for index in range(done, len(parts)):
        part = parts[index]
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
