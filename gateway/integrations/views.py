"""Webhook endpoints and their deliveries as the gateway shows them, for REST and GraphQL alike.
A signing secret goes out only in the answers that made it (create, rotate)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from clients.rpc.gen.switchboard.integrations.v1 import webhooks_service_pb2 as pb
from gateway.integrations.forms import DELIVERY_STATUS
from services.kernel.timestamps import to_datetime

EndpointState = Literal["active", "paused", "disabled", "unknown"]
STATE_NAMES: dict[int, EndpointState] = {pb.ENDPOINT_STATE_ACTIVE: "active",
                                         pb.ENDPOINT_STATE_PAUSED: "paused",
                                         pb.ENDPOINT_STATE_DISABLED: "disabled"}
StatusName = Literal["pending", "delivered", "failed", "unknown"]
STATUS_NAMES: dict[int, StatusName] = {value: name  # type: ignore[misc]
                                       for name, value in DELIVERY_STATUS.items()}


class EndpointOut(BaseModel):
    id: str
    url: str
    description: str
    event_types: list[str] = Field(description="The events it receives; empty: every event")
    enabled: bool
    state: EndpointState = Field(description=(
        "active; paused: the circuit breaker opened after repeated failures (probed at "
        "breaker_probe_at, or resumed by PATCH enabled=true); disabled: by you, nothing is sent"))
    consecutive_failures: int
    paused_reason: str | None = Field(description="Why the breaker opened")
    paused_at: datetime | None
    breaker_probe_at: datetime | None = Field(description="When a paused endpoint is tried next")
    last_success_at: datetime | None
    retry_window_s: int = Field(description="How long a delivery is retried before it fails")
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_proto(cls, e: pb.Endpoint) -> EndpointOut:
        return cls(id=e.id, url=e.url, description=e.description,
                   event_types=list(e.event_types), enabled=e.enabled,
                   state=STATE_NAMES.get(e.state, "unknown"),
                   consecutive_failures=e.consecutive_failures,
                   paused_reason=e.paused_reason or None, paused_at=to_datetime(e.paused_at),
                   breaker_probe_at=to_datetime(e.breaker_probe_at),
                   last_success_at=to_datetime(e.last_success_at), retry_window_s=e.retry_window_s,
                   created_at=to_datetime(e.created_at), updated_at=to_datetime(e.updated_at))


class EndpointWithSecret(EndpointOut):
    secret: str = Field(description=(
        "The signing secret: shown this once, keep it (verify with the SDK's verify_webhook)"))

    @classmethod
    def of(cls, endpoint: pb.Endpoint, secret: str) -> EndpointWithSecret:
        return cls(**EndpointOut.from_proto(endpoint).model_dump(), secret=secret)


class DeliveryOut(BaseModel):
    id: str
    endpoint_id: str
    event_id: str = Field(description=(
        "The event's id, the same across retries and replays: deduplicate on it"))
    event_type: str
    conversation_id: str | None = Field(description="Deliveries of one conversation go in order")
    status: StatusName = Field(description=(
        "pending (waiting for its turn, an attempt or a retry), delivered (answered 2xx), "
        "failed (the retry window passed, or a permanent refusal)"))
    attempts: int
    last_response_status: int | None = Field(description="null: no HTTP answer (see last_error)")
    last_latency_ms: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime | None
    event_occurred_at: datetime | None
    replay_of: str | None = Field(description="The delivery this one replays")

    @classmethod
    def from_proto(cls, d: pb.Delivery) -> DeliveryOut:
        return cls(id=d.id, endpoint_id=d.endpoint_id, event_id=d.event_id,
                   event_type=d.event_type, conversation_id=d.conversation_id or None,
                   status=STATUS_NAMES.get(d.status, "unknown"), attempts=d.attempts,
                   last_response_status=d.last_response_status or None,
                   last_latency_ms=d.last_latency_ms if d.attempts else None,
                   last_error=d.last_error or None, next_attempt_at=to_datetime(d.next_attempt_at),
                   delivered_at=to_datetime(d.delivered_at), created_at=to_datetime(d.created_at),
                   event_occurred_at=to_datetime(d.event_occurred_at),
                   replay_of=d.replay_of or None)


class AttemptOut(BaseModel):
    number: int
    started_at: datetime | None
    response_status: int | None = Field(description="null: no HTTP answer (see error)")
    latency_ms: int
    error: str | None
    response_body: str = Field(description="The first 1 KiB of the answer")

    @classmethod
    def from_proto(cls, a: pb.Attempt) -> AttemptOut:
        return cls(number=a.number, started_at=to_datetime(a.started_at),
                   response_status=a.response_status or None, latency_ms=a.latency_ms,
                   error=a.error or None, response_body=a.response_body)


class DeliveryDetailOut(DeliveryOut):
    attempt_log: list[AttemptOut] = Field(description="Every attempt, oldest first")
    payload: Any = Field(description="The event as it was sent (the request body)")

    @classmethod
    def of(cls, resp: pb.GetDeliveryResponse) -> DeliveryDetailOut:
        return cls(**DeliveryOut.from_proto(resp.delivery).model_dump(),
                   attempt_log=[AttemptOut.from_proto(a) for a in resp.attempts],
                   payload=payload(resp.payload_json))


def payload(text: str) -> Any:
    """The body as sent, parsed; the text itself if it is not JSON (it always is today)."""
    try:
        return json.loads(text) if text else None
    except ValueError:
        return text
