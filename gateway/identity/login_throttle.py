"""Throttling sign-ins against password guessing, shared by every gateway replica
(identity.login_failures, migration 0034).

Two counts over a window (15 minutes by default), of failures only: an account from one address
(5), and an address over any accounts (50: one machine trying many e-mails). Past either, a
sign-in from there is refused with 429 and the wait until the window ends, before the password
is even checked. Keyed by the address too, so someone who knows a person's e-mail cannot lock
them out from elsewhere. A successful sign-in clears its account's count. Rows hold hashes and
counts only; those older than the window are removed as failures are written."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from sqlalchemy import text

from gateway.identity.repository import IdentityUnit
from services.kernel.unit import Units

_FAILED = text("""
INSERT INTO identity.login_failures AS f (key, failures, first_failed_at)
VALUES (:key, 1, clock_timestamp())
ON CONFLICT (key) DO UPDATE SET
  failures = CASE WHEN f.first_failed_at < clock_timestamp() - make_interval(secs => :window)
                  THEN 1 ELSE f.failures + 1 END,
  first_failed_at = CASE WHEN f.first_failed_at < clock_timestamp()
                              - make_interval(secs => :window)
                         THEN clock_timestamp() ELSE f.first_failed_at END""")
_PRUNE = text("""
DELETE FROM identity.login_failures WHERE key IN (
  SELECT key FROM identity.login_failures
  WHERE first_failed_at < clock_timestamp() - make_interval(secs => :window) LIMIT 100)""")
_WAITS = text("""
SELECT key, failures, extract(epoch FROM first_failed_at + make_interval(secs => :window)
                                    - clock_timestamp()) AS wait
FROM identity.login_failures
WHERE key IN (:account, :address)
  AND first_failed_at >= clock_timestamp() - make_interval(secs => :window)""")
_CLEAR = text("DELETE FROM identity.login_failures WHERE key = :key")


@dataclass(frozen=True, slots=True)
class LoginLimits:
    per_account: int
    per_address: int
    window_s: float


def _key(kind: str, *parts: str) -> str:
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:64]
    return f"{kind}:{digest}"


class LoginThrottle:
    def __init__(self, units: Units[IdentityUnit], limits: LoginLimits) -> None:
        self.units, self.limits = units, limits

    def _keys(self, email: str, address: str) -> tuple[str, str]:
        return _key("a", email.strip().lower(), address), _key("ip", address)

    async def wait_s(self, email: str, address: str) -> int | None:
        """Seconds until a sign-in of `email` from `address` may be tried, None if it may now."""
        account, by_address = self._keys(email, address)
        limits = self.limits
        async with self.units.tenantless() as unit:
            rows = (await unit.session.execute(_WAITS, {
                "account": account, "address": by_address, "window": limits.window_s})).all()
        waits = [float(wait) for key, failures, wait in rows
                 if failures >= (limits.per_account if key == account else limits.per_address)]
        return max(1, math.ceil(max(waits))) if waits else None

    async def failed(self, email: str, address: str) -> None:
        async with self.units.tenantless() as unit:
            for key in self._keys(email, address):
                await unit.session.execute(_FAILED, {"key": key,
                                                     "window": self.limits.window_s})
            await unit.session.execute(_PRUNE, {"window": self.limits.window_s})

    async def succeeded(self, email: str, address: str) -> None:
        account, _ = self._keys(email, address)
        async with self.units.tenantless() as unit:
            await unit.session.execute(_CLEAR, {"key": account})
