"""Audit rows, outcomes and the unanswered questions <-> protobuf messages."""

from __future__ import annotations

from clients.rpc.gen.switchboard.agent.v1 import agent_service_pb2 as pb
from services.agent.audit.health import FAILING, OK, UNKNOWN, Health
from services.agent.audit.models import AuditEntry, UnansweredQuestion
from services.agent.audit.unanswered import ANSWERED, DISMISSED, OPEN
from services.agent.knowledge.retrieval import Hit
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


STATE_FROM_PB = {pb.UNANSWERED_STATE_UNSPECIFIED: OPEN, pb.UNANSWERED_STATE_OPEN: OPEN,
                 pb.UNANSWERED_STATE_ANSWERED: ANSWERED, pb.UNANSWERED_STATE_DISMISSED: DISMISSED}
STATE_TO_PB_UNANSWERED = {OPEN: pb.UNANSWERED_STATE_OPEN, ANSWERED: pb.UNANSWERED_STATE_ANSWERED,
                          DISMISSED: pb.UNANSWERED_STATE_DISMISSED}


def unanswered_to_proto(row: UnansweredQuestion) -> pb.UnansweredQuestion:
    return pb.UnansweredQuestion(
        id=str(row.id), question=row.question, asked_count=row.asked_count,
        first_asked_at=timestamp(row.first_asked_at), last_asked_at=timestamp(row.last_asked_at),
        conversation_id=str(row.conversation_id or ""), best_chunk_id=str(row.best_chunk_id or ""),
        best_question=row.best_question, best_score=row.best_score, reason=row.reason,
        state=STATE_TO_PB_UNANSWERED[row.state],
        answered_document_id=str(row.answered_document_id or ""),
        resolved_at=timestamp(row.resolved_at))


def hit_to_proto(h: Hit) -> pb.UsedChunk:
    return pb.UsedChunk(chunk_id=str(h.chunk_id), document_id=str(h.document_id), kind=h.kind,
                        text=h.text, score=h.score, question=h.question)
