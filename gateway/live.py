"""Live conversation events for one tenant, from NATS, for SSE and GraphQL subscriptions.

A core-NATS subscription on exactly the caller's tenant subject: the server filters, so a
tenant never receives another tenant's events, and nothing is stored per subscriber.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

from google.protobuf.message import DecodeError, Message

from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as ev
from services.kernel.bus import Bus

log = logging.getLogger(__name__)

# Subject suffix -> (public event name, payload type).
EVENT_TYPES: dict[str, tuple[str, type[Message]]] = {
    "message.received": ("message.received", ev.MessageReceived),
    "message.send_requested": ("message.created", ev.MessageSendRequested),
    "message.status_changed": ("message.status_changed", ev.MessageStatusChanged),
    "message.updated": ("message.updated", ev.MessageUpdated),
    "conversation.updated": ("conversation.updated", ev.ConversationUpdated),
    "conversation.read": ("conversation.read", ev.ConversationRead),
    "note.added": ("note.added", ev.NoteAdded),  # a private note (the agent's handoff reason)
}

# A subscriber that falls this far behind is dropped rather than slowing everyone down.
MAX_BUFFER = 1000


@dataclass(frozen=True)
class LiveEvent:
    type: str
    event_id: str
    conversation: pb.Conversation
    message: pb.Message | None


def decode(subject: str, data: bytes, event_id: str) -> LiveEvent | None:
    suffix = ".".join(subject.split(".")[-2:])
    known = EVENT_TYPES.get(suffix)
    if known is None:
        return None
    name, cls = known
    try:
        payload = cls.FromString(data)
    except DecodeError:
        log.warning("undecodable live event", extra={"subject": subject})
        return None
    message = payload.message if payload.HasField("message") else None  # type: ignore[attr-defined]
    return LiveEvent(name, event_id, payload.conversation, message)  # type: ignore[attr-defined]


async def tenant_events(bus: Bus, tenant_id: uuid.UUID) -> AsyncIterator[LiveEvent]:
    """Yield the tenant's conversation events until the consumer stops iterating."""
    queue: asyncio.Queue[LiveEvent | None] = asyncio.Queue()

    async def on_message(msg) -> None:  # type: ignore[no-untyped-def]
        event = decode(msg.subject, msg.data, (msg.headers or {}).get("Nats-Msg-Id", ""))
        if event is None:
            return
        if queue.qsize() >= MAX_BUFFER:
            log.warning("live subscriber fell behind, closing it", extra={"tenant_id": str(tenant_id)})
            queue.put_nowait(None)  # ends the stream; the client reconnects and refetches
            return
        queue.put_nowait(event)

    sub = await bus.nc.subscribe(f"sb.conversations.{tenant_id}.>", cb=on_message)
    try:
        while (event := await queue.get()) is not None:
            yield event
    finally:
        with contextlib.suppress(Exception):
            await sub.unsubscribe()
