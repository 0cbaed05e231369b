"""API keys' expiry and what may be shown about a key (the rules; IdentityService runs them)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from gateway.identity import keys
from gateway.identity.models import ApiKey
from services.kernel.errors import InvalidArgument, Unauthenticated

# A key that must expire should not be made to outlive the people who remember it.
MAX_LIFETIME = timedelta(days=730)


class ApiKeyExpired(Unauthenticated):
    """A key with the right secret, past its expiry: a 401 of its own kind, so its owner
    knows to make a new key rather than look for a typo."""

    def __init__(self, expires_at: datetime) -> None:
        super().__init__(f"this API key expired at {expires_at.astimezone(UTC).isoformat()}; "
                         "create a new one")
        self.expires_at = expires_at


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    """What may be shown about a key: never its secret nor its hash."""

    id: uuid.UUID
    name: str
    prefix: str
    scopes: tuple[str, ...]
    created_at: datetime
    created_by: uuid.UUID | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    expires_at: datetime | None
    expired: bool


def check_expiry(expires_at: datetime | None, now: datetime) -> datetime | None:
    """A new key's expiry: None (never) or a moment with a time zone, after `now` and at most
    MAX_LIFETIME later."""
    if expires_at is None:
        return None
    if expires_at.tzinfo is None or expires_at.utcoffset() is None:
        raise InvalidArgument("expires_at needs a time zone, e.g. 2027-01-31T00:00:00Z")
    if expires_at <= now:
        raise InvalidArgument(f"expires_at must be in the future (it is now {now.isoformat()})")
    if expires_at > now + MAX_LIFETIME:
        raise InvalidArgument(f"expires_at may be at most {MAX_LIFETIME.days} days ahead; "
                              "leave it out for a key that never expires")
    return expires_at.astimezone(UTC)


def is_expired(expires_at: datetime | None, now: datetime) -> bool:
    return expires_at is not None and expires_at <= now


def key_info(row: ApiKey, now: datetime) -> ApiKeyInfo:
    return ApiKeyInfo(id=row.id, name=row.name, prefix=keys.display_prefix(row.key_id),
                      scopes=tuple(row.scopes), created_at=row.created_at,
                      created_by=row.created_by, last_used_at=row.last_used_at,
                      revoked_at=row.revoked_at, expires_at=row.expires_at,
                      expired=is_expired(row.expires_at, now))
