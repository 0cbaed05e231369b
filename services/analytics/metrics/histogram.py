"""Durations kept as counts per logarithmic bucket, so percentiles need no raw samples.

Bucket i holds [2^(i/4), 2^((i+1)/4)) seconds (each about 19% wider than the last; bucket 0
also holds everything under a second), so a percentile read back is within ~10% of the exact
one. Buckets add up across hours, channels and listings: an aggregate is just their sum.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

STEPS_PER_DOUBLING = 4
# 2^(127/4) s is about 100 years: nothing real lands above it.
MAX_BUCKET = 127


def bucket_of(seconds: float) -> int:
    if seconds < 1:
        return 0
    return min(MAX_BUCKET, math.floor(STEPS_PER_DOUBLING * math.log2(seconds)))


def bounds(bucket: int) -> tuple[float, float]:
    lower = 0.0 if bucket == 0 else 2 ** (bucket / STEPS_PER_DOUBLING)
    return lower, 2 ** ((bucket + 1) / STEPS_PER_DOUBLING)


def percentile(counts: Mapping[int, int], q: float) -> float | None:
    """The q-th quantile (0..1) of the samples counted in `counts` (bucket -> samples),
    interpolated inside its bucket; None without samples."""
    total = sum(v for v in counts.values() if v > 0)
    if total == 0:
        return None
    rank = q * total
    seen = 0
    for bucket in sorted(counts):
        n = counts[bucket]
        if n <= 0:
            continue
        if seen + n >= rank:
            lower, upper = bounds(bucket)
            return lower + (upper - lower) * max(0.0, rank - seen) / n
        seen += n
    return bounds(max(counts))[1]
