"""An async token bucket: each channel account's requests are paced before they reach Avito."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

_EPSILON = 1e-9


class TokenBucket:
    """`rate` requests per second on average, bursts of up to `burst`.

    Waiters queue on a lock, so they are served in arrival order and none starves.
    `clock` and `sleep` are injectable so the pacing can be tested without waiting.
    """

    def __init__(self, rate: float, burst: int, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate, self.burst = rate, burst
        self._clock, self._sleep = clock, sleep
        self._tokens = float(burst)
        self._updated = clock()
        self._lock = asyncio.Lock()

    async def acquire(self) -> float:
        """Take one token, waiting for it if needed; returns the seconds waited."""
        waited = 0.0
        async with self._lock:
            while True:
                self._refill()
                if self._tokens >= 1 - _EPSILON:  # float refills land a hair short of 1
                    self._tokens = max(0.0, self._tokens - 1)
                    return waited
                delay = (1 - self._tokens) / self.rate
                await self._sleep(delay)
                waited += delay

    def reserve(self, max_wait_s: float) -> float | None:
        """Take a token now, possibly one not refilled yet: the seconds to wait before using
        it, or None (nothing taken) when that is longer than `max_wait_s`. Synchronous, so
        concurrent callers queue one behind the other without a lock."""
        self._refill()
        wait = max(0.0, (1 - _EPSILON - self._tokens) / self.rate)
        if wait > max_wait_s:
            return None
        self._tokens -= 1
        return wait

    @property
    def tokens(self) -> float:
        self._refill()
        return self._tokens

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now


# Avito counts per endpoint per minute (X-RateLimit-Limit is "requests per minute").
RATE_WINDOW_S = 60.0


class RateLimitPaused(Exception):
    """The endpoint's window is used up for longer than the caller is willing to wait."""

    def __init__(self, endpoint: str, wait_s: float) -> None:
        super().__init__(f"Avito's rate limit for {endpoint} is used up for {wait_s:.0f} s")
        self.endpoint, self.wait_s = endpoint, wait_s


class EndpointLimits:
    """What Avito's X-RateLimit-* headers teach about each endpoint, on top of the account's
    configured bucket.

    - `X-RateLimit-Limit: n` below the configured rate gives the endpoint its own bucket of
      n per minute (burst 1: Avito's window is sliding, so bursts would run into it); a limit
      at or above the configured rate removes it again — never faster than configured.
    - `X-RateLimit-Remaining: 0` pauses the endpoint until its window resets: `Retry-After`
      when Avito sent one, else a whole window.
    """

    def __init__(self, ceiling_per_s: float, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.ceiling_per_s = ceiling_per_s
        self._clock, self._sleep = clock, sleep
        self._buckets: dict[str, TokenBucket] = {}
        self._paused_until: dict[str, float] = {}
        self._documented: set[str] = set()

    def rate(self, endpoint: str) -> float:
        """The rate the endpoint is paced at now (requests per second)."""
        bucket = self._buckets.get(endpoint)
        return bucket.rate if bucket is not None else self.ceiling_per_s

    async def acquire(self, endpoint: str, max_wait_s: float) -> None:
        """Wait out a pause (or raise RateLimitPaused when it is longer than `max_wait_s`),
        then take the endpoint's token if it has a bucket."""
        pause = self._paused_until.get(endpoint, 0.0) - self._clock()
        if pause > max_wait_s:
            raise RateLimitPaused(endpoint, pause)
        if pause > 0:
            await self._sleep(pause)
        bucket = self._buckets.get(endpoint)
        if bucket is None:
            return
        if endpoint not in self._documented:
            await bucket.acquire()
            return
        # A documented limit (1/min for some): its wait is bounded like a pause.
        wait = bucket.reserve(max_wait_s)
        if wait is None:
            raise RateLimitPaused(endpoint, (1 - bucket.tokens) / bucket.rate)
        if wait > 0:
            await self._sleep(wait)

    def preset(self, per_minute: dict[str, int]) -> None:
        """Limits Avito documents, kept from the first call on (headers may still adapt them)."""
        for endpoint, limit in per_minute.items():
            self._documented.add(endpoint)
            self._adapt(endpoint, limit / RATE_WINDOW_S)

    def observe(self, endpoint: str, limit: str | None, remaining: str | None,
                retry_after_s: float | None) -> None:
        per_minute = _count(limit)
        if per_minute is not None and per_minute > 0:
            self._adapt(endpoint, per_minute / RATE_WINDOW_S)
        if _count(remaining) == 0:
            wait = retry_after_s if retry_after_s is not None else RATE_WINDOW_S
            self._paused_until[endpoint] = self._clock() + wait
        elif remaining is not None:
            self._paused_until.pop(endpoint, None)

    def _adapt(self, endpoint: str, rate: float) -> None:
        if rate >= self.ceiling_per_s:
            self._buckets.pop(endpoint, None)
            return
        bucket = self._buckets.get(endpoint)
        if bucket is None or abs(bucket.rate - rate) > _EPSILON:
            self._buckets[endpoint] = TokenBucket(rate, 1, clock=self._clock, sleep=self._sleep)


def _count(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
