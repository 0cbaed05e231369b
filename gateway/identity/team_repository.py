"""The SQL of team management: a tenant's users, their one-time tokens (invitations, password
resets) and ending their sessions. Every statement runs bound to the tenant (RLS); the filters
say the tenant too. Flushes, never commits."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.identity.models import BrowserSession, User, UserToken


class TeamRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list_users(self, tenant_id: uuid.UUID) -> list[User]:
        rows = await self.session.scalars(
            select(User).where(User.tenant_id == tenant_id)
            .order_by(User.created_at, User.id))
        return list(rows.all())

    async def get_user(self, tenant_id: uuid.UUID, user_id: uuid.UUID, *,
                       lock: bool = False) -> User | None:
        query = select(User).where(User.id == user_id, User.tenant_id == tenant_id)
        return await self.session.scalar(query.with_for_update() if lock else query)

    async def lock_owners(self, tenant_id: uuid.UUID) -> list[uuid.UUID]:
        """The active owners, locked: two changes at once cannot both remove 'the other' one."""
        rows = await self.session.scalars(
            select(User.id).where(User.tenant_id == tenant_id, User.role == "owner",
                                  User.disabled_at.is_(None), User.activated_at.is_not(None))
            .with_for_update())
        return list(rows.all())

    async def add_invited(self, tenant_id: uuid.UUID, email: str, name: str,
                          role: str) -> User:
        """An invited user: no password (an empty hash verifies nothing), not activated."""
        user = User(tenant_id=tenant_id, email=email, name=name, password_hash="", role=role)
        self.session.add(user)
        await self.session.flush()
        return user

    async def activate(self, user: User, password_hash: str, name: str | None) -> None:
        user.password_hash = password_hash
        user.activated_at = user.activated_at or datetime.now(UTC)
        if name:
            user.name = name
        await self.session.flush()

    async def record_login(self, user_id: uuid.UUID) -> None:
        await self.session.execute(
            update(User).where(User.id == user_id)
            .values(last_login_at=func.now(), updated_at=User.updated_at))

    # --- one-time tokens ---------------------------------------------------------------------

    async def add_token(self, tenant_id: uuid.UUID, user_id: uuid.UUID, purpose: str,
                        token_sha256: str, expires_at: datetime,
                        created_by: uuid.UUID | None) -> None:
        """A new token; the user's earlier unused ones (of any purpose) stop working."""
        await self.retire_tokens(tenant_id, user_id)
        self.session.add(UserToken(tenant_id=tenant_id, user_id=user_id, purpose=purpose,
                                   token_sha256=token_sha256, expires_at=expires_at,
                                   created_by=created_by))
        await self.session.flush()

    async def take_token(self, tenant_id: uuid.UUID, token_sha256: str,
                         purpose: str) -> uuid.UUID | None:
        """Use a live token of this purpose, once: its user's id, or None."""
        return await self.session.scalar(
            update(UserToken)
            .where(UserToken.tenant_id == tenant_id, UserToken.token_sha256 == token_sha256,
                   UserToken.purpose == purpose, UserToken.used_at.is_(None),
                   UserToken.expires_at > func.now())
            .values(used_at=func.now())
            .returning(UserToken.user_id))

    async def retire_tokens(self, tenant_id: uuid.UUID, user_id: uuid.UUID) -> None:
        await self.session.execute(
            update(UserToken)
            .where(UserToken.tenant_id == tenant_id, UserToken.user_id == user_id,
                   UserToken.used_at.is_(None))
            .values(used_at=func.now()))

    # --- sessions ----------------------------------------------------------------------------

    async def end_sessions(self, tenant_id: uuid.UUID, user_id: uuid.UUID,
                           keep: uuid.UUID | None = None) -> list[str]:
        """Revoke the user's sessions (but `keep`); their token hashes, for the caches."""
        query = (update(BrowserSession)
                 .where(BrowserSession.tenant_id == tenant_id, BrowserSession.user_id == user_id,
                        BrowserSession.revoked_at.is_(None))
                 .values(revoked_at=func.now())
                 .returning(BrowserSession.token_sha256))
        if keep is not None:
            query = query.where(BrowserSession.id != keep)
        return list((await self.session.scalars(query)).all())
