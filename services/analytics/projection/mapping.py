"""Events of the bus -> what the projection needs of them (a Poison for a malformed one)."""

from __future__ import annotations

from datetime import UTC, datetime

from clients.rpc.gen.switchboard.agent.v1 import events_pb2 as agent_events
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv_pb
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as conv_events
from services.analytics.projection.rules import Snapshot
from services.analytics.projection.service import ConversationEvent, MessageSeen
from services.kernel.bus import uuid_field
from services.kernel.timestamps import to_datetime

SENDERS = {conv_pb.SENDER_KIND_CONTACT: "buyer", conv_pb.SENDER_KIND_USER: "manager",
           conv_pb.SENDER_KIND_AGENT: "ai", conv_pb.SENDER_KIND_CHANNEL_APP: "app"}


def snapshot(conversation: conv_pb.Conversation) -> Snapshot:
    updated = to_datetime(conversation.updated_at) if conversation.HasField("updated_at") else None
    created = (to_datetime(conversation.created_at) if conversation.HasField("created_at")
               else None) or updated or datetime.now(UTC)
    return Snapshot(channel_id=uuid_field(conversation.channel_id, "conversation.channel_id"),
                    listing_id=conversation.listing.external_id[:64],
                    listing_title=conversation.listing.title[:255],
                    assignee=conversation.assignee_user_id[:64],
                    status=int(conversation.status), created_at=created, updated_at=updated)


def _message(message: conv_pb.Message) -> MessageSeen | None:
    sender = SENDERS.get(message.sender)
    if sender is None or message.content_type == "note":
        return None
    direction = "in" if message.direction == common.DIRECTION_INBOUND else "out"
    at = to_datetime(message.created_at) if message.HasField("created_at") else None
    return MessageSeen(uuid_field(message.id, "message.id"), direction, sender,
                       at or datetime.now(UTC))


def _event(name: str, conversation: conv_pb.Conversation,
           message: MessageSeen | None = None,
           handoff_at: datetime | None = None) -> ConversationEvent:
    return ConversationEvent(name, uuid_field(conversation.id, "conversation.id"),
                             snapshot(conversation), message, handoff_at)


def received(event: conv_events.MessageReceived) -> ConversationEvent:
    return _event("received", event.conversation, _message(event.message))


def sent(event: conv_events.MessageStatusChanged) -> ConversationEvent | None:
    """A reply counts once the channel took it (a failed one never reached the buyer)."""
    if event.message.status != conv_pb.MESSAGE_STATUS_SENT:
        return None
    return _event("sent", event.conversation, _message(event.message))


def updated(event: conv_events.ConversationUpdated) -> ConversationEvent:
    return _event("updated", event.conversation)


def handoff(event: agent_events.HandoffRequested) -> ConversationEvent:
    conversation = event.conversation
    at = (to_datetime(conversation.handoff.requested_at)
          if conversation.handoff.HasField("requested_at") else None)
    if at is None and conversation.HasField("updated_at"):
        at = to_datetime(conversation.updated_at)
    return _event("handoff", conversation, handoff_at=at or datetime.now(UTC))
