"""The agent's handoff reaching conversations (`conversations-handoffs`): the conversation
shows it ("needs a manager") until a person acts (rules: inbox/handoffs.py), and says so twice:
conversation.updated, as every change, and conversation.handoff_requested for whoever reacts to
the handoff itself (the Telegram group's mention, the inbox's banner)."""

from __future__ import annotations

import logging
import uuid

from clients.rpc import topics
from clients.rpc.gen.switchboard.agent.v1 import events_pb2 as agent
from services.conversations import events
from services.conversations.inbox import handoffs
from services.conversations.repository import ConversationsUnit
from services.kernel.timestamps import to_datetime

log = logging.getLogger(__name__)

MAX_REASON = 2_000  # characters kept of the agent's reason (the note has it whole)


class HandoffRecorder:
    async def apply(self, unit: ConversationsUnit, conversation_id: uuid.UUID,
                    event: agent.HandoffRequested, msg_id: str) -> bool:
        """True when the conversation now shows this handoff; a redelivery changes nothing."""
        conversation = await unit.conversations.lock(conversation_id)
        if conversation is None:
            log.warning("handoff for an unknown conversation",
                        extra={"conversation_id": str(conversation_id)})
            return False
        snapshot_at = to_datetime(event.conversation.updated_at) \
            if event.conversation.HasField("updated_at") else None
        request = handoffs.HandoffRequest(
            event_id=event.audit_id or msg_id, requested_at=handoffs.requested_at(snapshot_at),
            reason=event.reason.strip()[:MAX_REASON], kind=handoffs.kind_name(event.kind))
        replied = await unit.messages.human_reply_since(conversation.id, request.requested_at)
        if not handoffs.open_handoff(conversation, request, human_replied_since=replied):
            await unit.flush()  # the event id, if it was recorded: a redelivery is known
            return False
        await unit.announce(topics.CONVERSATION_UPDATED, events.conversation_updated, conversation)
        await unit.announce(topics.CONVERSATION_HANDOFF_REQUESTED, events.handoff_requested,
                            conversation)
        return True
