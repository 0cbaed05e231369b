"""Messages the platform sends to a tenant's chats through the tenant's registered bot
(TelegramDeliveryService: the scheduling service's reports).

The bot is the tenant's active bot whose linked group is the chat, else its oldest active bot.
HTML goes with parse_mode HTML; a photo takes the HTML as its caption when it fits Telegram's
caption limit, else goes alone before the text. A text past the message limit is split at
line ends (report lines keep their tags within a line). Telegram's 429 is waited out and
retried by the client (bounded, honouring retry_after); a send that may have gone through
(5xx, timeout) is not repeated here (`unsure=False`): it is UNAVAILABLE, and the caller's own
bounded retry decides. A chat the bot is not in is FAILED_PRECONDITION with what to do.
"""

from __future__ import annotations

from aiogram.types import BufferedInputFile

from services.channels.models import TelegramBot, TelegramBotStatus
from services.channels.repository import ChannelsUnit
from services.channels.telegram.client import TelegramApi
from services.channels.telegram.errors import (
    TelegramError,
    TelegramTokenRefused,
    TelegramUnavailable,
)
from services.kernel.crypto import SecretBox
from services.kernel.errors import DomainError, FailedPrecondition, InvalidArgument, Unavailable
from services.kernel.unit import Units

CAPTION_MAX = 1024
MESSAGE_MAX = 4096
_BOTS_PAGE = 100


class BotMessages:
    def __init__(self, box: SecretBox, api: TelegramApi) -> None:
        self._box, self._api = box, api

    async def send(self, units: Units[ChannelsUnit], chat_id: int, thread_id: int | None,
                   html: str, photo: bytes) -> list[int]:
        if not html.strip() and not photo:
            raise InvalidArgument("nothing to send: html and photo are both empty")
        async with units() as unit:
            bot = await _bot_for(unit, chat_id)
            token = self._box.decrypt(bot.token_enc)
        try:
            return await self._send(token, chat_id, thread_id, html, photo)
        except TelegramError as exc:
            raise _domain_error(exc, bot, chat_id) from None

    async def _send(self, token: str, chat_id: int, thread_id: int | None, html: str,
                    photo: bytes) -> list[int]:
        sent: list[int] = []
        texts = split_html(html) if html.strip() else []
        if photo:
            caption = texts.pop(0) if texts and len(texts[0]) <= CAPTION_MAX else None
            message = await self._api.call(token, "sendPhoto", lambda bot: bot.send_photo(
                chat_id=chat_id, photo=BufferedInputFile(photo, "report.png"), caption=caption,
                parse_mode="HTML" if caption else None, message_thread_id=thread_id),
                unsure=False)
            sent.append(message.message_id)
        for text in texts:
            message = await self._api.call(token, "sendMessage", lambda bot, t=text: bot.send_message(
                chat_id=chat_id, text=t, parse_mode="HTML", message_thread_id=thread_id),
                unsure=False)
            sent.append(message.message_id)
        return sent


def split_html(html: str, limit: int = MESSAGE_MAX) -> list[str]:
    """`html` in parts of at most `limit` characters, cut at line ends (a longer line alone)."""
    parts: list[str] = []
    current = ""
    for line in html.splitlines(keepends=True):
        if current and len(current) + len(line) > limit:
            parts.append(current)
            current = ""
        current += line
    if current:
        parts.append(current)
    return [p.rstrip("\n") for p in parts if p.strip()]


async def _bot_for(unit: ChannelsUnit, chat_id: int) -> TelegramBot:
    bots, _ = await unit.telegram_bots.page(_BOTS_PAGE, "")
    active = [b for b in bots if b.status == TelegramBotStatus.ACTIVE]
    if not active:
        raise FailedPrecondition("no Telegram bot is registered: register the tenant's bot "
                                 "(POST /v1/telegram/bots) and add it to the chat")
    return next((b for b in active if b.group_chat_id == chat_id), active[0])


def _domain_error(exc: TelegramError, bot: TelegramBot, chat_id: int) -> DomainError:
    if isinstance(exc, TelegramUnavailable):
        return Unavailable(f"Telegram is not answering: {exc.message}")
    if isinstance(exc, TelegramTokenRefused):
        return FailedPrecondition(f"Telegram refused the token of @{bot.username}: register "
                                  "the bot again with its current token")
    # 400 chat not found, 403 not a member / kicked, a thread that does not exist...
    return FailedPrecondition(
        f"@{bot.username} cannot post in chat {chat_id} ({exc.message}): add the bot to that "
        "chat (or check the chat and topic ids), then run the schedule again")
