"""The delivery rules where they are pure: what an answer means, the backoff within the retry
window, the breaker's transitions; and the catalogue of public events matching the live feed's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clients.rpc import topics
from services.integrations.webhooks import payloads, rules
from services.integrations.webhooks.rules import Breaker, BreakerPolicy, RetryPolicy, Verdict

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
POLICY = BreakerPolicy(failures=3, min_span_s=60, probe_s=30, probe_max_s=3600)


@pytest.mark.parametrize(("status", "verdict"), [
    (200, Verdict.DELIVERED), (204, Verdict.DELIVERED), (410, Verdict.GONE),
    (0, Verdict.RETRY), (301, Verdict.RETRY), (302, Verdict.RETRY), (400, Verdict.RETRY),
    (404, Verdict.RETRY), (429, Verdict.RETRY), (500, Verdict.RETRY), (503, Verdict.RETRY)])
def test_what_an_answer_means(status: int, verdict: Verdict) -> None:
    assert rules.verdict(status) is verdict


def test_backoff_grows_with_jitter_to_its_cap_and_stops_at_the_window() -> None:
    policy, window = RetryPolicy(5, 3600), NOW + timedelta(days=3)
    waits = [(rules.next_attempt(n, NOW, window, policy) - NOW).total_seconds()  # type: ignore[operator]
             for n in range(1, 14)]
    assert 2.5 <= waits[0] <= 5 and 5 <= waits[1] <= 10 and 40 <= waits[4] <= 80
    assert all(1800 <= w <= 3600 for w in waits[-2:])
    # Retry-After is honoured, up to the cap.
    assert (rules.next_attempt(1, NOW, window, policy, 120) - NOW).total_seconds() >= 120  # type: ignore[operator]
    assert (rules.next_attempt(1, NOW, window, policy, 10**6) - NOW).total_seconds() <= 3600  # type: ignore[operator]
    assert rules.next_attempt(1, NOW, NOW + timedelta(seconds=1), policy) is None


def test_the_breaker_opens_after_n_failures_spanning_the_minimum_and_probes_exponentially() -> None:
    b = Breaker(False, 0, None, 0)
    for _ in range(3):  # three failures within a second: not yet (the span is a minute)
        after = rules.after_failure(b, NOW, POLICY)
        b = after.breaker
        assert not after.opened and not b.paused
    assert (b.consecutive_failures, b.failing_since) == (3, NOW)
    opened = rules.after_failure(b, NOW + timedelta(seconds=61), POLICY)
    assert opened.opened and opened.breaker.paused
    assert opened.probe_at == NOW + timedelta(seconds=91)
    probe = rules.after_failure(opened.breaker, NOW + timedelta(seconds=91), POLICY)
    assert not probe.opened and probe.breaker.paused and probe.breaker.pauses == 2
    assert probe.probe_at == NOW + timedelta(seconds=91 + 60)
    late = Breaker(True, 50, NOW, 20)
    assert rules.after_failure(late, NOW, POLICY).probe_at == NOW + timedelta(hours=1)
    assert rules.after_success() == Breaker(False, 0, None, 0)


def test_the_durable_reads_every_public_event() -> None:
    assert set(topics.INTEGRATIONS_EVENTS.topics) == set(payloads.PUBLIC_NAMES)
    assert payloads.TEST_EVENT not in payloads.EVENT_TYPES
