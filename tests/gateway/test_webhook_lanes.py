"""Per-tenant webhook lanes (gateway/webhooks/fairness.py): a token bucket per tenant."""

from __future__ import annotations

import uuid

from gateway.webhooks.fairness import OVERFLOW, REGULAR, TenantLanes


def test_a_burst_takes_the_regular_lane_then_the_excess_overflows() -> None:
    lanes, tenant = TenantLanes(rate_per_s=10, burst=3), uuid.uuid4()
    assert [lanes.lane(tenant, now=100.0) for _ in range(5)] == [REGULAR] * 3 + [OVERFLOW] * 2


def test_tokens_come_back_at_the_rate_and_never_beyond_the_burst() -> None:
    lanes, tenant = TenantLanes(rate_per_s=2, burst=3), uuid.uuid4()
    for _ in range(3):
        lanes.lane(tenant, now=100.0)
    assert lanes.lane(tenant, now=100.25) == OVERFLOW  # half a token back
    assert lanes.lane(tenant, now=100.5) == REGULAR  # a whole one
    # A long quiet spell refills to the burst, not more.
    assert [lanes.lane(tenant, now=1000.0) for _ in range(4)] == [REGULAR] * 3 + [OVERFLOW]


def test_one_tenants_flood_leaves_another_tenant_in_the_regular_lane() -> None:
    lanes, flooder, quiet = TenantLanes(rate_per_s=1, burst=2), uuid.uuid4(), uuid.uuid4()
    for _ in range(100):
        lanes.lane(flooder, now=5.0)
    assert lanes.lane(quiet, now=5.0) == REGULAR
    assert lanes.lane(flooder, now=5.0) == OVERFLOW
