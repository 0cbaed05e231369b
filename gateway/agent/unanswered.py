"""The questions the agent could not answer, as both APIs show them, and the seller's answer to
one (an FAQ entry added in one step)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from clients.rpc.gen.switchboard.agent.v1 import agent_service_pb2 as pb
from gateway.agent.settings import STRICT
from services.kernel.timestamps import to_datetime

UnansweredState = Literal["open", "answered", "dismissed"]
STATES: dict[str, int] = {"open": pb.UNANSWERED_STATE_OPEN,
                          "answered": pb.UNANSWERED_STATE_ANSWERED,
                          "dismissed": pb.UNANSWERED_STATE_DISMISSED}
STATE_NAMES = {v: k for k, v in STATES.items()}


class UnansweredOut(BaseModel):
    id: str
    question: str = Field(description="The buyer's latest wording")
    asked_count: int = Field(description="How many times this text (normalised) was asked")
    first_asked_at: datetime
    last_asked_at: datetime
    conversation_id: str | None = Field(description="Where it was asked last")
    best_chunk_id: str | None = Field(description="The closest knowledge entry then")
    best_question: str
    best_score: float
    reason: str = Field(description="Why the agent handed over")
    state: UnansweredState
    answered_document_id: str | None = Field(description="The FAQ document added for it")
    resolved_at: datetime | None

    @classmethod
    def from_proto(cls, q: pb.UnansweredQuestion) -> UnansweredOut:
        return cls(
            id=q.id, question=q.question, asked_count=q.asked_count,
            first_asked_at=to_datetime(q.first_asked_at),  # type: ignore[arg-type]
            last_asked_at=to_datetime(q.last_asked_at),  # type: ignore[arg-type]
            conversation_id=q.conversation_id or None, best_chunk_id=q.best_chunk_id or None,
            best_question=q.best_question, best_score=q.best_score, reason=q.reason,
            state=STATE_NAMES[q.state],  # type: ignore[arg-type]
            answered_document_id=q.answered_document_id or None,
            resolved_at=to_datetime(q.resolved_at))


class AnswerIn(BaseModel):
    model_config = STRICT
    answer: str = Field(min_length=1, max_length=4000, description=(
        "What the agent will send to a buyer asking this"))
    question: str = Field(default="", max_length=1000, description=(
        "The FAQ entry's question; empty = the buyer's wording"))


class AnsweredOut(BaseModel):
    question: UnansweredOut
    document_id: str = Field(description="The knowledge document holding the new FAQ entry")
