"""Live conversation events as clients see them (SSE and the GraphQL subscription): public
names, `LiveEvent`, and decoding a bus message into one. `feed.py` reads them from JetStream.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from google.protobuf.message import DecodeError

from clients.rpc import topics
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from clients.rpc.public.conversations import PUBLIC_NAMES

log = logging.getLogger(__name__)

__all__ = ["PUBLIC_NAMES", "RESET", "LiveEvent", "decode"]  # PUBLIC_NAMES: shared with webhooks

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

