"""Tables of the answering side: buyers waiting for a reply, and running conversation summaries."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from services.agent.models import Base
from services.kernel.models import TenantMixin


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


class ConversationSummary(TenantMixin, Base):
    """The running summary of a long conversation's messages older than the context window."""

    __tablename__ = "conversation_summaries"
    __table_args__ = (
        Index("uq_conversation_summaries_conversation", "tenant_id", "conversation_id", unique=True),
    )

    conversation_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    covered_until: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
