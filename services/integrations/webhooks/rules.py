"""The delivery rules, pure (unit-tested without a server): what an answer means, when the
next attempt is, and the circuit breaker's transitions.

- 2xx: delivered. 410 Gone: the receiver says the endpoint is gone — the delivery fails at
  once and the endpoint is disabled. Anything else (3xx: redirects are not followed; 4xx; 429;
  5xx; a timeout or connection error): retried with equal-jitter exponential backoff (Retry-
  After honoured up to the cap) until the retry window since the delivery was queued has
  passed, then failed.
- Breaker: `failures` consecutive failures spanning at least `min_span_s` pause the endpoint;
  a paused endpoint gets one probe delivery at its probe time, `probe_s` doubling per failed
  probe up to `probe_max_s`; a success resumes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from services.kernel import backoff


class Verdict(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    GONE = "gone"


def verdict(status: int) -> Verdict:
    """What an HTTP answer means (0: no answer at all)."""
    if 200 <= status < 300:
        return Verdict.DELIVERED
    if status == 410:
        return Verdict.GONE
    return Verdict.RETRY


@dataclass(frozen=True)
class RetryPolicy:
    base_s: float
    cap_s: float


def next_attempt(attempts: int, now: datetime, gives_up_at: datetime, policy: RetryPolicy,
                 retry_after_s: float | None = None) -> datetime | None:
    """When to try again after `attempts` failed ones, or None when that is past the window."""
    wait = backoff.equal_jitter(attempts, policy.base_s, policy.cap_s)
    if retry_after_s is not None:
        wait = max(wait, min(retry_after_s, policy.cap_s))
    at = now + timedelta(seconds=wait)
    return at if at < gives_up_at else None


@dataclass(frozen=True)
class BreakerPolicy:
    failures: int
    min_span_s: float
    probe_s: float
    probe_max_s: float


@dataclass(frozen=True)
class Breaker:
    """An endpoint's breaker as stored."""

    paused: bool
    consecutive_failures: int
    failing_since: datetime | None
    pauses: int  # failed probes so far (0 while active)


@dataclass(frozen=True)
class AfterFailure:
    breaker: Breaker
    probe_at: datetime | None  # set when paused: the next probe
    opened: bool  # it paused just now (tell the owner)


def after_failure(b: Breaker, now: datetime, policy: BreakerPolicy) -> AfterFailure:
    failures, since = b.consecutive_failures + 1, b.failing_since or now
    if b.paused:  # a failed probe: the next one later
        pauses = b.pauses + 1
        return AfterFailure(Breaker(True, failures, since, pauses),
                            now + _probe_delay(pauses, policy), opened=False)
    if failures >= policy.failures and (now - since).total_seconds() >= policy.min_span_s:
        return AfterFailure(Breaker(True, failures, since, 1), now + _probe_delay(1, policy),
                            opened=True)
    return AfterFailure(Breaker(False, failures, since, 0), None, opened=False)


def after_success() -> Breaker:
    return Breaker(False, 0, None, 0)


def _probe_delay(pauses: int, policy: BreakerPolicy) -> timedelta:
    return timedelta(seconds=backoff.step(pauses, policy.probe_s, policy.probe_max_s))
