"""The payload of each event the agent emits: builders only. Writers emit them in their unit of
work (`unit.emit(topics.HANDOFF_REQUESTED, events.handoff_requested(...))`; the catalogue is
clients/rpc/topics.py)."""

from __future__ import annotations

from clients.rpc.gen.switchboard.agent.v1 import events_pb2 as ev
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv_pb


def handoff_requested(conversation: conv_pb.Conversation, reason: str, kind: int,
                      audit_id: str) -> ev.HandoffRequested:
    return ev.HandoffRequested(conversation=conversation, reason=reason, kind=kind,
                               audit_id=audit_id)


def auto_reply_sent(conversation_id: str, message_id: str, audit_id: str) -> ev.AutoReplySent:
    return ev.AutoReplySent(conversation_id=conversation_id, message_id=message_id,
                            audit_id=audit_id)
