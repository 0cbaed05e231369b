"""Waits between retries: a capped exponential step with jitter, so that callers which failed
together (replicas, clients after an outage) do not retry together; and the wait another side
asked for (`parse_retry_after`).

`random` is right here: a wait is not a secret (hence the one `noqa: S311` of the package).
"""

from __future__ import annotations

import math
import random
import time
from email.utils import parsedate_to_datetime

_RNG = random.Random()  # noqa: S311 - jitter, not a secret


def step(attempt: int, base_s: float, cap_s: float = math.inf) -> float:
    """The exponential step of retry `attempt` (1, 2, ...): base, 2 x base, ... up to the cap."""
    return min(cap_s, base_s * 2.0 ** (attempt - 1))


def full_jitter(attempt: int, base_s: float, cap_s: float = math.inf,
                rng: random.Random = _RNG) -> float:
    """Anywhere from 0 to the step: spreads a crowd best (a first retry may come at once)."""
    return rng.uniform(0, step(attempt, base_s, cap_s))


def equal_jitter(attempt: int, base_s: float, cap_s: float = math.inf,
                 rng: random.Random = _RNG) -> float:
    """Half the step for sure, the other half at random: never retries at once."""
    wait = step(attempt, base_s, cap_s)
    return wait / 2 + rng.uniform(0, wait / 2)


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date); None when absent or garbled."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
