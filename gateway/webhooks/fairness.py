"""Per-tenant lanes for webhook deliveries, so one flooding tenant cannot queue everyone else.

Each tenant has a token bucket in this gateway process: deliveries within it go to the regular
subject (`…avito.received`), the excess to the overflow subject (`…avito.overflow`), which the
channels service drains only while conversations keeps up. Nothing is refused and nothing is
lost: a flood only waits behind itself, while other tenants' messages keep a short queue.
While the overflow lane has a backlog, its deliveries are also answered a little later
(`webhook_overflow_delay_s`, after they are stored): a sender with bounded connections slows
down instead of taking all the CPU, and the backlog stops growing.
"""

from __future__ import annotations

import time
import uuid

from prometheus_client import Counter

from clients.rpc import topics

WEBHOOK_LANE = Counter(
    "switchboard_webhook_lane_total", "Accepted webhook deliveries by lane", ["lane"])
REGULAR, OVERFLOW = "received", "overflow"
LANE_TOPICS = {REGULAR: topics.AVITO_WEBHOOK_RECEIVED, OVERFLOW: topics.AVITO_WEBHOOK_OVERFLOW}
_MAX_TENANTS = 100_000  # buckets kept in memory; beyond, idle ones are dropped (they are full)


class TenantLanes:
    def __init__(self, rate_per_s: float, burst: float) -> None:
        self.rate, self.burst = rate_per_s, burst
        self._buckets: dict[uuid.UUID, tuple[float, float]] = {}  # tenant -> (tokens, at)
        for lane in (REGULAR, OVERFLOW):
            WEBHOOK_LANE.labels(lane)

    def lane(self, tenant_id: uuid.UUID, now: float | None = None) -> str:
        """The event name this delivery is published under (and takes a token if regular)."""
        now = time.monotonic() if now is None else now
        tokens, at = self._buckets.get(tenant_id, (self.burst, now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        lane = REGULAR if tokens >= 1 else OVERFLOW
        if len(self._buckets) >= _MAX_TENANTS and tenant_id not in self._buckets:
            self._forget_full(now)
        self._buckets[tenant_id] = (tokens - 1 if lane == REGULAR else tokens, now)
        WEBHOOK_LANE.labels(lane).inc()
        return lane

    def _forget_full(self, now: float) -> None:
        """Drop buckets that have refilled: forgetting them changes nothing."""
        self._buckets = {t: (tokens, at) for t, (tokens, at) in self._buckets.items()
                         if tokens + (now - at) * self.rate < self.burst}
