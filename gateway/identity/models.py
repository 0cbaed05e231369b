"""Identity tables (schema "identity"): tenants, users (with their invitation and reset
tokens), browser sessions, API keys, and the Telegram accounts linked to users (with the
one-time codes that link them)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, String, func, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from services.kernel.models import TenantMixin, make_base, new_id

SCHEMA = "identity"
Base = make_base(SCHEMA)


class Tenant(Base):
    """A seller's organisation. Its own id is its RLS key."""

    __tablename__ = "tenants"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now())


class User(TenantMixin, Base):
    __tablename__ = "users"
    # Login is by e-mail alone, so an address belongs to one tenant.
    __table_args__ = (Index("uq_users_email", text("lower(email)"), unique=True),)

    email: Mapped[str] = mapped_column(String(320), nullable=False)
    name: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)  # owner | admin | agent
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # None while invited: no password yet (the hash is empty), so no login either.
    activated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class BrowserSession(TenantMixin, Base):
    __tablename__ = "sessions"
    __table_args__ = (Index("uq_sessions_token", "token_sha256", unique=True),)

    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    token_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ApiKey(TenantMixin, Base):
    """`sb_<key_id>_<secret>`: the key id finds the row, the secret's hash proves possession."""

    __tablename__ = "api_keys"
    __table_args__ = (Index("uq_api_keys_key_id", "key_id", unique=True),)

    name: Mapped[str] = mapped_column(String(255), nullable=False)
    key_id: Mapped[str] = mapped_column(String(32), nullable=False)
    secret_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    # "read" | "write" | "admin" | "<resource>:read" | "<resource>:write" (scopes.py)
    scopes: Mapped[list[str]] = mapped_column(ARRAY(String(64)), nullable=False)
    created_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # None: never


class TelegramLink(TenantMixin, Base):
    """A user's Telegram account: one per user and one user per account, within a tenant."""

    __tablename__ = "telegram_links"
    __table_args__ = (
        Index("uq_telegram_links_telegram_user", "tenant_id", "telegram_user_id", unique=True),
        Index("uq_telegram_links_user", "tenant_id", "user_id", unique=True),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    telegram_username: Mapped[str | None] = mapped_column(String(64))


class TelegramLinkCode(TenantMixin, Base):
    """A one-time code a user sends the tenant's bot: only its SHA-256 is kept."""

    __tablename__ = "telegram_link_codes"
    __table_args__ = (
        Index("uq_telegram_link_codes_code", "tenant_id", "code_sha256", unique=True),
        Index("ix_telegram_link_codes_user", "tenant_id", "user_id"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    code_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UserToken(TenantMixin, Base):
    """A one-time token of an invitation or a password reset: only its SHA-256 is kept."""

    __tablename__ = "user_tokens"
    __table_args__ = (
        Index("uq_user_tokens_token", "tenant_id", "token_sha256", unique=True),
        Index("ix_user_tokens_user", "tenant_id", "user_id"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    purpose: Mapped[str] = mapped_column(String(16), nullable=False)  # invite | reset
    token_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    created_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
