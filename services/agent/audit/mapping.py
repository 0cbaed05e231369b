"""Audit rows and outcomes <-> protobuf messages."""

from __future__ import annotations

from clients.rpc.gen.switchboard.agent.v1 import agent_service_pb2 as pb
from services.agent.audit.models import AuditEntry
from services.kernel.timestamps import timestamp

OUTCOME_TO_PB = {"reply": pb.OUTCOME_REPLY, "handoff": pb.OUTCOME_HANDOFF,
                 "skipped": pb.OUTCOME_SKIPPED}


def audit_to_proto(row: AuditEntry) -> pb.AuditEntry:
    return pb.AuditEntry(
        id=str(row.id), conversation_id=str(row.conversation_id or ""),
        channel_id=str(row.channel_id or ""), outcome=OUTCOME_TO_PB.get(row.outcome, 0),
        reason=row.reason, input_message_ids=[str(i) for i in row.input_message_ids],
        chunk_ids=[str(i) for i in row.chunk_ids], mode=row.mode, model=row.model,
        prompt_tokens=row.prompt_tokens, completion_tokens=row.completion_tokens,
        latency_ms=row.latency_ms, cost_estimate=row.cost,
        reply_message_id=str(row.reply_message_id or ""), preview=row.preview,
        created_at=timestamp(row.created_at))
