"""Retry waits: within the capped exponential step, spread, and equal jitter never zero."""

from __future__ import annotations

import random

from services.kernel.backoff import equal_jitter, full_jitter, step


def test_the_step_doubles_up_to_the_cap() -> None:
    assert [step(n, 0.5, cap_s=3.0) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_full_jitter_spreads_over_the_whole_step() -> None:
    rng = random.Random(7)
    waits = [full_jitter(3, 1.0, rng=rng) for _ in range(500)]
    assert 0 <= min(waits) < 0.2 and 3.8 < max(waits) <= 4.0


def test_equal_jitter_waits_at_least_half_the_step() -> None:
    rng = random.Random(7)
    waits = [equal_jitter(2, 1.0, cap_s=1.5, rng=rng) for _ in range(500)]
    assert 0.75 <= min(waits) < 0.85 and 1.4 < max(waits) <= 1.5
