"""REST pages of webhook endpoints and deliveries, and what a range replay answers (the items:
`views.py`, shared with GraphQL)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from gateway.integrations.views import DeliveryOut, EndpointOut
from gateway.schemas import PageOut


class EndpointList(BaseModel):
    items: list[EndpointOut]
    page: PageOut


class DeliveryList(BaseModel):
    items: list[DeliveryOut]
    page: PageOut


class ReplayRangeOut(BaseModel):
    queued: int = Field(description="Deliveries queued again (each a new delivery, same event id)")
