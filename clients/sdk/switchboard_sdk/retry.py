"""How long to wait before trying again: a capped exponential step with full jitter, so that
clients which failed together (after an outage, a deploy) do not come back together."""

from __future__ import annotations

import random
from dataclasses import dataclass

_RNG = random.Random()  # noqa: S311 - jitter, not a secret


@dataclass(frozen=True)
class Backoff:
    """Waits of retry 1, 2, ...: anywhere from 0 to base x 2^(n-1), at most `cap_s`; a server's
    Retry-After, when it gave one, is waited at least (also capped)."""

    base_s: float = 0.25
    cap_s: float = 10.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        step = min(self.cap_s, self.base_s * 2.0 ** (max(attempt, 1) - 1))
        wait = _RNG.uniform(0, step)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.cap_s))
        return wait


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (the HTTP-date form is not used by Switchboard)."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None
