"""The bench's latency histogram: bounded relative error, percentiles, merge, round trip."""

from __future__ import annotations

import random

from switchboard.bench.histogram import SUB_BUCKETS, Histogram


def test_percentiles_of_a_uniform_range_within_the_bucket_error() -> None:
    h = Histogram()
    for ms in range(1, 1001):  # 1..1000 ms
        h.record(ms / 1000)
    for q, exact in ((0.5, 0.5), (0.9, 0.9), (0.99, 0.99)):
        got = h.percentile(q)
        assert exact <= got <= exact * (1 + 1 / SUB_BUCKETS) + 1e-9, (q, got)
    assert h.max_us == 1_000_000
    assert h.summary_ms()["count"] == 1000


def test_empty_and_single_values() -> None:
    assert Histogram().percentile(0.99) == 0.0
    h = Histogram()
    h.record(0.0123)
    assert h.percentile(0.5) == h.percentile(0.99) == 0.0123  # capped by the exact max


def test_merge_equals_recording_everything_in_one() -> None:
    rng = random.Random(1)
    values = [rng.expovariate(100) for _ in range(5000)]
    a, b, whole = Histogram(), Histogram(), Histogram()
    for i, v in enumerate(values):
        (a if i % 2 else b).record(v)
        whole.record(v)
    merged = a.merge(b)
    assert merged.count == whole.count == 5000
    assert merged.counts == whole.counts
    assert merged.max_us == whole.max_us
    assert merged.percentile(0.99) == whole.percentile(0.99)


def test_dict_round_trip() -> None:
    h = Histogram()
    for v in (0.001, 0.002, 0.5, 3.0):
        h.record(v)
    again = Histogram.from_dict(h.to_dict())
    assert again.counts == h.counts and again.summary_ms() == h.summary_ms()
