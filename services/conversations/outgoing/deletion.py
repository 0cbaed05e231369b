"""Deleting messages: the seller's request (checked against Avito's one-hour window), what the
channel reports back, and buyers deleting their own messages.

A deleted message keeps its place in the timeline as content_type "deleted", like on Avito; what
it said moves into `raw.history`, so the audit trail survives the deletion.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from clients.rpc import topics
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channel_events
from services.conversations import events
from services.conversations.models import Direction, Message
from services.conversations.repository import ConversationsUnit
from services.kernel.errors import FailedPrecondition, NotFound

DELETED = "deleted"
# Avito deletes only messages sent within the last hour (research §3.8).
DELETE_WINDOW = timedelta(hours=1)


def mark_deleted(message: Message, raw: Any = None) -> bool:
    """Turn `message` into a deleted one; False when it already was (a repeated report)."""
    if message.content_type == DELETED:
        return False
    before = dict(message.raw) if isinstance(message.raw, dict) else {}
    history = list(before.pop("history", []))
    history.append({"content_type": message.content_type, "text": message.text,
                    "attachments": list(message.attachments), "raw": before or None})
    message.raw = {**(raw if isinstance(raw, dict) else {}), "history": history}
    message.content_type, message.text, message.attachments = DELETED, "", []
    return True


class Deletions:
    async def request(self, unit: ConversationsUnit, conversation_id: uuid.UUID,
                      message_id: uuid.UUID) -> Message:
        """Ask the channel to delete one of the seller's messages; the outcome comes back
        as message.deletion (see `apply`)."""
        conversation = await unit.conversations.lock(conversation_id)
        if conversation is None:
            raise NotFound(f"conversation {conversation_id} not found")
        message = await unit.messages.get(message_id)
        if message is None or message.conversation_id != conversation_id:
            raise NotFound(f"message {message_id} not found in this conversation")
        if message.content_type == DELETED:
            return message  # nothing left to delete; asking twice is not an error
        if message.direction != Direction.OUTBOUND or not message.external_message_id:
            raise FailedPrecondition("only the seller's messages that reached the channel "
                                     "can be deleted")
        if datetime.now(UTC) - message.sent_at > DELETE_WINDOW:
            raise FailedPrecondition("Avito allows deleting only within an hour of sending")
        message.failure_reason = ""
        await unit.announce(topics.MESSAGE_DELETE_REQUESTED, events.delete_requested, conversation, message)
        return message

    async def apply(self, unit: ConversationsUnit,
                    outcome: channel_events.MessageDeletion) -> Message | None:
        """Record what the channel did: deleted, or why not. Idempotent."""
        found = await unit.reported(outcome.message_id, lambda m: m.content_type == DELETED)
        if found is None:
            return None
        message, conversation = found
        if outcome.deleted:
            mark_deleted(message)
        else:
            message.failure_reason = ("the channel did not delete the message: "
                                      f"{outcome.failure_reason or 'no reason given'}")
        await unit.announce(topics.MESSAGE_UPDATED, events.message_updated, conversation, message)
        return message
