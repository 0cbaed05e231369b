"""The audit entry of one outcome: inputs, knowledge used, model, tokens, latency, cost."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime

from services.agent.answering import metrics
from services.agent.answering.pipeline import Answer
from services.agent.audit import unanswered
from services.agent.audit.models import AuditEntry
from services.agent.repository import AgentUnit

PER_MILLION = 1_000_000


def cost_of(prices: Mapping[str, tuple[float, float]], model: str, prompt_tokens: int,
            completion_tokens: int) -> float:
    """USD from the per-model price table; an unknown model is estimated at 0."""
    prompt_price, completion_price = prices.get(model, (0.0, 0.0))
    return (prompt_tokens * prompt_price + completion_tokens * completion_price) / PER_MILLION


class AuditWriter:
    def __init__(self, prices: Mapping[str, tuple[float, float]]) -> None:
        self.prices = prices

    async def record(self, unit: AgentUnit, answer: Answer, *, now: datetime,
                     latency_ms: int, conversation_id: uuid.UUID | None = None,
                     channel_id: uuid.UUID | None = None,
                     message_ids: Sequence[uuid.UUID] = (), reply_message_id: str = "",
                     preview: bool = False, key: str | None = None,
                     question: str = "") -> AuditEntry:
        """The entry; a live handoff for want of an answer also counts `question` (the
        buyer's open question) among those the agent could not answer."""
        entry = await unit.audit.add({
            "conversation_id": conversation_id, "channel_id": channel_id,
            "outcome": answer.outcome, "reason": answer.reason, "handoff_kind": answer.kind,
            "mode": answer.mode, "input_message_ids": list(message_ids),
            "chunk_ids": [h.chunk_id for h in answer.hits], "model": answer.model,
            "prompt_tokens": answer.prompt_tokens, "completion_tokens": answer.completion_tokens,
            "latency_ms": latency_ms, "low_confidence": answer.low_confidence,
            "model_result": answer.model_result,
            "cost": cost_of(self.prices, answer.model, answer.prompt_tokens,
                            answer.completion_tokens),
            "reply_message_id": uuid.UUID(reply_message_id) if reply_message_id else None,
            "preview": preview, "idempotency_key": key, "created_at": now})
        if unanswered.counts(answer, question, preview):
            await unanswered.record(unit, entry, answer, question, now)
        metrics.TOKENS.labels("prompt").inc(answer.prompt_tokens)
        metrics.TOKENS.labels("completion").inc(answer.completion_tokens)
        return entry
