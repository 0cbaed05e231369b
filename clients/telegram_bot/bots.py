"""One bot as the runner holds it while it runs: its aiogram Bot, its send queue (shared by the
window and the update handlers, so the flood limits are kept for both), its SDK client with
the tenant's key, who its people are, and the way to tell the runner its group changed.
Handlers get it as the `rt` keyword (aiogram's dispatcher injects it)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TypeVar

from aiogram import Bot
from aiogram.types import BufferedInputFile, ReplyParameters
from switchboard_sdk import Switchboard

from clients.telegram_bot.config import BotConfig, RunnerSettings
from clients.telegram_bot.ledger import Ledger
from clients.telegram_bot.people import People
from clients.telegram_bot.render import Keyboard
from clients.telegram_bot.sending.queue import Reason, Rejected, SendQueue
from clients.telegram_bot.store import Scope, Store
from clients.telegram_bot.telegram import markup

# The queue's lane for calls that are no message in a chat (answering a button, reading a
# chat, downloading a file): unpaced, retried, and never stuck behind a group's paced posts.
CONTROL_LANE = 0
T = TypeVar("T")
GroupChanged = Callable[[str, int | None], Awaitable[None]]


class BotRuntime:
    def __init__(self, config: BotConfig, store: Store, settings: RunnerSettings, *,
                 bot: Bot, queue: SendQueue, sb: Switchboard, on_group: GroupChanged) -> None:
        self.config, self.store, self.settings = config, store, settings
        self.bot, self.queue, self.sb = bot, queue, sb
        self.ledger = Ledger(store)
        self.people = People(sb, settings.link_cache_s)
        self.tenant_id = uuid.UUID(config.tenant_id)
        self._on_group = on_group

    @property
    def scope(self) -> Scope | None:
        """The linked group's scope (None while no group is linked)."""
        chat_id = self.config.group_chat_id
        return Scope(self.tenant_id, self.config.bot_id, chat_id) if chat_id is not None else None

    async def group_changed(self, chat_id: int | None) -> None:
        """The group was linked (or unlinked) through the platform: run the window there."""
        self.config = replace(self.config, group_chat_id=chat_id)
        await self._on_group(self.config.bot_id, chat_id)

    async def username(self) -> str | None:
        return (await self.bot.me()).username

    # Talking, through the queue (paced where Telegram counts it, retried, in order per chat).

    async def say(self, chat_id: int, html: str, *, reply_to: int | None = None,
                  thread_id: int | None = None, keyboard: Keyboard = ()) -> int:
        """Post `html` in the chat (replying to a message when given); its message id."""
        reply = (ReplyParameters(message_id=reply_to, allow_sending_without_reply=True)
                 if reply_to is not None else None)
        sent = await self.queue.call(chat_id, lambda: self.bot.send_message(
            chat_id, html, message_thread_id=thread_id, reply_parameters=reply,
            reply_markup=markup(keyboard)))
        return int(sent.message_id)

    async def photo(self, chat_id: int, png: bytes, caption_html: str = "", *,
                    thread_id: int | None = None) -> int:
        """Post a picture (a report's chart) with an HTML caption; its message id."""
        sent = await self.queue.call(chat_id, lambda: self.bot.send_photo(
            chat_id, BufferedInputFile(png, "chart.png"), caption=caption_html or None,
            message_thread_id=thread_id))
        return int(sent.message_id)

    async def edit(self, chat_id: int, message_id: int, html: str, *,
                   keyboard: Keyboard = ()) -> None:
        """Replace a message's text (its keyboard: `keyboard`, none by default); unchanged is
        no failure."""
        try:
            await self.queue.call(chat_id, lambda: self.bot.edit_message_text(
                text=html, chat_id=chat_id, message_id=message_id,
                reply_markup=markup(keyboard)), paced=False)
        except Rejected as rejected:
            if rejected.reason is not Reason.NOT_MODIFIED:
                raise

    async def answer(self, query_id: str, text: str, *, alert: bool = False) -> None:
        """Answer a button press (a toast, or an alert the person dismisses). A query too old
        to answer (a redelivered update) is no failure: what it asked for was done."""
        with contextlib.suppress(Rejected):
            await self.queue.call(CONTROL_LANE, lambda: self.bot.answer_callback_query(
                query_id, text=text, show_alert=alert), paced=False)

    async def control(self, operation: Callable[[], Awaitable[T]]) -> T:
        """Any other Bot API call (getChat, getChatMember, getFile, a download)."""
        return await self.queue.call(CONTROL_LANE, operation, paced=False)

    async def close(self) -> None:
        await self.queue.close(grace_s=1.0)
        await self.sb.aclose()
        await self.bot.session.close()
