"""Everything one emulator instance holds, and who sees what happens in a chat: a message
becomes an update for each bot that would get it from Telegram."""

from __future__ import annotations

import random
from typing import Annotated, Any

from fastapi import Depends, Request

from switchboard.emulators.telegram import render
from switchboard.emulators.telegram.faults import Faults
from switchboard.emulators.telegram.files import Files
from switchboard.emulators.telegram.ids import IdFactory
from switchboard.emulators.telegram.model import (
    ADMINISTRATOR,
    CREATOR,
    PRIVATE,
    Bot,
    Chat,
    Clock,
    Member,
    Message,
)
from switchboard.emulators.telegram.ratelimit import RateLimiter
from switchboard.emulators.telegram.settings import TelegramEmulatorSettings
from switchboard.emulators.telegram.updates import Updates
from switchboard.emulators.telegram.webhook import WebhookSender
from switchboard.emulators.telegram.world import World

_MEDIA = ("voice", "document")


class Emulator:
    def __init__(self, settings: TelegramEmulatorSettings) -> None:
        self.settings = settings
        self.rng = random.Random(settings.seed)
        self.clock = Clock(settings.time_source)
        self.ids = IdFactory(self.rng)
        self.world = World(self.ids, self.clock)
        self.files = Files(self.world, self.ids, settings)
        self.limiter = RateLimiter(self.clock, settings.limits.model_copy(deep=True))
        self.faults = Faults(self.clock)
        self.updates = Updates(self.clock, settings.update_retention_s)
        self.webhooks = WebhookSender(settings, self.clock, self.updates, self.faults)

    def render(self, chat: Chat, message: Message) -> dict[str, Any]:
        return render.message(message, chat, self.world.users)

    def publish(self, bot: Bot, kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        return self.updates.publish(bot, kind, payload)

    def deliver(self, chat: Chat, message: Message) -> list[dict[str, Any]]:
        """A message appeared in the chat: an update for every bot that sees it."""
        made = []
        body = self.render(chat, message)
        for bot in self.audience(chat, message):
            self._share_files(bot, message)
            update = self.publish(bot, "message", body)
            if update is not None:
                made.append({"bot_id": bot.id, "update": update})
        return made

    def audience(self, chat: Chat, message: Message) -> list[Bot]:
        if message.from_id in self.world.bots:
            return []  # bots never get other bots' messages, nor their own
        if chat.type == PRIVATE:
            assert chat.bot_id is not None
            return [self.world.bots[chat.bot_id]]
        return [bot for bot_id, member in chat.members.items()
                if (bot := self.world.bots.get(bot_id)) is not None and chat.has(bot_id)
                and self._sees(bot, member, chat, message)]

    def _sees(self, bot: Bot, member: Member, chat: Chat, message: Message) -> bool:
        """Privacy mode: a bot that is not an administrator and did not turn it off gets
        commands (its own or to no one in particular), replies to its messages, mentions of
        it, and service messages."""
        if bot.can_read_all_group_messages or member.status in (ADMINISTRATOR, CREATOR):
            return True
        content = message.content
        text = content.get("text") or content.get("caption")
        if text is None:
            return not any(kind in content for kind in ("photo", *_MEDIA))
        username = (self.world.users[bot.id].username or "").lower()
        first = text.split(maxsplit=1)[0] if text.strip() else ""
        if first.startswith("/"):
            _, at, target = first.partition("@")
            return not at or target.lower() == username
        replied = chat.messages.get(message.reply_to_id) if message.reply_to_id else None
        if replied is not None and replied.from_id == bot.id:
            return True
        return f"@{username}" in text.lower()

    def _share_files(self, bot: Bot, message: Message) -> None:
        content = message.content
        ids = [size["file_id"] for size in content.get("photo", [])]
        ids += [content[kind]["file_id"] for kind in _MEDIA if kind in content]
        for file_id in ids:
            if (file := self.world.files.get(file_id)) is not None:
                self.files.share(file, bot)


def emulator_of(request: Request) -> Emulator:
    emulator: Emulator = request.app.state.emulator
    return emulator


EmulatorDep = Annotated[Emulator, Depends(emulator_of)]
