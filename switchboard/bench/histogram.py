"""A tiny HDR-style latency histogram: log-bucketed, fixed relative error, mergeable.

Values are recorded in microseconds into buckets whose width grows with the value, so that every
bucket's upper bound is within `1 / SUB_BUCKETS` (~1.6 %) of any value in it, from 1 us to hours,
in a few KiB. Percentiles report the bucket's upper bound (never under-reports), `max` is exact.
"""

from __future__ import annotations

import math
from typing import Any

SUB_BUCKETS = 64  # per power of two: relative error <= 1/64


class Histogram:
    def __init__(self) -> None:
        self.counts: dict[int, int] = {}
        self.count = 0
        self.max_us = 0.0
        self.min_us = math.inf
        self.total_us = 0.0

    @staticmethod
    def _index(us: float) -> int:
        if us < 1:
            return 0
        exp = math.floor(math.log2(us))
        sub = int((us / (1 << exp) - 1.0) * SUB_BUCKETS)
        return 1 + exp * SUB_BUCKETS + min(sub, SUB_BUCKETS - 1)

    @staticmethod
    def _upper(index: int) -> float:
        if index == 0:
            return 1.0
        exp, sub = divmod(index - 1, SUB_BUCKETS)
        return (1 << exp) * (1.0 + (sub + 1) / SUB_BUCKETS)

    def record(self, seconds: float) -> None:
        us = max(seconds, 0.0) * 1e6
        i = self._index(us)
        self.counts[i] = self.counts.get(i, 0) + 1
        self.count += 1
        self.total_us += us
        self.max_us = max(self.max_us, us)
        self.min_us = min(self.min_us, us)

    def percentile(self, q: float) -> float:
        """The value (seconds) at quantile `q` in [0, 1]; 0.0 when empty."""
        if not self.count:
            return 0.0
        rank = max(1, math.ceil(q * self.count))
        seen = 0
        for i in sorted(self.counts):
            seen += self.counts[i]
            if seen >= rank:
                return min(self._upper(i), self.max_us) / 1e6
        return self.max_us / 1e6

    def merge(self, other: Histogram) -> Histogram:
        for i, n in other.counts.items():
            self.counts[i] = self.counts.get(i, 0) + n
        self.count += other.count
        self.total_us += other.total_us
        self.max_us = max(self.max_us, other.max_us)
        self.min_us = min(self.min_us, other.min_us)
        return self

    def summary_ms(self) -> dict[str, float]:
        return {"count": self.count,
                "p50_ms": round(self.percentile(0.5) * 1e3, 3),
                "p90_ms": round(self.percentile(0.9) * 1e3, 3),
                "p99_ms": round(self.percentile(0.99) * 1e3, 3),
                "max_ms": round(self.max_us / 1e3, 3),
                "mean_ms": round(self.total_us / self.count / 1e3, 3) if self.count else 0.0}

    def to_dict(self) -> dict[str, Any]:
        return {"counts": {str(k): v for k, v in self.counts.items()}, "count": self.count,
                "max_us": self.max_us, "min_us": None if self.count == 0 else self.min_us,
                "total_us": self.total_us}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Histogram:
        h = cls()
        h.counts = {int(k): int(v) for k, v in data["counts"].items()}
        h.count, h.max_us, h.total_us = data["count"], data["max_us"], data["total_us"]
        h.min_us = math.inf if data.get("min_us") is None else data["min_us"]
        return h
