"""Telegram's flood limits on sending: sliding windows per private chat, per group and per
bot. A refused send is not counted, and its retry_after is honest: waiting that long frees a
slot in every window that refused it."""

from __future__ import annotations

import math
from collections import deque

from switchboard.emulators.telegram.model import GROUP, PRIVATE, SUPERGROUP, Chat, Clock
from switchboard.emulators.telegram.settings import Limit, Limits


class RateLimiter:
    def __init__(self, clock: Clock, limits: Limits) -> None:
        self._clock = clock
        self.limits = limits
        self._hits: dict[tuple[int, int], deque[float]] = {}  # (bot id, chat id or 0)
        # 429s answered per bot since the emulator started (the bench counts a storm by it).
        self.refused: dict[int, int] = {}

    def _scopes(self, bot_id: int, chat: Chat) -> list[tuple[tuple[int, int], Limit]]:
        scopes = [((bot_id, 0), self.limits.bot)]
        if chat.type == PRIVATE:
            scopes.append(((bot_id, chat.id), self.limits.private_chat))
        elif chat.type in (GROUP, SUPERGROUP):
            scopes.append(((bot_id, chat.id), self.limits.group))
        return scopes

    def take(self, bot_id: int, chat: Chat) -> int | None:
        """Count one send; the seconds to wait instead when a window is full."""
        if not self.limits.enabled:
            return None
        now = self._clock.now()
        scopes = self._scopes(bot_id, chat)
        waits = []
        for key, limit in scopes:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - limit.period_s:
                hits.popleft()
            if len(hits) >= limit.count:
                # The slot frees when the oldest of the last `count` sends leaves the window.
                waits.append(hits[-limit.count] + limit.period_s - now)
        if waits:
            self.refused[bot_id] = self.refused.get(bot_id, 0) + 1
            return max(1, math.ceil(max(waits)))
        for key, _ in scopes:
            self._hits[key].append(now)
        return None
