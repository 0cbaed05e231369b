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

from google.protobuf.message import DecodeError

from clients.rpc import topics
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from services.kernel.bus import MSG_ID_HEADER, Bus
from services.kernel.wire import Topic

log = logging.getLogger(__name__)

# The conversations topics a live view shows, by their public event name (the catalogue's
# names are internal: a reply waiting for its channel is "message.created" to clients).
PUBLIC_NAMES: dict[Topic, str] = {
    topics.MESSAGE_RECEIVED: "message.received",
    topics.MESSAGE_SEND_REQUESTED: "message.created",
    topics.MESSAGE_STATUS_CHANGED: "message.status_changed",
    topics.MESSAGE_UPDATED: "message.updated",
    topics.CONVERSATION_UPDATED: "conversation.updated",
    topics.CONVERSATION_READ: "conversation.read",
    topics.NOTE_ADDED: "note.added",  # a private note (the agent's handoff reason)
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
    topic = topics.topic_of(subject)
    name = PUBLIC_NAMES.get(topic) if topic is not None else None
    if topic is None or name is None:
        return None
    try:
        payload = topic.decode(data)
    except DecodeError:
        log.warning("undecodable live event", extra={"subject": subject})
        return None
    message = payload.message if payload.HasField("message") else None  # type: ignore[attr-defined]
    return LiveEvent(name, event_id, payload.conversation, message)  # type: ignore[attr-defined]


async def tenant_events(bus: Bus, tenant_id: uuid.UUID) -> AsyncIterator[LiveEvent]:
    """Yield the tenant's conversation events until the consumer stops iterating."""
    queue: asyncio.Queue[LiveEvent | None] = asyncio.Queue()

    async def on_message(msg) -> None:  # type: ignore[no-untyped-def]
        event = decode(msg.subject, msg.data, (msg.headers or {}).get(MSG_ID_HEADER, ""))
        if event is None:
            return
        if queue.qsize() >= MAX_BUFFER:
            log.warning("live subscriber fell behind, closing it", extra={"tenant_id": str(tenant_id)})
            queue.put_nowait(None)  # ends the stream; the client reconnects and refetches
            return
        queue.put_nowait(event)

    sub = await bus.nc.subscribe(topics.CONVERSATIONS.tenant_pattern(tenant_id), cb=on_message)
    try:
        while (event := await queue.get()) is not None:
            yield event
    finally:
        with contextlib.suppress(Exception):
            await sub.unsubscribe()
