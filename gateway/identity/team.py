"""Team management: the tenant's users, invitations, role changes, disabling, password resets
and a user's own password change (rules: team_rules.py, SQL: team_repository.py).

No e-mail is sent: an invitation or a reset is a one-time URL the caller hands over. Its token
is `<tenant id hex>.<secret>`: the tenant part lets it be redeemed in a unit bound to that
tenant (no cross-tenant lookup); only the secret's SHA-256 is stored.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError

from gateway.identity import keys
from gateway.identity.models import User
from gateway.identity.passwords import hash_password, verify_password
from gateway.identity.principal import Principal
from gateway.identity.repository import IdentityUnit
from gateway.identity.team_rules import (
    Change,
    acting_role,
    check_change,
    check_invite,
    check_manage,
)
from gateway.identity.validation import check_password, clean_email, clean_name
from services.kernel.errors import Conflict, InvalidArgument, NotFound, PermissionDenied
from services.kernel.validation import check_text, text_problem

if TYPE_CHECKING:
    from gateway.identity.service import IdentityService

INVITE_TTL = timedelta(days=7)
RESET_TTL = timedelta(hours=24)
MAX_PASSWORD_LENGTH = 1024
BAD_LINK = "this link is not valid, was used already or has expired: ask for a new one"
PATHS = {"invite": "invite", "reset": "reset-password"}


@dataclass(frozen=True, slots=True)
class UserInfo:
    id: uuid.UUID
    email: str
    name: str
    role: str
    status: str  # invited | active | disabled
    created_at: datetime
    last_login_at: datetime | None

    @property
    def active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True, slots=True)
class OneTimeLink:
    """An invitation or reset to hand over: `url` opens the web app's page for it."""

    purpose: str  # invite | reset
    url: str
    expires_at: datetime


class Team:
    def __init__(self, identity: IdentityService) -> None:
        self.identity = identity
        self.units = identity.units

    async def users(self, principal: Principal) -> list[UserInfo]:
        if not principal.has("read"):
            raise PermissionDenied("listing users needs the 'read' scope")
        async with self.units(principal.tenant_id) as unit:
            return [user_info(u) for u in await unit.team.list_users(principal.tenant_id)]

    async def invite(self, principal: Principal, email: str, role: str,
                     name: str = "") -> tuple[UserInfo, OneTimeLink]:
        check_invite(acting_role(principal), role)
        email, name = clean_email(email), clean_name(name, "name", required=False)
        async with self.units.tenantless() as unit:
            if await unit.identity.email_taken(email):
                raise Conflict("a user with this e-mail address exists already")
        async with self.units(principal.tenant_id) as unit:
            try:
                user = await unit.team.add_invited(principal.tenant_id, email, name, role)
            except IntegrityError as exc:  # the unique index, when two invitations race
                raise Conflict("a user with this e-mail address exists already") from exc
            link = await self._link(unit, principal, user.id, "invite")
            return user_info(user), link

    async def update(self, principal: Principal, user_id: uuid.UUID,
                     change: Change) -> UserInfo:
        actor = acting_role(principal)
        name = None if change.name is None else clean_name(change.name, "name", required=False)
        tenant_id = principal.tenant_id
        async with self.units(tenant_id) as unit:
            owners = await unit.team.lock_owners(tenant_id)
            user = await self._user(unit, tenant_id, user_id, lock=True)
            check_change(actor, principal.user_id, user.id, user.role, change, owners)
            ended: list[str] = []
            if change.role is not None and change.role != user.role:
                user.role = change.role
                ended = await unit.team.end_sessions(tenant_id, user.id)  # sign in again
            if change.active is False and user.disabled_at is None:
                user.disabled_at = datetime.now(UTC)
                ended = await unit.team.end_sessions(tenant_id, user.id)
                await unit.team.retire_tokens(tenant_id, user.id)
            elif change.active is True:
                user.disabled_at = None
            if name is not None:
                user.name = name
            await unit.session.flush()
            info = user_info(user)
        self.identity.forget_sessions(ended)
        return info

    async def reset_link(self, principal: Principal, user_id: uuid.UUID) -> OneTimeLink:
        """A one-time reset URL; for a user who has not accepted the invitation, a new one."""
        actor = acting_role(principal)
        async with self.units(principal.tenant_id) as unit:
            user = await self._user(unit, principal.tenant_id, user_id)
            check_manage(actor, principal.user_id, user.id, user.role)
            if user.disabled_at is not None:
                raise Conflict("the user is disabled: enable them first (PATCH active=true)")
            purpose = "reset" if user.activated_at is not None else "invite"
            return await self._link(unit, principal, user.id, purpose)

    async def accept_invite(self, token: str, password: str,
                            name: str | None) -> tuple[str, Principal]:
        """Set the invited user's password, activate them and open their first session."""
        _check_password(password, "password")
        name = None if name is None else clean_name(name, "name", required=False)
        tenant_id, secret_sha256 = _parse(token)
        password_hash = await hash_password(password)
        async with self.units(tenant_id) as unit:
            user = await self._redeem(unit, tenant_id, secret_sha256, "invite")
            await unit.team.activate(user, password_hash, name)
            return await self.identity.open_session(unit, tenant_id, user.id, user.role)

    async def reset_password(self, token: str, password: str) -> None:
        """Set a new password by a reset token; every session of the user ends."""
        _check_password(password, "password")
        tenant_id, secret_sha256 = _parse(token)
        password_hash = await hash_password(password)
        async with self.units(tenant_id) as unit:
            user = await self._redeem(unit, tenant_id, secret_sha256, "reset")
            await unit.team.activate(user, password_hash, None)
            ended = await unit.team.end_sessions(tenant_id, user.id)
        self.identity.forget_sessions(ended)

    async def change_password(self, principal: Principal, current: str, new: str) -> None:
        """The signed-in user's own password; their other sessions end, this one stays."""
        if principal.kind != "session" or principal.user_id is None:
            raise PermissionDenied("only a signed-in user changes their password (an API key "
                                   "is no one)")
        _check_password(new, "new")
        check_text(current, "current")
        async with self.units(principal.tenant_id) as unit:
            user = await self._user(unit, principal.tenant_id, principal.user_id)
        if len(current) > MAX_PASSWORD_LENGTH or not await verify_password(
                user.password_hash, current):
            raise InvalidArgument("current: this is not your current password")
        password_hash = await hash_password(new)
        async with self.units(principal.tenant_id) as unit:
            user = await self._user(unit, principal.tenant_id, principal.user_id, lock=True)
            await unit.team.activate(user, password_hash, None)
            ended = await unit.team.end_sessions(principal.tenant_id, user.id,
                                                 keep=principal.credential_id)
            await unit.team.retire_tokens(principal.tenant_id, user.id)
        self.identity.forget_sessions(ended)

    async def _user(self, unit: IdentityUnit, tenant_id: uuid.UUID, user_id: uuid.UUID, *,
                    lock: bool = False) -> User:
        user = await unit.team.get_user(tenant_id, user_id, lock=lock)
        if user is None:
            raise NotFound(f"user {user_id} not found")
        return user

    async def _redeem(self, unit: IdentityUnit, tenant_id: uuid.UUID, secret_sha256: str,
                      purpose: str) -> User:
        team = unit.team
        user_id = await team.take_token(tenant_id, secret_sha256, purpose)
        user = None if user_id is None else await team.get_user(tenant_id, user_id, lock=True)
        if user is None or user.disabled_at is not None:
            raise InvalidArgument(BAD_LINK)
        return user

    async def _link(self, unit: IdentityUnit, principal: Principal, user_id: uuid.UUID,
                    purpose: str) -> OneTimeLink:
        token, secret_sha256 = keys.generate_session_token()
        expires_at = datetime.now(UTC) + (INVITE_TTL if purpose == "invite" else RESET_TTL)
        await unit.team.add_token(
            principal.tenant_id, user_id, purpose, secret_sha256, expires_at, principal.user_id)
        base = self.identity.settings.public_base_url.rstrip("/")
        url = f"{base}/{PATHS[purpose]}/{principal.tenant_id.hex}.{token}"
        return OneTimeLink(purpose, url, expires_at)


def user_info(user: User) -> UserInfo:
    status = ("disabled" if user.disabled_at is not None
              else "active" if user.activated_at is not None else "invited")
    return UserInfo(user.id, user.email, user.name, user.role, status, user.created_at,
                    user.last_login_at)


def _check_password(password: str, what: str) -> None:
    # Text first: argon2 encodes it, and an unpaired surrogate would be an internal error.
    check_text(password, what)
    check_password(password, MAX_PASSWORD_LENGTH)


def _parse(token: str) -> tuple[uuid.UUID, str]:
    """(tenant id, SHA-256 of the secret) of a link's token; InvalidArgument when malformed."""
    tenant_hex, _, secret = token.strip().partition(".")
    if (len(tenant_hex) != 32 or not secret or len(secret) > 128
            or text_problem(secret) is not None):
        raise InvalidArgument(BAD_LINK)
    try:
        return uuid.UUID(hex=tenant_hex), keys.sha256_hex(secret)
    except ValueError:
        raise InvalidArgument(BAD_LINK) from None
