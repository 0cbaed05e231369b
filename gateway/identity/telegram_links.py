"""Which platform user a Telegram user is (issue #12): one-time codes and the links they make.

A person gets a short code in the web inbox (or an admin key gets one for them) and sends it to
the tenant's bot as `/start <code>`; the bot runner, with its admin key, redeems it for a link.
From then on the runner looks the Telegram user up on every command it authorizes: one indexed
query, which shows `active: false` for a user disabled since (so they keep no power).
Shared by REST and GraphQL; `IdentityService.telegram_links` holds one.
"""

from __future__ import annotations

import logging
import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError

from gateway.identity.keys import sha256_hex
from gateway.identity.principal import Principal
from gateway.identity.repository import IdentityUnit
from gateway.identity.telegram_repository import Link
from services.kernel.errors import (
    Conflict,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from services.kernel.unit import Units
from services.kernel.validation import check_text

log = logging.getLogger(__name__)

# No 0/O nor 1/I: the code is read off a screen and typed. Two groups of five: 50 bits, in
# Telegram's /start parameter alphabet ([A-Za-z0-9_-]). Typed in any case, with or without "-".
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_GROUP = 5
_CODE = re.compile(f"[{CODE_ALPHABET}]{{{2 * CODE_GROUP}}}")
MAX_CODE_CHARS = 64  # Telegram's bound on a /start parameter; longer is refused unread
UNKNOWN_CODE = "this code is unknown or expired: create a new one in the web inbox"
MAX_TELEGRAM_USER_ID = 2**63 - 1  # Telegram's ids are positive 64-bit integers
MAX_USERNAME_CHARS = 64
# A link racing another for the same account or user loses at a unique index; it is tried again.
LINK_ATTEMPTS = 3

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class LinkCode:
    code: str
    user_id: uuid.UUID
    expires_at: datetime

    @property
    def start_command(self) -> str:
        """What to send the bot (a deep link `t.me/<bot>?start=<code>` sends the same)."""
        return f"/start {self.code}"


class TelegramLinks:
    def __init__(self, units: Units[IdentityUnit], code_ttl: timedelta,
                 clock: Clock = lambda: datetime.now(UTC)) -> None:
        self.units, self.code_ttl = units, code_ttl
        # Codes expire by this clock (a test moves it forward).
        self.clock = clock

    async def create_code(self, principal: Principal, user_id: uuid.UUID | None) -> LinkCode:
        """A code for the caller themself (a session), or for `user_id` (the admin scope).
        The user's earlier codes stop working."""
        target = _code_target(principal, user_id)
        code = generate_code()
        expires_at = self.clock() + self.code_ttl
        async with self.units(principal.tenant_id) as unit:
            repo = unit.telegram_links
            user = await repo.user(principal.tenant_id, target)
            if user is None:
                raise NotFound(f"user {target} not found")
            if not user.active:
                raise FailedPrecondition(f"user {target} is disabled: enable them first")
            await repo.replace_code(principal.tenant_id, target, code_hash(code), expires_at)
        return LinkCode(code, target, expires_at)

    async def redeem(self, principal: Principal, code: str, telegram_user_id: int,
                     telegram_username: str | None) -> Link:
        """Link the Telegram user to the code's user (the bot runner, admin scope). Unknown,
        used and expired codes get the same answer; of two redeems of one code, one wins."""
        _require_admin(principal, "linking a Telegram user")
        telegram_user_id = check_telegram_user_id(telegram_user_id)
        username = clean_username(telegram_username)
        digest = code_hash(normalize_code(code))
        for _ in range(LINK_ATTEMPTS):
            try:
                return await self._redeem(principal.tenant_id, digest, telegram_user_id, username)
            except IntegrityError:
                # The other link has committed (its index entry made us wait): go again at once.
                log.info("a concurrent link took the account or user first; trying again")
        raise Conflict("this Telegram account or user was being linked at the same time: "
                       "send the same code again")

    async def _redeem(self, tenant_id: uuid.UUID, digest: str, telegram_user_id: int,
                      username: str | None) -> Link:
        # One unit: a refusal after the claim (a disabled user) rolls the claim back too.
        async with self.units(tenant_id) as unit:
            repo = unit.telegram_links
            user_id = await repo.claim_code(tenant_id, digest, self.clock())
            if user_id is None:
                raise InvalidArgument(UNKNOWN_CODE)
            user = await repo.user(tenant_id, user_id)
            if user is None or not user.active:
                raise FailedPrecondition("this user is disabled and cannot be linked")
            await repo.link(tenant_id, user_id, telegram_user_id, username)
            linked = await repo.find(tenant_id, telegram_user_id)
        assert linked is not None  # written in this very unit
        return linked

    async def lookup(self, principal: Principal, telegram_user_id: int) -> Link | None:
        """Who this Telegram user is in the caller's tenant, or None when not linked."""
        _require_admin(principal, "looking up a Telegram user")
        telegram_user_id = check_telegram_user_id(telegram_user_id)
        async with self.units(principal.tenant_id) as unit:
            return await unit.telegram_links.find(principal.tenant_id, telegram_user_id)

    async def links(self, principal: Principal) -> list[Link]:
        _require_admin(principal, "listing Telegram links")
        async with self.units(principal.tenant_id) as unit:
            return await unit.telegram_links.all(principal.tenant_id)

    async def unlink(self, principal: Principal, telegram_user_id: int) -> None:
        """Remove a link: the admin scope, or the linked person themself (a session)."""
        telegram_user_id = check_telegram_user_id(telegram_user_id)
        tenant_id = principal.tenant_id
        async with self.units(tenant_id) as unit:
            repo = unit.telegram_links
            if not principal.has("admin"):
                if principal.user_id is None:
                    raise PermissionDenied("unlinking needs the 'admin' scope (or a session "
                                           "of the linked person)")
                found = await repo.find(tenant_id, telegram_user_id)
                if found is not None and found.user.id != principal.user_id:
                    raise PermissionDenied("you may unlink only your own Telegram account; "
                                           "anyone else's needs the 'admin' scope")
            if not await repo.unlink(tenant_id, telegram_user_id):
                raise NotFound(f"Telegram user {telegram_user_id} is not linked in this tenant")


def _code_target(principal: Principal, user_id: uuid.UUID | None) -> uuid.UUID:
    """Whose code the caller may create: their own (a session), anyone's with admin."""
    if user_id is not None and (user_id == principal.user_id or principal.has("admin")):
        return user_id
    if user_id is not None:
        raise PermissionDenied("a code for another user needs the 'admin' scope")
    if principal.user_id is None:
        if not principal.has("admin"):
            raise PermissionDenied("creating a code for a user needs the 'admin' scope")
        raise InvalidArgument("user_id is required with an API key: the user to link")
    return principal.user_id


def _require_admin(principal: Principal, what: str) -> None:
    if not principal.has("admin"):
        raise PermissionDenied(f"{what} needs the 'admin' scope")


def generate_code() -> str:
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(2 * CODE_GROUP))
    return f"{chars[:CODE_GROUP]}-{chars[CODE_GROUP:]}"


def normalize_code(code: str) -> str:
    """The code as stored (upper case, no "-" nor spaces); anything else is an unknown code."""
    value = code.strip().replace("-", "").upper() if len(code) <= MAX_CODE_CHARS else ""
    if not _CODE.fullmatch(value):
        raise InvalidArgument(UNKNOWN_CODE)
    return value


def code_hash(code: str) -> str:
    return sha256_hex(code.replace("-", ""))


def check_telegram_user_id(value: int) -> int:
    if not 0 < value <= MAX_TELEGRAM_USER_ID:
        raise InvalidArgument(f"telegram_user_id must be a positive 64-bit integer, not {value}")
    return value


def clean_username(username: str | None) -> str | None:
    """Telegram's username as given (a leading "@" dropped); empty is none."""
    if username is None:
        return None
    value = check_text(username, "telegram_username").strip().removeprefix("@")
    if len(value) > MAX_USERNAME_CHARS:
        raise InvalidArgument(f"telegram_username is at most {MAX_USERNAME_CHARS} characters")
    return value or None

