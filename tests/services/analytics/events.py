"""Events as conversations and the agent publish them, for the projection's tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from clients.rpc import topics
from clients.rpc.gen.switchboard.agent.v1 import events_pb2 as agent_events
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv_pb
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as conv_events
from services.kernel.bus import Bus
from services.kernel.timestamps import timestamp

SENDERS = {"buyer": conv_pb.SENDER_KIND_CONTACT, "manager": conv_pb.SENDER_KIND_USER,
           "ai": conv_pb.SENDER_KIND_AGENT, "app": conv_pb.SENDER_KIND_CHANNEL_APP}


@dataclass
class Chat:
    """One conversation of one tenant, publishing its events on the bus."""

    bus: Bus
    tenant: uuid.UUID
    channel: uuid.UUID
    created: datetime
    listing: str = ""
    assignee: str = ""
    status: int = conv_pb.CONVERSATION_STATUS_OPEN
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def conversation(self, updated: datetime) -> conv_pb.Conversation:
        return conv_pb.Conversation(
            id=str(self.id), channel_id=str(self.channel), status=self.status,  # type: ignore[arg-type]
            assignee_user_id=self.assignee, created_at=timestamp(self.created),
            updated_at=timestamp(updated),
            listing=common.Listing(external_id=self.listing, title=f"Объявление {self.listing}"))

    async def message(self, sender: str, at: datetime, *,
                      message_id: uuid.UUID | None = None, repeat: int = 0) -> uuid.UUID:
        """A buyer's (or the seller's app's) message received, or a reply sent; `repeat`
        publishes the same fact again under another bus id (as a replayed outbox would)."""
        mid = message_id or uuid.uuid4()
        message = conv_pb.Message(
            id=str(mid), conversation_id=str(self.id), sender=SENDERS[sender],
            direction=(common.DIRECTION_INBOUND if sender == "buyer"
                       else common.DIRECTION_OUTBOUND),
            status=(conv_pb.MESSAGE_STATUS_RECEIVED if sender in ("buyer", "app")
                    else conv_pb.MESSAGE_STATUS_SENT),
            created_at=timestamp(at), text="…")
        if sender in ("buyer", "app"):
            event = conv_events.MessageReceived(conversation=self.conversation(at), message=message)
            topic = topics.MESSAGE_RECEIVED
        else:
            event = conv_events.MessageStatusChanged(conversation=self.conversation(at),
                                                     message=message)
            topic = topics.MESSAGE_STATUS_CHANGED
        await self.bus.publish_event(topic, self.tenant, event, msg_id=f"{mid}:{repeat}")
        return mid

    async def updated(self, at: datetime) -> None:
        await self.bus.publish_event(
            topics.CONVERSATION_UPDATED, self.tenant,
            conv_events.ConversationUpdated(conversation=self.conversation(at)),
            msg_id=f"{self.id}:updated:{at.isoformat()}")

    async def handed_off(self, at: datetime) -> None:
        conversation = self.conversation(at)
        conversation.handoff.requested_at.CopyFrom(timestamp(at))
        await self.bus.publish_event(
            topics.HANDOFF_REQUESTED, self.tenant,
            agent_events.HandoffRequested(conversation=conversation, reason="вопрос о цене",
                                          kind=agent_events.HANDOFF_KIND_KEYWORDS),
            msg_id=f"{self.id}:handoff:{at.isoformat()}")
