"""Per-token, per-endpoint sliding one-minute windows, as Avito's X-RateLimit-* headers imply."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from switchboard.emulators.avito.model import Clock

WINDOW_S = 60.0


@dataclass(frozen=True)
class Verdict:
    limit: int
    remaining: int
    retry_after: int | None  # seconds until a slot frees; None when the call is allowed

    def headers(self) -> dict[str, str]:
        return {"X-RateLimit-Limit": str(self.limit), "X-RateLimit-Remaining": str(self.remaining)}


class RateLimiter:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._windows: dict[tuple[str, str], deque[float]] = {}

    def hit(self, key: str, endpoint: str, limit: int) -> Verdict:
        """Count one call; a refused call is not counted."""
        now = self._clock.now()
        window = self._windows.setdefault((key, endpoint), deque())
        while window and window[0] <= now - WINDOW_S:
            window.popleft()
        if len(window) >= limit:
            return Verdict(limit, 0, max(1, math.ceil(window[0] + WINDOW_S - now)))
        window.append(now)
        return Verdict(limit, limit - len(window), None)
