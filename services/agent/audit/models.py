"""The audit table: what the agent did for one pending reply (or one preview), and its cost;
and the questions it could not answer, grouped, for the seller to answer or dismiss."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from services.agent.models import Base
from services.kernel.models import TenantMixin


class AuditEntry(TenantMixin, Base):
    """What the agent did for one pending reply (or one preview), and what it cost."""

    __tablename__ = "audit"
    __table_args__ = (
        Index("ix_audit_recent", "tenant_id", text("created_at DESC"), text("id DESC")),
        Index("ix_audit_conversation", "tenant_id", "conversation_id", text("created_at DESC")),
        # The agent's health: the latest model outcomes of live (not preview) runs.
        Index("ix_audit_model_results", "tenant_id", text("created_at DESC"),
              postgresql_where=text("model_result <> '' AND NOT preview")),
        Index("uq_audit_idempotency", "tenant_id", "idempotency_key", unique=True,
              postgresql_where=text("idempotency_key IS NOT NULL")),
    )

    conversation_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    channel_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    outcome: Mapped[str] = mapped_column(String(16), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    handoff_kind: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=0)
    mode: Mapped[str] = mapped_column(String(8), nullable=False, default="")
    input_message_ids: Mapped[list[uuid.UUID]] = mapped_column(
        ARRAY(UUID(as_uuid=True)), nullable=False, default=list)
    chunk_ids: Mapped[list[uuid.UUID]] = mapped_column(
        ARRAY(UUID(as_uuid=True)), nullable=False, default=list)
    model: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    prompt_tokens: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    completion_tokens: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    latency_ms: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    cost: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    low_confidence: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # "" (the model was not asked), "ok", or a failure's kind (settings/endpoint.py).
    model_result: Mapped[str] = mapped_column(String(24), nullable=False, default="",
                                              server_default="")
    reply_message_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    preview: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    idempotency_key: Mapped[str | None] = mapped_column(String(160))


class UnansweredQuestion(TenantMixin, Base):
    """A buyer's question the agent handed over for want of an answer; one row per normalised
    text, so repeats add up (audit/unanswered.py)."""

    __tablename__ = "unanswered_questions"
    __table_args__ = (
        Index("uq_unanswered_questions_key", "tenant_id", "question_key", unique=True),
        Index("ix_unanswered_questions_recent", "tenant_id", "state",
              text("last_asked_at DESC"), text("id DESC")),
    )

    question_key: Mapped[str] = mapped_column(Text, nullable=False)
    question: Mapped[str] = mapped_column(Text, nullable=False)
    asked_count: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    first_asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    last_asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    conversation_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    audit_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    best_chunk_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    best_question: Mapped[str] = mapped_column(Text, nullable=False, default="")
    best_score: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    state: Mapped[str] = mapped_column(String(12), nullable=False, default="open")
    answered_document_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
