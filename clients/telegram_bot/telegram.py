"""The bot's forum supergroup as the window uses it: topics, posts and edits, each one Bot API
call through the bot's send queue (paced, retried, in order)."""

from __future__ import annotations

from collections.abc import Awaitable

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReactionTypeEmoji,
    ReplyParameters,
)

from clients.telegram_bot.render import Keyboard, Media, Part, Text
from clients.telegram_bot.sending.queue import Reason, Rejected, SendQueue


def make_bot(token: str, api_base_url: str, timeout_s: float) -> Bot:
    """An aiogram Bot on `api_base_url` (Telegram's, or the emulator's), HTML by default."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_base_url.rstrip("/")),
                             timeout=timeout_s)
    return Bot(token, session=session, default=DefaultBotProperties(
        parse_mode=ParseMode.HTML, link_preview=LinkPreviewOptions(is_disabled=True)))


class Group:
    def __init__(self, bot: Bot, queue: SendQueue, chat_id: int) -> None:
        self.bot, self.queue, self.chat_id = bot, queue, chat_id

    async def create_topic(self, name: str) -> int:
        """A new forum topic; its message_thread_id."""
        topic = await self.queue.call(
            self.chat_id, lambda: self.bot.create_forum_topic(self.chat_id, name), paced=False)
        return topic.message_thread_id

    async def rename_topic(self, thread_id: int, name: str) -> None:
        await _unless_unchanged(self.queue.call(self.chat_id, lambda: self.bot.edit_forum_topic(
            self.chat_id, thread_id, name=name), paced=False))

    async def edit(self, message_id: int, html: str, keyboard: Keyboard = ()) -> None:
        """Edit a post's text; its keyboard is given again (an edit without one drops it)."""
        await _unless_unchanged(self.queue.call(self.chat_id, lambda: self.bot.edit_message_text(
            text=html, chat_id=self.chat_id, message_id=message_id,
            reply_markup=markup(keyboard)), paced=False))

    async def post(self, thread_id: int | None, part: Part) -> int:
        """Post one part in the topic (None: the General topic); the Telegram message id."""
        sent: Message = await self.queue.call(self.chat_id, lambda: self._send(thread_id, part))
        return sent.message_id

    async def reply(self, thread_id: int, message_id: int, html: str) -> int:
        """A post in the topic answering one of its messages (posted anyway if that is gone)."""
        sent: Message = await self.queue.call(self.chat_id, lambda: self.bot.send_message(
            self.chat_id, html, message_thread_id=thread_id, reply_parameters=ReplyParameters(
                message_id=message_id, allow_sending_without_reply=True)))
        return sent.message_id

    async def react(self, message_id: int, emoji: str) -> None:
        """Set the bot's reaction on a message (not paced: Telegram counts sends)."""
        await self.queue.call(self.chat_id, lambda: self.bot.set_message_reaction(
            self.chat_id, message_id, [ReactionTypeEmoji(emoji=emoji)]), paced=False)

    async def _send(self, thread_id: int | None, part: Part) -> Message:
        chat, caption = self.chat_id, None
        if isinstance(part, Text):
            return await self.bot.send_message(chat, part.html, message_thread_id=thread_id,
                                               reply_markup=markup(part.keyboard))
        assert isinstance(part, Media)
        caption = part.caption or None
        if part.kind == "photo":
            return await self.bot.send_photo(chat, part.url, caption=caption,
                                             message_thread_id=thread_id)
        if part.kind == "voice":
            return await self.bot.send_voice(chat, part.url, caption=caption,
                                             message_thread_id=thread_id)
        return await self.bot.send_document(chat, part.url, caption=caption,
                                            message_thread_id=thread_id)


def markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=label, callback_data=data) for label, data in row]
        for row in keyboard])


async def _unless_unchanged(call: Awaitable[object]) -> None:
    """An edit that changes nothing is no failure."""
    try:
        await call
    except Rejected as rejected:
        if rejected.reason is not Reason.NOT_MODIFIED:
            raise
