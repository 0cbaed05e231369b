"""Tables of the answering side (schema "agent"); the knowledge tables live in knowledge/models.py
on the same declarative base. Every one is RLS-scoped (migration 0008)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, Float, Index, Integer, LargeBinary, SmallInteger, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from services.agent.base import Base, OutboxEvent
from services.kernel.models import TenantMixin

__all__ = ["AuditEntry", "ConversationSummary", "OutboxEvent", "PendingReply", "SettingsRow"]


class SettingsRow(TenantMixin, Base):
    """One level of settings: the tenant's (channel_id NULL) or one channel's override."""

    __tablename__ = "settings"
    __table_args__ = (
        Index("uq_settings_tenant_level", "tenant_id", unique=True,
              postgresql_where=text("channel_id IS NULL")),
        Index("uq_settings_channel", "tenant_id", "channel_id", unique=True,
              postgresql_where=text("channel_id IS NOT NULL")),
    )

    channel_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # Only the fields set at this level, by field path ("limits.max_reply_chars": 800).
    values: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    api_key_enc: Mapped[bytes | None] = mapped_column(LargeBinary)


class PendingReply(TenantMixin, Base):
    """A buyer waiting for the agent: answered once due_at passes (debounce)."""

    __tablename__ = "pending_replies"
    __table_args__ = (
        Index("uq_pending_replies_conversation", "tenant_id", "conversation_id", unique=True),
        Index("ix_pending_replies_due", "due_at"),
    )

    conversation_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    channel_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    first_unanswered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    last_buyer_message_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    message_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(UUID(as_uuid=True)), nullable=False,
                                                         default=list)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="waiting")
    # Bumped by every buyer message: a run completes the row only if nothing new arrived.
    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str] = mapped_column(Text, nullable=False, default="")


class AuditEntry(TenantMixin, Base):
    """What the agent did for one pending reply (or one preview), and what it cost."""

    __tablename__ = "audit"
    __table_args__ = (
        Index("ix_audit_recent", "tenant_id", text("created_at DESC"), text("id DESC")),
        Index("ix_audit_conversation", "tenant_id", "conversation_id", text("created_at DESC")),
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
    reply_message_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    preview: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    idempotency_key: Mapped[str | None] = mapped_column(String(160))


class ConversationSummary(TenantMixin, Base):
    """The running summary of a long conversation's messages older than the context window."""

    __tablename__ = "conversation_summaries"
    __table_args__ = (
        Index("uq_conversation_summaries_conversation", "tenant_id", "conversation_id", unique=True),
    )

    conversation_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    covered_until: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
