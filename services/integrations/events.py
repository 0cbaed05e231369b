"""Payload builders of the integrations service's own events (rows -> protobuf)."""

from __future__ import annotations

from datetime import datetime

from clients.rpc.gen.switchboard.integrations.v1 import events_pb2 as pb
from services.integrations.models import Endpoint
from services.kernel.timestamps import timestamp


def endpoint_paused(endpoint: Endpoint) -> pb.EndpointPaused:
    return pb.EndpointPaused(
        endpoint_id=str(endpoint.id), url=endpoint.url, reason=endpoint.paused_reason,
        consecutive_failures=endpoint.consecutive_failures,
        paused_at=timestamp(endpoint.paused_at), probe_at=timestamp(endpoint.breaker_probe_at))


def endpoint_resumed(endpoint: Endpoint, paused_at: datetime | None,
                     now: datetime) -> pb.EndpointResumed:
    return pb.EndpointResumed(endpoint_id=str(endpoint.id), url=endpoint.url,
                              resumed_at=timestamp(now), paused_at=timestamp(paused_at))
