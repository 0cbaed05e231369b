"""Fan-out: a public conversation event read from the bus becomes one stored event and a
pending delivery to each of the tenant's enabled endpoints subscribed to its type, in one
transaction. The event id is the bus message's Nats-Msg-Id, so a redelivered message finds its
deliveries there (unique per endpoint and event) and adds none; its position is the stream
sequence, the order a conversation's deliveries go out in."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from clients.rpc.public.conversations import PUBLIC_NAMES
from services.integrations.models import Event
from services.integrations.repository import IntegrationsUnit
from services.integrations.webhooks import payloads
from services.kernel.bus import Delivery, Poison


@dataclass(frozen=True)
class PublicEvent:
    id: uuid.UUID
    tenant_id: uuid.UUID
    type: str
    conversation_id: uuid.UUID | None
    position: int
    occurred_at: datetime
    data: dict[str, Any]


def from_bus(delivery: Delivery) -> PublicEvent | None:
    """The public event a bus message is (None: a topic that is not public); Poison when its
    payload does not map onto the public shape (retrying would not change that)."""
    name = PUBLIC_NAMES.get(delivery.topic) if delivery.topic is not None else None
    if name is None:
        return None
    try:
        data = payloads.conversation_data(delivery.event)
        conversation = uuid.UUID(data["conversation"]["id"])
    except (KeyError, ValueError) as exc:
        raise Poison(f"{name} does not map onto the public shape: {exc!r}") from exc
    return PublicEvent(
        id=payloads.event_id(delivery.headers, f"{delivery.subject}:{delivery.sequence}"),
        tenant_id=delivery.tenant_id, type=name, conversation_id=conversation,
        position=delivery.sequence, occurred_at=delivery.published_at or datetime.now(UTC),
        data=data)


async def fan_out(unit: IntegrationsUnit, event: PublicEvent) -> int:
    """Record the event for the subscribed endpoints; how many deliveries are new."""
    endpoints = await unit.endpoints.subscribed(event.type)
    if not endpoints:
        return 0  # nobody listens: nothing is kept
    row = Event(id=event.id, tenant_id=event.tenant_id, type=event.type,
                conversation_id=event.conversation_id, position=event.position,
                occurred_at=event.occurred_at, payload=event.data)
    await unit.events.record(row)
    return len(await unit.deliveries.fan_out(row, [e.id for e in endpoints]))
