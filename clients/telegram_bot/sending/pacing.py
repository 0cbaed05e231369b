"""Telegram's flood limits as sliding windows: how long a send to a chat must wait now.

Pure bookkeeping over a clock the caller passes in, so the schedule it computes can be checked
without waiting. A send is recorded at the moment it goes out (`record`), never ahead of time,
and moved to the moment its answer came (`settle`): Telegram counts it on arrival, somewhere in
between, so a window counted from the sends alone frees early by the requests' varying delay
and the next window's first send can land inside Telegram's (a 429; the bench's fan-out at the
group limit measured them). The times in each window are kept in order, and a window is full
exactly when its `count`-th most recent send is younger than `period_s`.
"""

from __future__ import annotations

from collections import deque

from clients.telegram_bot.config import Pacing, Window


def is_group(chat_id: int) -> bool:
    """Groups and supergroups have negative ids; users (private chats) positive ones."""
    return chat_id < 0


class Pacer:
    def __init__(self, pacing: Pacing) -> None:
        self.pacing = pacing
        self._sent: dict[tuple[str, int], deque[float]] = {}

    def _windows(self, chat_id: int) -> list[tuple[tuple[str, int], Window]]:
        windows = [(("bot", 0), self.pacing.per_bot), (("chat", chat_id), self.pacing.per_chat)]
        if is_group(chat_id):
            windows.append((("group", chat_id), self.pacing.per_group))
        return windows

    def wait(self, chat_id: int, now: float) -> float:
        """Seconds until a send to `chat_id` fits every window (0: it may go now)."""
        if not self.pacing.enabled:
            return 0.0
        wait = 0.0
        for key, window in self._windows(chat_id):
            times = self._sent.get(key)
            if times is None:
                continue
            while times and times[0] <= now - window.period_s:
                times.popleft()
            if len(times) >= window.count:
                # Free once the count-th most recent send has left the window.
                wait = max(wait, times[-window.count] + window.period_s - now)
        return wait

    def settle(self, chat_id: int, sent_at: float, now: float) -> None:
        """The send recorded at `sent_at` was answered (or failed) at `now`: it holds its
        windows from then on."""
        if not self.pacing.enabled:
            return
        for key, _ in self._windows(chat_id):
            times = self._sent.get(key)
            if times is None or sent_at not in times:
                continue  # left the window already
            at = list(times)
            at[len(at) - 1 - at[::-1].index(sent_at)] = now  # the latest send of that moment
            self._sent[key] = deque(sorted(at))

    def record(self, chat_id: int, now: float) -> None:
        """A send to `chat_id` went out at `now` (after `wait` said 0)."""
        if not self.pacing.enabled:
            return
        for key, window in self._windows(chat_id):
            times = self._sent.setdefault(key, deque())
            times.append(now)
            while len(times) > window.count:  # older ones can never fill the window again
                times.popleft()
