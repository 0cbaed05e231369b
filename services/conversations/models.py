"""Tables of the conversations service (schema "conversations"), every one RLS-scoped, and the
enums of their columns. Enum values are the proto enum numbers, so rows, domain and wire agree
without translation tables."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import IntEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from services.kernel.models import TenantMixin, make_base
from services.kernel.outbox import make_outbox_model

SCHEMA = "conversations"
Base = make_base(SCHEMA)
OutboxEvent = make_outbox_model(Base)

PREVIEW_LENGTH = 280
NAME_LENGTH = 255  # contacts.name


class Status(IntEnum):
    OPEN = pb.CONVERSATION_STATUS_OPEN
    PENDING = pb.CONVERSATION_STATUS_PENDING
    SNOOZED = pb.CONVERSATION_STATUS_SNOOZED
    RESOLVED = pb.CONVERSATION_STATUS_RESOLVED


class Mode(IntEnum):
    BOT = pb.CONVERSATION_MODE_BOT
    MANAGER = pb.CONVERSATION_MODE_MANAGER


# A new conversation is handled by humans until the AI agent is configured for it.
DEFAULT_MODE = Mode.MANAGER


class MessageStatus(IntEnum):
    RECEIVED = pb.MESSAGE_STATUS_RECEIVED
    PENDING = pb.MESSAGE_STATUS_PENDING
    SENT = pb.MESSAGE_STATUS_SENT
    FAILED = pb.MESSAGE_STATUS_FAILED


class Sender(IntEnum):
    CONTACT = pb.SENDER_KIND_CONTACT
    USER = pb.SENDER_KIND_USER
    AGENT = pb.SENDER_KIND_AGENT
    CHANNEL_APP = pb.SENDER_KIND_CHANNEL_APP


class Direction(IntEnum):
    INBOUND = common.DIRECTION_INBOUND
    OUTBOUND = common.DIRECTION_OUTBOUND


def preview(text: str, content_type: str) -> str:
    """A conversation's `last_message_preview` for a message."""
    body = text.strip() or f"[{content_type}]"
    return body if len(body) <= PREVIEW_LENGTH else body[: PREVIEW_LENGTH - 1] + "…"


class Contact(TenantMixin, Base):
    """A buyer as seen on one channel account."""

    __tablename__ = "contacts"
    __table_args__ = (Index("uq_contacts_external", "tenant_id", "channel_id", "external_user_id",
                            unique=True),)

    channel_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    external_user_id: Mapped[str] = mapped_column(String(128), nullable=False)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(64), nullable=False, default="")


class Conversation(TenantMixin, Base):
    __tablename__ = "conversations"
    __table_args__ = (
        Index("uq_conversations_external", "tenant_id", "channel_id", "external_chat_id",
              unique=True),
        # Serve the inbox list: sort by recent or by price, keyset-paged on id.
        Index("ix_conversations_recent", "tenant_id", text("last_message_at DESC"), text("id DESC")),
        Index("ix_conversations_price", "tenant_id", "listing_price_minor", "id"),
        Index("ix_conversations_price_desc", "tenant_id",
              text("listing_price_minor DESC NULLS LAST"), text("id DESC")),
        Index("ix_conversations_handoff", "tenant_id", text("last_message_at DESC"),
              text("id DESC"), postgresql_where=text("handoff_requested_at IS NOT NULL")),
        # One assignee's conversations ("mine"), recent first (migration 0029).
        Index("ix_conversations_assignee", "tenant_id", "assignee_user_id",
              text("last_message_at DESC"), text("id DESC"),
              postgresql_where=text("assignee_user_id IS NOT NULL")),
        # Pinned rows come first in every list (inbox/queries.py); a tenant has few.
        Index("ix_conversations_pinned", "tenant_id", postgresql_where=text("pinned")),
        # The wake job's walk (inbox/snooze.py), across tenants through a definer function.
        Index("ix_conversations_snoozed", "snoozed_until", postgresql_where=text("status = 3")),
    )

    channel_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    channel_kind: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    external_chat_id: Mapped[str] = mapped_column(String(128), nullable=False)
    contact_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    status: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    mode: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    assignee_user_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    pinned: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    labels: Mapped[list[str]] = mapped_column(ARRAY(String(64)), nullable=False, default=list)
    unread_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    waiting_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_message_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    last_message_preview: Mapped[str] = mapped_column(String(280), nullable=False, default="")
    # The newest private note: notes leave last_message_at alone (they answer nobody), but an
    # export of a range must still find a conversation whose only activity then was a note.
    last_note_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    listing_external_id: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    listing_title: Mapped[str] = mapped_column(String(512), nullable=False, default="")
    listing_price_minor: Mapped[int | None] = mapped_column(BigInteger)
    listing_url: Mapped[str] = mapped_column(Text, nullable=False, default="")
    listing_image_url: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The agent's open handoff (inbox/handoffs.py); the event id outlives it (redeliveries).
    handoff_requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    handoff_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    handoff_kind: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    handoff_event_id: Mapped[str | None] = mapped_column(String(128))
    # While snoozed: when it wakes (back to open). Cleared by any other status.
    snoozed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Message(TenantMixin, Base):
    __tablename__ = "messages"
    __table_args__ = (
        # Idempotent store: a redelivered or duplicated webhook finds its message already here.
        Index("uq_messages_external", "tenant_id", "conversation_id", "external_message_id",
              unique=True, postgresql_where=text("external_message_id IS NOT NULL")),
        Index("uq_messages_idempotency", "tenant_id", "conversation_id", "idempotency_key",
              unique=True, postgresql_where=text("idempotency_key IS NOT NULL")),
        Index("ix_messages_timeline", "tenant_id", "conversation_id", text("sent_at DESC"),
              text("id DESC")),
    )

    conversation_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    direction: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    sender: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    sender_user_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    content_type: Mapped[str] = mapped_column(String(32), nullable=False, default="text")
    text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False, default=list)
    status: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    failure_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    external_message_id: Mapped[str | None] = mapped_column(String(128))
    idempotency_key: Mapped[str | None] = mapped_column(String(128))
    raw: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    quoted_message_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    historical: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class Media(TenantMixin, Base):
    """A file uploaded to attach to a reply (kept in PostgreSQL: images are at most 24 MB)."""

    __tablename__ = "media"

    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    mime_type: Mapped[str] = mapped_column(String(127), nullable=False)
    filename: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)


class CannedReply(TenantMixin, Base):
    """A saved answer with {variables}, rendered for a conversation (inbox/canned.py)."""

    __tablename__ = "canned_replies"
    __table_args__ = (Index("uq_canned_replies_shortcut", "tenant_id", "shortcut", unique=True,
                            postgresql_where=text("shortcut IS NOT NULL")),)

    title: Mapped[str] = mapped_column(String(200), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    shortcut: Mapped[str | None] = mapped_column(String(32))
