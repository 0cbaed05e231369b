"""One Bot API call as the methods see it: the bot, its parameters, the emulator."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from switchboard.emulators.telegram.emulator import Emulator
from switchboard.emulators.telegram.model import Bot, Chat, Message, SentRecord, too_many_requests
from switchboard.emulators.telegram.params import Params
from switchboard.emulators.telegram.world import World


@dataclass(frozen=True)
class Described:
    """A result with the `description` Telegram adds to some answers ("Webhook was set")."""

    result: Any
    description: str


@dataclass
class Call:
    emulator: Emulator
    bot: Bot
    params: Params
    # Resolves when the client that made the call went away (long polling stops waiting).
    disconnected: Callable[[], Awaitable[Any]] | None = None

    @property
    def world(self) -> World:
        return self.emulator.world

    def take_send(self, chat: Chat) -> None:
        """Count a send against the flood limits, or refuse it with 429."""
        retry_after = self.emulator.limiter.take(self.bot.id, chat)
        if retry_after is not None:
            raise too_many_requests(retry_after)

    def record(self, method: str, chat: Chat, message: Message) -> dict[str, Any]:
        """Keep the bot's new message in its sent log; the message as the answer shows it."""
        self.bot.sent.append(SentRecord(self.world.next_sent_seq(), method, chat.id,
                                        message.message_id, self.emulator.clock.now()))
        return self.emulator.render(chat, message)


Handler = Callable[[Call], Awaitable[Any]]
