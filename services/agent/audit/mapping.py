"""Audit rows and outcomes <-> protobuf messages."""

from __future__ import annotations

from clients.rpc.gen.switchboard.agent.v1 import agent_service_pb2 as pb
from services.agent.audit.health import FAILING, OK, UNKNOWN, Health
from services.agent.audit.models import AuditEntry
from services.kernel.timestamps import timestamp

STATE_TO_PB = {UNKNOWN: pb.MODEL_STATE_UNKNOWN, OK: pb.MODEL_STATE_OK,
               FAILING: pb.MODEL_STATE_FAILING}
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


def health_to_proto(h: Health, failures: int, window_s: int) -> pb.GetAgentHealthResponse:
    f = h.facts
    error = pb.ModelError(kind=f.last_error.result, reason=f.last_error.reason,
                          at=timestamp(f.last_error.at)) if f.last_error else None
    return pb.GetAgentHealthResponse(
        state=STATE_TO_PB[h.state], consecutive_failures=f.streak, last_error=error,
        failing_since=timestamp(f.failing_since), last_success=timestamp(f.last_success),
        last_result_at=timestamp(f.latest[0].at) if f.latest else None,
        handed_over_last_hour=f.handed_over, enabled=h.enabled, model=h.model,
        base_url_host=h.base_url_host, failure_threshold=failures, window_s=window_s)
