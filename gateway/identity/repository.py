"""All identity SQL. Repositories flush, never commit: the unit of work does.

Lookups by credential (e-mail, key id, session token hash) run in a tenantless unit of work,
since the tenant is what they are trying to find: RLS shows that unit nothing, and each lookup
calls its one SECURITY DEFINER function (migration 0011), which returns the one row it needs.
Every write runs bound to the tenant it belongs to.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.identity.models import ApiKey, BrowserSession, Tenant, User
from gateway.identity.team_repository import TeamRepository
from gateway.identity.telegram_repository import TelegramLinkRepository
from services.kernel.errors import Conflict
from services.kernel.outbox import Outbox
from services.kernel.unit import Unit

# How stale last_used_at may get: writing it on every request would turn reads into writes.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class KeyCredential:
    """An unrevoked API key, found by its public id (expired or not)."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    secret_sha256: str = field(repr=False)
    scopes: list[str]
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class SessionCredential:
    """An unrevoked session, found by its token's hash; `live`: unexpired, of an enabled user."""

    session_id: uuid.UUID
    tenant_id: uuid.UUID
    user_id: uuid.UUID
    role: str
    expires_at: datetime
    live: bool


@dataclass(frozen=True, slots=True)
class LoginCredential:
    """The user who logs in with an address, and the hash to verify the password against."""

    user_id: uuid.UUID
    tenant_id: uuid.UUID
    password_hash: str = field(repr=False)
    role: str
    disabled: bool


_API_KEY = text("SELECT id, tenant_id, secret_sha256, scopes, expires_at "
                "FROM identity.api_key_credential(:key_id)")
_SESSION = text("SELECT session_id, tenant_id, user_id, role, expires_at, live "
                "FROM identity.session_credential(:token_sha256)")
_LOGIN = text("SELECT user_id, tenant_id, password_hash, role, disabled "
              "FROM identity.login_credential(:email)")
_EMAIL_REGISTERED = text("SELECT identity.email_registered(:email)")


class IdentityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- tenants and users -------------------------------------------------------------------

    async def add_tenant(self, tenant_id: uuid.UUID, name: str) -> Tenant:
        tenant = Tenant(id=tenant_id, name=name)
        self.session.add(tenant)
        await self.session.flush()
        return tenant

    async def add_user(self, tenant_id: uuid.UUID, email: str, name: str, password_hash: str,
                       role: str) -> User:
        user = User(tenant_id=tenant_id, email=email, name=name, password_hash=password_hash,
                    role=role, activated_at=datetime.now(UTC))
        self.session.add(user)
        try:
            await self.session.flush()
        except IntegrityError as exc:
            # The only unique key a new user can hit is lower(email), across all tenants.
            raise Conflict("this e-mail address is already registered") from exc
        return user

    async def email_taken(self, email: str) -> bool:
        """Tenantless: is the address used in any tenant?"""
        return bool(await self.session.scalar(_EMAIL_REGISTERED, {"email": email}))

    async def login_credential(self, email: str) -> LoginCredential | None:
        """Tenantless: the user who logs in with this address, in whichever tenant."""
        row = (await self.session.execute(_LOGIN, {"email": email})).first()
        return None if row is None else LoginCredential(*row)

    async def user_is_active(self, tenant_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        """Is this an active user of the tenant (enabled, invitation accepted)? Bound to the
        tenant: RLS shows no other tenant's users; the filter says so too."""
        found = await self.session.scalar(
            select(User.id).where(User.id == user_id, User.tenant_id == tenant_id,
                                  User.disabled_at.is_(None), User.activated_at.is_not(None)))
        return found is not None

    async def set_password_hash(self, user_id: uuid.UUID, password_hash: str) -> None:
        await self.session.execute(
            update(User).where(User.id == user_id).values(password_hash=password_hash))

    # --- sessions ----------------------------------------------------------------------------

    async def add_session(self, tenant_id: uuid.UUID, user_id: uuid.UUID, token_sha256: str,
                          expires_at: datetime) -> BrowserSession:
        row = BrowserSession(tenant_id=tenant_id, user_id=user_id, token_sha256=token_sha256,
                             expires_at=expires_at)
        self.session.add(row)
        await self.session.flush()
        return row

    async def session_credential(self, token_sha256: str) -> SessionCredential | None:
        """Tenantless: the unrevoked session with this token, live or not."""
        row = (await self.session.execute(_SESSION, {"token_sha256": token_sha256})).first()
        return None if row is None else SessionCredential(*row)

    async def revoke_session(self, session_id: uuid.UUID) -> None:
        await self.session.execute(
            update(BrowserSession)
            .where(BrowserSession.id == session_id, BrowserSession.revoked_at.is_(None))
            .values(revoked_at=func.now()))

    # --- API keys ----------------------------------------------------------------------------

    async def add_api_key(self, tenant_id: uuid.UUID, name: str, key_id: str,
                          secret_sha256: str, scopes: list[str], created_by: uuid.UUID | None,
                          expires_at: datetime | None = None) -> ApiKey:
        row = ApiKey(tenant_id=tenant_id, name=name, key_id=key_id, secret_sha256=secret_sha256,
                     scopes=scopes, created_by=created_by, expires_at=expires_at)
        self.session.add(row)
        await self.session.flush()
        await self.session.refresh(row, ["created_at"])
        return row

    async def api_key_credential(self, key_id: str) -> KeyCredential | None:
        """Tenantless: the unrevoked key with this public id, in whichever tenant."""
        row = (await self.session.execute(_API_KEY, {"key_id": key_id})).first()
        return None if row is None else KeyCredential(*row)

    async def list_api_keys(self, tenant_id: uuid.UUID) -> list[ApiKey]:
        # RLS already limits the rows to the bound tenant; the filter says so in the SQL too.
        rows = await self.session.scalars(
            select(ApiKey).where(ApiKey.tenant_id == tenant_id)
            .order_by(ApiKey.created_at.desc(), ApiKey.id))
        return list(rows.all())

    async def revoke_api_key(self, tenant_id: uuid.UUID, key_uuid: uuid.UUID) -> str | None:
        """Revoke (idempotently); the key's public id, or None when this tenant has no such key."""
        return await self.session.scalar(
            update(ApiKey)
            .where(ApiKey.id == key_uuid, ApiKey.tenant_id == tenant_id)
            .values(revoked_at=func.coalesce(ApiKey.revoked_at, func.now()))
            .returning(ApiKey.key_id))

    async def touch_api_key(self, key_uuid: uuid.UUID) -> None:
        """Record use, unless another request or replica already did within the resolution."""
        await self.session.execute(
            update(ApiKey)
            .where(ApiKey.id == key_uuid,
                   ApiKey.last_used_at.is_(None)
                   | (ApiKey.last_used_at < func.now() - LAST_USED_RESOLUTION))
            # Being used is not an edit: updated_at keeps its value.
            .values(last_used_at=func.now(), updated_at=ApiKey.updated_at))


class IdentityUnit(Unit):
    """One identity transaction (identity emits no events: no outbox)."""

    def __init__(self, session: AsyncSession, outbox: Outbox | None = None) -> None:
        super().__init__(session, outbox)
        self.identity = IdentityRepository(session)
        self.team = TeamRepository(session)
        self.telegram_links = TelegramLinkRepository(session)
