"""Tables of the channels service (schema "channels"); every one is RLS-scoped."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import IntEnum

from sqlalchemy import Boolean, DateTime, Index, Integer, LargeBinary, SmallInteger, String, Text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from services.kernel.models import TenantMixin, make_base
from services.kernel.outbox import make_outbox_model

SCHEMA = "channels"
Base = make_base(SCHEMA)
OutboxEvent = make_outbox_model(Base)


class ChannelKind(IntEnum):
    """channel_accounts.kind; the values are those of common.v1.ChannelKind."""

    AVITO = 1


class AccountStatus(IntEnum):
    """channel_accounts.status; the values are those of channels.v1.ChannelStatus."""

    ACTIVE = 1
    DISCONNECTED = 2


class SendStatus(IntEnum):
    """outbound_sends.status. SENDING survives a crash: the next attempt reconciles first."""

    PENDING = 1
    SENDING = 2
    SENT = 3
    FAILED = 4


class ChannelAccount(TenantMixin, Base):
    """A connected account on a channel (an Avito shop). Secrets are Fernet-encrypted."""

    __tablename__ = "channel_accounts"
    __table_args__ = (Index("uq_channel_accounts_external", "tenant_id", "kind",
                            "external_account_id", unique=True),)

    kind: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    status: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    external_account_id: Mapped[str] = mapped_column(String(64), nullable=False)
    external_account_name: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    api_base_url: Mapped[str] = mapped_column(Text, nullable=False)
    client_id: Mapped[str] = mapped_column(String(255), nullable=False)
    client_secret_enc: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    access_token_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    token_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    signing_secret_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The webhook URL's token: its hash for the gateway's check, encrypted to re-subscribe.
    webhook_token_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    webhook_token_enc: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    public_base_url: Mapped[str] = mapped_column(Text, nullable=False)
    webhook_subscribed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class OutboundSend(TenantMixin, Base):
    """One row per outbound message: a redelivered send command never sends twice."""

    __tablename__ = "outbound_sends"
    __table_args__ = (Index("uq_outbound_sends_message", "tenant_id", "message_id", unique=True),)

    message_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    conversation_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    channel_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    external_chat_id: Mapped[str] = mapped_column(String(128), nullable=False)
    external_message_id: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str] = mapped_column(Text, nullable=False, default="")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
