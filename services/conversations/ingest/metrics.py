"""Metrics of the conversations service beyond the kernel's (bounded labels only)."""

from __future__ import annotations

from datetime import UTC, datetime

from prometheus_client import Counter, Histogram

from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channel_events

WEBHOOK_TO_STORED = Histogram(
    "switchboard_webhook_to_stored_seconds",
    "From the webhook reaching the gateway to its message being stored",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))

ID_COLLISIONS = Counter(
    "switchboard_conversations_id_collisions_total",
    "Channel messages whose external id was stored already with other content (kept: the first)")


def observe_webhook_to_stored(event: channel_events.MessageInbound) -> None:
    """Webhook deliveries only: sync imports carry no received_at (their delay is not one)."""
    if event.HasField("received_at"):
        received = event.received_at.ToDatetime(tzinfo=UTC)
        WEBHOOK_TO_STORED.observe(max(0.0, (datetime.now(UTC) - received).total_seconds()))
