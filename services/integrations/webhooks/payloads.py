"""The public events outgoing webhooks carry (docs/events.md, "Public events"): their names,
the `data` of each (the same shape as the REST API's and the live feed's: clients.rpc.public),
the event id, and the body sent — an envelope around `data`:

    {"id": <event id>, "type": <public name>, "created_at": <ISO time>, "tenant_id": ...,
     "data": {"conversation": ConversationOut, "message": MessageOut | null}}
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import orjson
from google.protobuf.message import Message

from clients.rpc.public.conversations import PUBLIC_NAMES, ConversationOut, MessageOut
from services.kernel.bus import MSG_ID_HEADER

TEST_EVENT = "webhook.test"
# What an endpoint may subscribe to (the test event goes to whoever asks for it).
EVENT_TYPES = frozenset(PUBLIC_NAMES.values())
# Ids of events whose bus message carried no uuid as its Nats-Msg-Id.
_ID_NAMESPACE = uuid.UUID("6c0f3d1e-6f0a-4a55-9d4e-2b1f1c1b7a10")


def event_id(headers: dict[str, str], fallback: str) -> uuid.UUID:
    """The event's id: the bus message's Nats-Msg-Id (the producer's outbox row id), the same
    however often the message is redelivered; `fallback` (stream:sequence) when it has none."""
    value = headers.get(MSG_ID_HEADER) or fallback
    try:
        return uuid.UUID(value)
    except ValueError:
        return uuid.uuid5(_ID_NAMESPACE, value)


def conversation_data(payload: Message) -> dict[str, Any]:
    """`data` of a conversations event: its conversation and, when it has one, its message,
    as the REST API shows them (KeyError / ValueError on a payload that does not map)."""
    has_message = "message" in payload.DESCRIPTOR.fields_by_name and payload.HasField("message")
    message = payload.message if has_message else None  # type: ignore[attr-defined]
    return {"conversation": ConversationOut.from_proto(
                payload.conversation).model_dump(mode="json"),  # type: ignore[attr-defined]
            "message": MessageOut.from_proto(message).model_dump(mode="json")
            if message is not None else None}


def test_data(endpoint_id: uuid.UUID) -> dict[str, Any]:
    return {"endpoint_id": str(endpoint_id),
            "message": "A test event from Switchboard: your endpoint receives and verifies."}


def body(event_id_: uuid.UUID, type_: str, occurred_at: datetime, tenant_id: uuid.UUID,
         data: dict[str, Any]) -> bytes:
    """The JSON POSTed, byte for byte the same on every attempt of the same event."""
    return orjson.dumps({"id": str(event_id_), "type": type_, "created_at": occurred_at.isoformat(),
                         "tenant_id": str(tenant_id), "data": data})
