"""Each bot's queue of updates, as Telegram keeps it: made in order with increasing ids,
kept until confirmed (getUpdates with a higher offset) or delivered to the webhook, dropped
after the retention (24 h). getUpdates long-polls it; webhook.py drains it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from switchboard.emulators.telegram.model import Bot, Clock, TelegramError, Update

# What a bot gets when it never said: every kind but these three (Bot API, getUpdates).
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
WEBHOOK_CONFLICT = ("Conflict: can't use getUpdates method while webhook is active; use "
                    "deleteWebhook to delete the webhook first")
POLL_CONFLICT = ("Conflict: terminated by other getUpdates request; make sure that only one "
                 "bot instance is running")
MAX_LIMIT = 100


def wanted(bot: Bot, kind: str) -> bool:
    if bot.allowed_updates:
        return kind in bot.allowed_updates
    return kind not in NOT_BY_DEFAULT


class Updates:
    def __init__(self, clock: Clock, retention_s: float) -> None:
        self._clock = clock
        self._retention_s = retention_s
        # Woken (set, then replaced) whenever a bot's queue or webhook changes.
        self._signals: dict[int, asyncio.Event] = {}
        self._polls: dict[int, int] = {}  # the latest getUpdates of each bot
        self.dirty = False  # a queue changed since the state file's last save
        self.closing = False  # the server is stopping: polls answer now rather than hold it

    def publish(self, bot: Bot, kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """Queue an update for the bot; None when the bot does not take this kind."""
        if not wanted(bot, kind):
            return None
        update = Update(bot.next_update_id, self._clock.now(), kind,
                        {"update_id": bot.next_update_id, kind: payload})
        bot.next_update_id += 1
        bot.pending.append(update)
        self.dirty = True
        self.wake(bot.id)
        return update.body

    def wake(self, bot_id: int) -> None:
        event = self._signals.pop(bot_id, None)
        if event is not None:
            event.set()

    def close(self) -> None:
        """Waiting polls answer with what they have; the server need not wait for them."""
        self.closing = True
        for bot_id in list(self._signals):
            self.wake(bot_id)

    def changed(self, bot_id: int) -> asyncio.Event:
        """An event set at the bot's next change."""
        return self._signals.setdefault(bot_id, asyncio.Event())

    def purge(self, bot: Bot) -> None:
        oldest = self._clock.now() - self._retention_s
        if bot.pending and bot.pending[0].date < oldest:
            bot.pending[:] = [u for u in bot.pending if u.date >= oldest]

    def drop(self, bot: Bot) -> None:
        bot.pending.clear()
        self.dirty = True
        self.wake(bot.id)

    def delivered(self, bot: Bot, update: Update) -> None:
        """The webhook took the update: it leaves the queue (unless dropped meanwhile)."""
        if bot.pending and bot.pending[0] is update:
            bot.pending.pop(0)
            self.dirty = True

    def confirm(self, bot: Bot, offset: int) -> None:
        """offset > 0: updates below it are confirmed; offset < 0: only the last -offset stay."""
        before = len(bot.pending)
        if offset > 0:
            bot.pending[:] = [u for u in bot.pending if u.update_id >= offset]
        elif offset < 0:
            del bot.pending[:offset]
        self.dirty = self.dirty or len(bot.pending) != before

    async def poll(self, bot: Bot, offset: int, limit: int, timeout_s: float,
                   disconnected: Callable[[], Awaitable[Any]] | None) -> list[dict[str, Any]]:
        """getUpdates: what is queued, else what comes within `timeout_s`. A newer getUpdates
        of the same bot ends this one with 409; a client gone ends it quietly."""
        generation = self._polls[bot.id] = self._polls.get(bot.id, 0) + 1
        self.wake(bot.id)  # an earlier poll still waiting learns it was superseded
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        if bot.webhook is None:
            self.confirm(bot, offset)
        gone = asyncio.ensure_future(disconnected()) if disconnected else None
        try:
            while True:
                if self._polls.get(bot.id) != generation:
                    raise TelegramError(409, POLL_CONFLICT)
                if bot.webhook is not None:
                    raise TelegramError(409, WEBHOOK_CONFLICT)
                self.purge(bot)
                left = deadline - loop.time()
                if bot.pending or left <= 0 or self.closing:
                    return [u.body for u in bot.pending[:max(1, min(limit, MAX_LIMIT))]]
                if await self._wait(bot.id, left, gone):
                    return []
        finally:
            if gone is not None:
                gone.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await gone

    async def _wait(self, bot_id: int, timeout_s: float, gone: asyncio.Future[Any] | None) -> bool:
        """Until the bot changes or the time is up; True when the client went away."""
        change = asyncio.ensure_future(self.changed(bot_id).wait())
        waiting: set[asyncio.Future[Any]] = {change, gone} if gone else {change}
        try:
            await asyncio.wait(waiting, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED)
        finally:
            change.cancel()
        return gone is not None and gone.done()
