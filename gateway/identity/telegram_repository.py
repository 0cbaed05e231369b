"""The SQL of Telegram links and their one-time codes (gateway/identity/telegram_links.py has
the rules). Every statement runs bound to the caller's tenant; the filters say so too."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.identity.models import TelegramLink, TelegramLinkCode, User


@dataclass(frozen=True, slots=True)
class LinkedUser:
    """The platform user behind a Telegram account, as the bot runner needs them."""

    id: uuid.UUID
    email: str
    name: str
    role: str
    active: bool


@dataclass(frozen=True, slots=True)
class Link:
    """A Telegram account and the user it is linked to."""

    telegram_user_id: int
    telegram_username: str | None
    created_at: datetime
    user: LinkedUser


# A link and its user, in one indexed query: what every read of links returns.
_LINKS = (select(TelegramLink.telegram_user_id, TelegramLink.telegram_username,
                 TelegramLink.created_at, User.id, User.email, User.name, User.role,
                 User.disabled_at.is_(None))
          .join(User, User.id == TelegramLink.user_id))


def _link(row: Sequence[Any]) -> Link:
    return Link(telegram_user_id=row[0], telegram_username=row[1], created_at=row[2],
                user=LinkedUser(id=row[3], email=row[4], name=row[5], role=row[6],
                                active=row[7]))


class TelegramLinkRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def user(self, tenant_id: uuid.UUID, user_id: uuid.UUID) -> LinkedUser | None:
        row = (await self.session.execute(
            select(User.id, User.email, User.name, User.role, User.disabled_at.is_(None))
            .where(User.id == user_id, User.tenant_id == tenant_id))).first()
        return None if row is None else LinkedUser(id=row[0], email=row[1], name=row[2],
                                                   role=row[3], active=row[4])

    # --- codes -------------------------------------------------------------------------------

    async def replace_code(self, tenant_id: uuid.UUID, user_id: uuid.UUID, code_sha256: str,
                           expires_at: datetime) -> None:
        """The user's one code from now on: earlier ones (unused, used or expired) are gone."""
        await self.session.execute(delete(TelegramLinkCode).where(
            TelegramLinkCode.tenant_id == tenant_id, TelegramLinkCode.user_id == user_id))
        self.session.add(TelegramLinkCode(tenant_id=tenant_id, user_id=user_id,
                                          code_sha256=code_sha256, expires_at=expires_at))
        await self.session.flush()

    async def claim_code(self, tenant_id: uuid.UUID, code_sha256: str,
                         now: datetime) -> uuid.UUID | None:
        """Mark an unused, unexpired code used; its user, or None. The row lock makes a second
        claim of the same code wait for the first, then find it used."""
        return await self.session.scalar(
            update(TelegramLinkCode)
            .where(TelegramLinkCode.tenant_id == tenant_id,
                   TelegramLinkCode.code_sha256 == code_sha256,
                   TelegramLinkCode.used_at.is_(None), TelegramLinkCode.expires_at > now)
            .values(used_at=now)
            .returning(TelegramLinkCode.user_id))

    # --- links -------------------------------------------------------------------------------

    async def link(self, tenant_id: uuid.UUID, user_id: uuid.UUID, telegram_user_id: int,
                   telegram_username: str | None) -> None:
        """Link the two, replacing the user's earlier account and the account's earlier user.
        Two links racing for the same account or user: the later insert hits a unique index
        (IntegrityError), and the caller retries its unit."""
        await self.session.execute(delete(TelegramLink).where(
            TelegramLink.tenant_id == tenant_id,
            or_(TelegramLink.user_id == user_id,
                TelegramLink.telegram_user_id == telegram_user_id)))
        self.session.add(TelegramLink(tenant_id=tenant_id, user_id=user_id,
                                      telegram_user_id=telegram_user_id,
                                      telegram_username=telegram_username))
        await self.session.flush()

    async def find(self, tenant_id: uuid.UUID, telegram_user_id: int) -> Link | None:
        """One indexed query (tenant, Telegram user id), with the user's role and state."""
        row = (await self.session.execute(_LINKS.where(
            TelegramLink.tenant_id == tenant_id,
            TelegramLink.telegram_user_id == telegram_user_id))).first()
        return None if row is None else _link(row)

    async def all(self, tenant_id: uuid.UUID) -> list[Link]:
        """Every link of the tenant (at most one per user), oldest first."""
        rows = await self.session.execute(
            _LINKS.where(TelegramLink.tenant_id == tenant_id)
            .order_by(TelegramLink.created_at, TelegramLink.telegram_user_id))
        return [_link(row) for row in rows]

    async def unlink(self, tenant_id: uuid.UUID, telegram_user_id: int) -> bool:
        deleted = await self.session.scalar(
            delete(TelegramLink)
            .where(TelegramLink.tenant_id == tenant_id,
                   TelegramLink.telegram_user_id == telegram_user_id)
            .returning(TelegramLink.id))
        return deleted is not None
