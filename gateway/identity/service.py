"""Identity rules: tenants with their owner, password logins and sessions, API keys.

Authentication is on every request's hot path, so positive results are cached in this process
for `auth_cache_ttl_s`. Revoking a key or ending a session drops the local entry at once; other
replicas keep accepting it until their entry expires, i.e. for at most that TTL. A key's expiry
is checked on every request, cached or not: it stops working at its expiry, on every replica.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError

from gateway.config import GatewaySettings
from gateway.identity import keys
from gateway.identity.api_keys import ApiKeyExpired, ApiKeyInfo, check_expiry, key_info
from gateway.identity.cache import TtlCache
from gateway.identity.login_throttle import LoginLimits, LoginThrottle
from gateway.identity.passwords import hash_password, needs_rehash, verify_dummy, verify_password
from gateway.identity.principal import Principal
from gateway.identity.repository import LAST_USED_RESOLUTION, IdentityUnit
from gateway.identity.scopes import validate_scopes
from gateway.identity.team import Team
from gateway.identity.telegram_links import TelegramLinks
from gateway.identity.validation import check_password, clean_email, clean_name
from services.kernel.db import Database
from services.kernel.errors import Conflict, NotFound, PermissionDenied, Unauthenticated
from services.kernel.unit import Units
from services.kernel.validation import check_text

log = logging.getLogger(__name__)

WRONG_CREDENTIALS = "wrong e-mail or password"
CACHE_MAX_ENTRIES = 10_000
# Longer inputs are refused before they reach argon2 or SHA-256.
MAX_PASSWORD_LENGTH = 1024
MAX_TOKEN_LENGTH = 128


@dataclass(frozen=True, slots=True)
class TenantCreated:
    tenant_id: uuid.UUID
    owner_user_id: uuid.UUID
    api_key: str = field(repr=False)  # plaintext, shown once
    api_key_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class _CachedKey:
    secret_sha256: str
    principal: Principal


class IdentityService:
    """Holds its `Units`, not a session: logins and authentication run several short
    transactions (a cross-tenant lookup in a tenantless unit, then writes bound to the tenant)."""

    def __init__(self, db: Database, settings: GatewaySettings,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.units = Units(db, IdentityUnit)
        self.settings = settings
        # What "now" is for API keys' expiry (tests move it on).
        self.clock = clock
        ttl = settings.auth_cache_ttl_s
        self._keys: TtlCache[_CachedKey] = TtlCache(ttl, CACHE_MAX_ENTRIES)
        self._sessions: TtlCache[Principal] = TtlCache(ttl, CACHE_MAX_ENTRIES)
        self._recently_used: TtlCache[bool] = TtlCache(
            LAST_USED_RESOLUTION.total_seconds(), CACHE_MAX_ENTRIES)
        self.telegram_links = TelegramLinks(
            self.units, timedelta(seconds=settings.telegram_link_code_ttl_s))
        self.team = Team(self)
        self.login_throttle = LoginThrottle(self.units, LoginLimits(
            settings.login_failures_per_account, settings.login_failures_per_address,
            settings.login_failure_window_s))

    # --- tenants -----------------------------------------------------------------------------

    async def create_tenant(self, name: str, owner_email: str, owner_password: str,
                            owner_name: str = "", api_key_name: str = "default") -> TenantCreated:
        """The tenant, its owner and an admin API key, in one transaction bound to the tenant."""
        name = clean_name(name, "tenant name")
        email = clean_email(owner_email)
        check_password(owner_password, MAX_PASSWORD_LENGTH)
        owner_name = clean_name(owner_name, "owner name", required=False)
        api_key_name = clean_name(api_key_name, "API key name")
        # Checked first so a taken address does not cost an argon2 hash; the unique index
        # still decides when two creations race.
        async with self.units.tenantless() as unit:
            if await unit.identity.email_taken(email):
                raise Conflict("this e-mail address is already registered")
        password_hash = await hash_password(owner_password)
        key = keys.generate_api_key()
        tenant_id = uuid.uuid4()
        async with self.units(tenant_id) as unit:
            await unit.identity.add_tenant(tenant_id, name)
            owner = await unit.identity.add_user(tenant_id, email, owner_name, password_hash,
                                                 "owner")
            row = await unit.identity.add_api_key(tenant_id, api_key_name, key.key_id,
                                                  key.secret_sha256, ["admin"], owner.id)
        return TenantCreated(tenant_id=tenant_id, owner_user_id=owner.id,
                             api_key=key.plaintext, api_key_id=row.id)

    async def user_is_active(self, tenant_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        """Is `user_id` an active user of this tenant (for ids other services store, e.g.
        assignees: a disabled or still invited user cannot be assigned)?"""
        async with self.units(tenant_id) as unit:
            return await unit.identity.user_is_active(tenant_id, user_id)

    # --- API keys ----------------------------------------------------------------------------

    async def authenticate_api_key(self, raw: str) -> Principal | None:
        """The key's principal; None for an unknown, revoked or wrong key; ApiKeyExpired for
        the right secret of a key past its expiry."""
        try:
            key_id, secret = keys.parse_api_key(raw)
        except Unauthenticated:
            return None
        cached = self._keys.get(key_id)
        if cached is None:
            cached = await self._load_key(key_id, secret)
            if cached is None:
                return None
            # Stored on a miss only: a hit must not extend the entry, or a key in constant
            # use would never see a revocation made on another replica.
            self._keys.put(key_id, cached)
        elif not keys.secret_matches(secret, cached.secret_sha256):
            return None
        principal = cached.principal
        if principal.expires_at is not None and principal.expires_at <= self.clock():
            raise ApiKeyExpired(principal.expires_at)
        await self._record_use(principal)
        return principal

    async def _load_key(self, key_id: str, secret: str) -> _CachedKey | None:
        async with self.units.tenantless() as unit:
            row = await unit.identity.api_key_credential(key_id)
        if row is None or not keys.secret_matches(secret, row.secret_sha256):
            return None
        return _CachedKey(row.secret_sha256, Principal.for_api_key(
            row.tenant_id, row.id, row.scopes, row.expires_at))

    async def create_api_key(self, principal: Principal, name: str, scopes: Iterable[str],
                             expires_at: datetime | None = None) -> tuple[str, ApiKeyInfo]:
        """A new key of this tenant; the plaintext is returned here and never again.
        `expires_at`: None for a key that never expires (api_keys.check_expiry)."""
        _require_admin(principal)
        name = clean_name(name, "API key name")
        granted = validate_scopes(scopes)
        now = self.clock()
        expires_at = check_expiry(expires_at, now)
        key = keys.generate_api_key()
        async with self.units(principal.tenant_id) as unit:
            row = await unit.identity.add_api_key(
                principal.tenant_id, name, key.key_id, key.secret_sha256, granted,
                principal.user_id, expires_at)
        return key.plaintext, key_info(row, now)

    async def list_api_keys(self, principal: Principal) -> list[ApiKeyInfo]:
        _require_admin(principal)
        async with self.units(principal.tenant_id) as unit:
            rows = await unit.identity.list_api_keys(principal.tenant_id)
        now = self.clock()
        return [key_info(row, now) for row in rows]

    async def revoke_api_key(self, principal: Principal, key_uuid: uuid.UUID) -> None:
        _require_admin(principal)
        async with self.units(principal.tenant_id) as unit:
            key_id = await unit.identity.revoke_api_key(principal.tenant_id, key_uuid)
        if key_id is None:
            raise NotFound(f"API key {key_uuid} not found")
        self._keys.pop(key_id)

    async def _record_use(self, principal: Principal) -> None:
        """Update last_used_at at most once per resolution per key, and never fail the call."""
        marker = str(principal.credential_id)
        if self._recently_used.get(marker):
            return
        self._recently_used.put(marker, True)
        try:
            async with self.units(principal.tenant_id) as unit:
                await unit.identity.touch_api_key(principal.credential_id)
        except (SQLAlchemyError, OSError):
            log.warning("could not record API key use", exc_info=True,
                        extra={"api_key": marker})

    # --- logins and sessions -----------------------------------------------------------------

    async def login(self, email: str, password: str) -> tuple[str, Principal]:
        """A new session for these credentials: (token for the cookie, principal)."""
        if len(password) > MAX_PASSWORD_LENGTH:
            raise Unauthenticated(WRONG_CREDENTIALS)
        async with self.units.tenantless() as unit:
            user = await unit.identity.login_credential(check_text(email, "email").strip())
        if user is None:
            await verify_dummy(password)
            raise Unauthenticated(WRONG_CREDENTIALS)
        if not await verify_password(user.password_hash, password):
            raise Unauthenticated(WRONG_CREDENTIALS)
        if user.disabled:
            raise Unauthenticated("this account is disabled")
        rehashed = await hash_password(password) if needs_rehash(user.password_hash) else None
        async with self.units(user.tenant_id) as unit:
            opened = await self.open_session(unit, user.tenant_id, user.user_id, user.role)
            if rehashed is not None:
                await unit.identity.set_password_hash(user.user_id, rehashed)
        return opened

    async def open_session(self, unit: IdentityUnit, tenant_id: uuid.UUID, user_id: uuid.UUID,
                           role: str) -> tuple[str, Principal]:
        """A new session of this user in `unit` (a login, an accepted invitation)."""
        token, token_sha256 = keys.generate_session_token()
        expires_at = datetime.now(UTC) + timedelta(hours=self.settings.session_ttl_hours)
        row = await unit.identity.add_session(tenant_id, user_id, token_sha256, expires_at)
        await unit.team.record_login(user_id)
        principal = Principal.for_session(tenant_id, user_id, role, row.id, expires_at)
        # Cached once the unit commits; a unit that fails leaves an entry no token matches.
        self._sessions.put(token_sha256, principal, _seconds_until(expires_at))
        return token, principal

    def forget_sessions(self, token_hashes: Iterable[str]) -> None:
        """Drop ended or changed sessions from this process's cache (other replicas: TTL)."""
        for token_sha256 in token_hashes:
            self._sessions.pop(token_sha256)

    async def authenticate_session(self, token: str) -> Principal | None:
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        token_sha256 = keys.sha256_hex(token)
        cached = self._sessions.get(token_sha256)
        if cached is not None:
            return cached
        async with self.units.tenantless() as unit:
            found = await unit.identity.session_credential(token_sha256)
        if found is None or not found.live:
            return None
        principal = Principal.for_session(found.tenant_id, found.user_id, found.role,
                                          found.session_id, found.expires_at)
        self._sessions.put(token_sha256, principal, _seconds_until(found.expires_at))
        return principal

    async def logout(self, token: str) -> None:
        """End the session with this token; an unknown or ended one is not an error."""
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return
        token_sha256 = keys.sha256_hex(token)
        self._sessions.pop(token_sha256)
        async with self.units.tenantless() as unit:
            found = await unit.identity.session_credential(token_sha256)
        if found is None:  # unknown or already ended
            return
        async with self.units(found.tenant_id) as unit:
            await unit.identity.revoke_session(found.session_id)


def _require_admin(principal: Principal) -> None:
    # Routes check scopes too; this keeps the rule true for any other caller.
    if not principal.has("admin"):
        raise PermissionDenied("managing API keys needs the 'admin' scope")


def _seconds_until(moment: datetime) -> float:
    return (moment - datetime.now(UTC)).total_seconds()
