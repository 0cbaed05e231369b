"""One replica's share of a shared token bucket: tokens leased from PostgreSQL and spent here.

A request spends local tokens; when they run short, one lease takes a small batch (a fraction of
a second of the bucket's rate) from the shared row, so the database sees one statement per
batch, not per request. Leased tokens are kept briefly (`LEASE_TTL_S`): tokens one replica holds
are not available to another, and a replica that stops leasing gives its share back to the
shared bucket's refill within that time. When the shared bucket is empty the refusal is
remembered until it would have refilled enough, so a flood is refused without the database.
Pure: the clock is passed in."""

from __future__ import annotations

import math
from dataclasses import dataclass

LEASE_S = 0.2  # a lease takes this many seconds of the bucket's rate (at least one token)
LEASE_TTL_S = 1.0  # leased tokens not spent within this are dropped


@dataclass(frozen=True, slots=True)
class Limit:
    rate_per_s: float
    burst: float

    @property
    def batch(self) -> float:
        return max(1.0, self.rate_per_s * LEASE_S)


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    limit: int  # the burst: the most a client may spend at once
    remaining: int  # an estimate: what this replica holds plus what the bucket had left
    reset_s: int  # until the bucket is full again
    retry_after_s: int = 0  # when refused: until a retry can succeed

    def headers(self) -> dict[str, str]:
        """IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers), and
        Retry-After when refused."""
        found = {"RateLimit-Limit": str(self.limit), "RateLimit-Remaining": str(self.remaining),
                 "RateLimit-Reset": str(self.reset_s)}
        if not self.allowed:
            found["Retry-After"] = str(self.retry_after_s)
        return found


@dataclass(slots=True)
class Lease:
    limit: Limit
    tokens: float = 0.0
    expires_at: float = 0.0
    shared_left: float = 0.0  # what the shared bucket had after the last lease
    denied_until: float = 0.0

    def spend(self, cost: float, now: float) -> bool:
        if now >= self.expires_at:
            self.tokens = 0.0
        if self.tokens < cost:
            return False
        self.tokens -= cost
        return True

    def refund(self, cost: float) -> None:
        self.tokens += cost

    def asked(self, cost: float) -> float:
        """What a lease asks for: at least what `cost` still needs, at least a batch."""
        return max(cost - self.tokens, self.limit.batch)

    def granted(self, available: float, cost: float, asked: float, now: float) -> float:
        """The shared bucket had `available`: what this lease takes, `cost` spent at once by
        the request that leased (0 when it is too little, and then refusals are remembered
        until enough would have refilled). `now`: when the bucket answered, so a slow database
        does not age the tokens before the request spends them."""
        needed = cost - self.tokens
        if available < needed:
            self.shared_left = available
            self.denied_until = now + (needed - available) / self.limit.rate_per_s
            return 0.0
        grant = min(available, asked)
        self.tokens += grant - cost
        self.expires_at = now + LEASE_TTL_S
        self.shared_left = available - grant
        self.denied_until = 0.0
        return grant

    def decision(self, allowed: bool, now: float) -> Decision:
        remaining = max(0.0, min(self.limit.burst, self.tokens + self.shared_left))
        reset = (self.limit.burst - remaining) / self.limit.rate_per_s
        retry = 0 if allowed else max(1, math.ceil(self.denied_until - now))
        return Decision(allowed, int(self.limit.burst), int(remaining), math.ceil(reset), retry)
