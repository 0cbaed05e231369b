"""Live conversation events as clients see them (SSE and the GraphQL subscription): public
names, `LiveEvent`, and decoding a bus message into one. `feed.py` reads them from JetStream.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from google.protobuf.message import DecodeError

from clients.rpc import topics
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
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
    # The AI handed over; the conversation's `handoff` holds why and since when.
    topics.CONVERSATION_HANDOFF_REQUESTED: "conversation.handoff_requested",
}

# Not a conversation event: the events since the client's id cannot be replayed (too old, too
# many, or an id this API never gave); the client refetches its lists, the feed goes on live.
RESET = "reset"


@dataclass(frozen=True)
class LiveEvent:
    type: str
    event_id: str  # the stream sequence, as a string: opaque to clients, sent back to resume
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
    # Not every payload has a message (conversation.updated, conversation.read): HasField on a
    # field the type lacks raises ValueError, so ask the descriptor first.
    has_message = "message" in payload.DESCRIPTOR.fields_by_name and payload.HasField("message")
    message = payload.message if has_message else None  # type: ignore[attr-defined]
    return LiveEvent(name, event_id, payload.conversation, message)  # type: ignore[attr-defined]

