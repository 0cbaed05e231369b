"""Events the agent emits, written to its outbox in the business transaction.

Subjects: sb.agent.<tenant_id>.<entity>.<event> (catalogue in docs/events.md).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from clients.rpc import topics
from clients.rpc.gen.switchboard.agent.v1 import events_pb2 as ev
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv_pb
from services.kernel.outbox import Outbox
from services.kernel.tenancy import require_tenant


class AgentEvents:
    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    def handoff_requested(self, session: AsyncSession, conversation: conv_pb.Conversation,
                          reason: str, kind: int, audit_id: str) -> None:
        self.outbox.add(session, topics.HANDOFF_REQUESTED, require_tenant(),
                        ev.HandoffRequested(conversation=conversation, reason=reason, kind=kind,
                                            audit_id=audit_id))

    def auto_reply_sent(self, session: AsyncSession, conversation_id: str, message_id: str,
                        audit_id: str) -> None:
        self.outbox.add(session, topics.AUTO_REPLY_SENT, require_tenant(),
                        ev.AutoReplySent(conversation_id=conversation_id, message_id=message_id,
                                         audit_id=audit_id))
