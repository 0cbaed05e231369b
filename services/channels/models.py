"""Tables of the channels service (schema "channels"); every one is RLS-scoped."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import IntEnum

from sqlalchemy import BigInteger, Boolean, DateTime, Index, Integer, LargeBinary, SmallInteger, String, Text
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
    # A bot taking buyers' private messages: external_account_id is its Telegram id,
    # client_secret_enc its token, the webhook token its setWebhook secret_token.
    TELEGRAM = 2


class AccountStatus(IntEnum):
    """channel_accounts.status; the values are those of channels.v1.ChannelStatus."""

    ACTIVE = 1
    DISCONNECTED = 2


class AuthKind(IntEnum):
    """channel_accounts.auth_kind; the values are those of channels.v1.AuthKind."""

    CLIENT_CREDENTIALS = 1  # the seller's own client_id/secret
    AUTHORIZATION_CODE = 2  # the platform's partner app; the refresh token rotates


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
    auth_kind: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=1)
    # authorization_code accounts only; rotated on every refresh (Avito makes it single-use).
    refresh_token_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    webhook_enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    last_webhook_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_sync_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    disconnected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Token health (the platform job channels.token_health): last check, next one (also its
    # lease), since when Avito refuses the token (NULL: accepted) and why.
    token_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    token_check_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    token_refused_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    token_error: Mapped[str] = mapped_column(Text, nullable=False, default="")


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
    # Parts already taken by a channel whose chats cannot be read back (Telegram): an
    # interrupted attempt resumes after them instead of reconciling against the chat.
    parts_sent: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=0)


class OAuthState(TenantMixin, Base):
    """A consent request in flight (authorization-code flow); single-use, hash only."""

    __tablename__ = "oauth_states"
    __table_args__ = (Index("uq_oauth_states_state", "state_sha256", unique=True),)

    state_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    api_base_url: Mapped[str] = mapped_column(Text, nullable=False)
    public_base_url: Mapped[str] = mapped_column(Text, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SyncState(TenantMixin, Base):
    """When an account is next due for reconciliation; claimed FOR UPDATE SKIP LOCKED."""

    __tablename__ = "sync_state"
    __table_args__ = (Index("uq_sync_state_channel", "tenant_id", "channel_id", unique=True),)

    channel_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    next_due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    last_synced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Chats updated after this unix time are fetched on the next pass.
    synced_until: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    backfilled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str] = mapped_column(Text, nullable=False, default="")


class Listing(TenantMixin, Base):
    """Cached listing (item) details, refreshed when stale."""

    __tablename__ = "listings"
    __table_args__ = (Index("uq_listings_item", "tenant_id", "channel_id", "item_id", unique=True),)

    channel_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    item_id: Mapped[str] = mapped_column(String(64), nullable=False)
    title: Mapped[str] = mapped_column(String(512), nullable=False, default="")
    price_minor: Mapped[int | None] = mapped_column(BigInteger)
    url: Mapped[str] = mapped_column(Text, nullable=False, default="")
    image_url: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    fetched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Chat(TenantMixin, Base):
    """A chat whose buyer was looked up on the channel (once per chat): who they are and the
    name the lookup found ("" when it found none)."""

    __tablename__ = "chats"
    __table_args__ = (Index("uq_chats_chat", "tenant_id", "channel_id", "chat_id", unique=True),)

    channel_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    chat_id: Mapped[str] = mapped_column(String(128), nullable=False)
    buyer_user_id: Mapped[str] = mapped_column(String(128), nullable=False, default="")
    buyer_name: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    looked_up_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class TelegramDelivery(IntEnum):
    """telegram_bots.delivery; the values are those of channels.v1.TelegramDelivery."""

    WEBHOOK = 1  # Telegram POSTs updates to the gateway
    POLLING = 2  # no webhook: the bot runner calls getUpdates (local development)


class TelegramBotStatus(IntEnum):
    """telegram_bots.status; the values are those of channels.v1.TelegramBotStatus."""

    ACTIVE = 1


class TelegramBot(TenantMixin, Base):
    """A tenant's Telegram bot. The token and the runner's API key are Fernet-encrypted; of the
    webhook secret only its SHA-256 is kept (the plaintext went to Telegram once)."""

    __tablename__ = "telegram_bots"
    __table_args__ = (Index("uq_telegram_bots_telegram_id", "telegram_id", unique=True),)

    telegram_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    username: Mapped[str] = mapped_column(String(64), nullable=False)
    first_name: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    token_enc: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    delivery: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    webhook_secret_sha256: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    # The gateway's public URL the webhook was set under ("" for polling).
    public_base_url: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The supergroup the runner posts conversations to; None until one is linked.
    group_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    group_title: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    # The gateway's API key for the bot runner (identity's key row id), and the key itself.
    runner_api_key_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    runner_api_key_enc: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    status: Mapped[int] = mapped_column(SmallInteger, nullable=False)
