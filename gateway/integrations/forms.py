"""Outgoing webhooks as REST and GraphQL write them: one request model each (shape and sizes
checked here; the rules — a public URL, known event types, a long enough secret, a range of at
most 31 days — by the integrations service, whose INVALID_ARGUMENT says what to fix)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from clients.rpc.gen.switchboard.integrations.v1 import webhooks_service_pb2 as pb
from gateway.schemas import Timestamp

MAX_SECRET_TTL_S = 7 * 86_400
DeliveryStatus = Literal["pending", "delivered", "failed"]
DELIVERY_STATUS = {"pending": pb.DELIVERY_STATUS_PENDING,
                   "delivered": pb.DELIVERY_STATUS_DELIVERED,
                   "failed": pb.DELIVERY_STATUS_FAILED}
EventTypes = list[Annotated[str, Field(max_length=100)]]
_EVENT_TYPES = Field(default=None, max_length=50, description=(
    "Public event names to receive (docs/events.md, e.g. message.received); empty or omitted: "
    "every event"))


class EndpointIn(BaseModel):
    url: str = Field(max_length=2048, description=(
        "A public https (or http) URL; private, loopback and metadata addresses are refused"),
        examples=["https://example.com/switchboard/webhooks"])
    description: str = Field(default="", max_length=500)
    event_types: EventTypes | None = _EVENT_TYPES
    secret: str | None = Field(default=None, max_length=256, repr=False, description=(
        "The signing secret, at least 24 characters; omitted: one is generated (whsec_...). "
        "Returned once, in this response"))


class EndpointPatch(BaseModel):
    """The fields given change; the others stay. `enabled: true` also resumes an endpoint the
    circuit breaker paused."""

    url: str | None = Field(default=None, max_length=2048)
    description: str | None = Field(default=None, max_length=500)
    event_types: EventTypes | None = _EVENT_TYPES
    enabled: bool | None = None

    def proto(self, endpoint_id: str) -> pb.UpdateEndpointRequest:
        fields = sorted(n for n in self.model_fields_set if getattr(self, n) is not None)
        return pb.UpdateEndpointRequest(
            endpoint_id=endpoint_id, update_fields=fields, url=self.url or "",
            description=self.description or "", event_types=self.event_types or [],
            enabled=bool(self.enabled))


class RotateIn(BaseModel):
    previous_secret_ttl_s: int = Field(default=0, ge=0, le=MAX_SECRET_TTL_S, description=(
        "How long the old secret keeps signing beside the new one (both signatures are sent), "
        "so your receiver can switch without losing deliveries; 0: it stops at once"))


class ReplayRangeIn(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: Timestamp = Field(alias="from", description="Event time, inclusive")
    to: Timestamp = Field(description="Event time, exclusive; at most 31 days after `from`")


class DeliveryFilter(BaseModel):
    endpoint_id: str | None = Field(default=None, max_length=64, description="One endpoint's")
    status: DeliveryStatus | None = None
    since: Timestamp | None = Field(default=None, description="Created at or after")
    until: Timestamp | None = Field(default=None, description="Created before")

    def query(self) -> dict[str, Any]:
        """IntegrationsClient.list_deliveries's filter arguments."""
        return {"endpoint_id": self.endpoint_id or "", "since": self.since, "until": self.until,
                "status": DELIVERY_STATUS[self.status] if self.status
                else pb.DELIVERY_STATUS_UNSPECIFIED}
