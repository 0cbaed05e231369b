"""The agent's model health, from the audit (shared by every replica: the circuit breaker is
per process, the audit is not).

Only live runs that asked the model count (`model_result` not ""; previews are left out: they
are the seller's tests, perhaps of a channel's override, and the alert is about buyers).

- `unknown`: no model result within the window (none yet, or no buyer wrote lately);
- `failing`: the latest `failures` results all failed (circuit-open ones included) and all
  fall within the window;
- `ok`: otherwise; so one success after a failing streak is `ok` again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

UNKNOWN, OK, FAILING = "unknown", "ok", "failing"
SUCCESS = "ok"


@dataclass(frozen=True)
class Result:
    """One live run's model result, as the audit keeps it."""

    at: datetime
    result: str  # "ok" or a failure's kind
    reason: str = ""


@dataclass(frozen=True)
class ModelFacts:
    """What the audit says, read in one unit (audit/repository.py)."""

    latest: list[Result]  # newest first, at most `failures`
    last_success: datetime | None
    streak: int  # failures since the last success (all of them if none)
    failing_since: datetime | None  # the first of those
    last_error: Result | None  # the newest failure, a circuit-open one only if no other
    handed_over: int  # conversations handed over for a model failure in the last hour


@dataclass(frozen=True)
class Health:
    state: str
    facts: ModelFacts
    enabled: bool
    model: str
    base_url_host: str


def state_of(latest: Sequence[Result], now: datetime, failures: int, window: timedelta) -> str:
    """The rule above, on the newest results first."""
    recent = [r for r in latest if r.at >= now - window]
    if not recent:
        return UNKNOWN
    head = latest[:failures]
    if len(head) == failures and all(r.result != SUCCESS and r.at >= now - window for r in head):
        return FAILING
    return OK


def host_of(base_url: str) -> str:
    """host[:port] of the endpoint: never its user info, path or query."""
    try:
        parts = urlsplit(base_url)
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return ""
    return f"{host}:{port}" if host and port else host
