"""Prometheus metrics of the projection: tenant-free aggregates only."""

from __future__ import annotations

from datetime import UTC, datetime

from prometheus_client import Counter, Histogram

# outcome: changed (figures moved), unchanged (a redelivery, or a snapshot with nothing new).
EVENTS = Counter("switchboard_analytics_events_projected_total",
                 "Events the analytics projection handled, by event and outcome",
                 ["event", "outcome"])
LAG = Histogram("switchboard_analytics_projection_lag_seconds",
                "From the fact's moment (message written, conversation updated) to its projection",
                buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600))

for _event in ("received", "sent", "updated", "handoff"):  # series at zero from the start
    for _outcome in ("changed", "unchanged"):
        EVENTS.labels(_event, _outcome)


def observe(event: str, changed: bool, at: datetime | None) -> None:
    EVENTS.labels(event, "changed" if changed else "unchanged").inc()
    if at is not None:
        LAG.observe(max(0.0, (datetime.now(UTC) - at).total_seconds()))
