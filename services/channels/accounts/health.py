"""Token health, the platform job `channels.token_health` (run when the scheduling service
asks; no timer here): each round leases active Avito accounts due a check (every tenant's,
`channels.claim_token_checks`), refreshes an access token near its expiry, makes one cheap
authorised call (`accounts/self`, paced by the account's own rate limit) and records the
outcome on the account — so diagnostics (and anyone listing accounts) can say "Avito has
refused the token since …" without calling Avito per request.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta

from prometheus_client import Counter

from clients.rpc.platform_jobs import RoundOutcome
from services.channels.avito.errors import AvitoAuthError, AvitoError, AvitoPaymentRequired
from services.channels.avito.pool import AvitoClients
from services.channels.config import ChannelsSettings
from services.channels.repository import ChannelsUnit, TokenCheckClaim
from services.kernel.tenancy import tenant_scope
from services.kernel.unit import Units

log = logging.getLogger(__name__)

TOKEN_CHECKS = Counter("switchboard_channels_token_checks_total",
                       "Avito token health checks by outcome", ["outcome"])
OUTCOMES = ("ok", "refreshed", "refused", "unavailable", "skipped")
_CHECK_TIMEOUT_S = 20.0


class TokenHealth:
    def __init__(self, units: Units[ChannelsUnit], clients: AvitoClients,
                 settings: ChannelsSettings, ahead_s: float | None = None) -> None:
        self._units, self._clients, self._settings = units, clients, settings
        # A token expiring within this long is refreshed by the check (tests widen it).
        self._ahead_s = settings.token_refresh_ahead_s if ahead_s is None else ahead_s
        for outcome in OUTCOMES:
            TOKEN_CHECKS.labels(outcome)

    async def round(self, deadline_s: float) -> RoundOutcome:
        """Up to `token_check_batch` accounts side by side, each within the deadline.
        `remaining` is 1 when the batch was full (more may be due), else 0."""
        s = self._settings
        async with self._units.tenantless() as unit:
            claims = await unit.accounts.claim_token_checks(
                datetime.now(UTC), s.token_check_batch, deadline_s + 60)
        found = await asyncio.gather(*(self._checked(c, deadline_s) for c in claims))
        for outcome in found:
            TOKEN_CHECKS.labels(outcome).inc()
        tally = ", ".join(f"{found.count(o)} {o}" for o in OUTCOMES if o in found)
        failed = sum(o in ("refused", "unavailable") for o in found)
        return RoundOutcome(len(claims), failed, int(len(claims) >= s.token_check_batch),
                            tally or "nothing due")

    async def _checked(self, claim: TokenCheckClaim, deadline_s: float) -> str:
        try:
            with tenant_scope(claim.tenant_id):
                return await self._check(claim, min(deadline_s, _CHECK_TIMEOUT_S))
        except Exception:  # its lease runs out and a later round checks it again
            log.exception("a token check failed", extra={"channel_id": str(claim.channel_id)})
            return "unavailable"

    async def _check(self, claim: TokenCheckClaim, timeout_s: float) -> str:
        async with self._units(claim.tenant_id) as unit:
            row = await unit.accounts.get_active(claim.channel_id)
        if row is None:  # disconnected since the claim
            return "skipped"
        client = self._clients.for_account(row)
        cached = client.cached_token
        near = cached is None or cached.expires_at - time.time() < self._ahead_s
        refused, error = None, ""
        try:
            async with asyncio.timeout(timeout_s):
                if near:  # shielded: a rotated refresh token must not be lost half-way
                    await asyncio.shield(client.renew_token())
                await client.accounts_self()
        except AvitoAuthError as exc:
            refused = f"Avito refused the account's token: {exc.message}"
        except AvitoPaymentRequired:
            pass  # the token works; the tariff is another check's business (diagnostics)
        except AvitoError as exc:
            error = f"Avito did not answer the token check: {exc.message}"
        except TimeoutError:
            error = f"Avito did not answer the token check within {timeout_s:.0f} s"
        s, now = self._settings, datetime.now(UTC)
        wait = s.token_check_retry_s if error else s.token_check_interval_s
        async with self._units(claim.tenant_id) as unit:
            await unit.accounts.record_token_check(
                claim.channel_id, now, now + timedelta(seconds=wait), refused=refused,
                error=error)
        return "refused" if refused else "unavailable" if error else \
            "refreshed" if near else "ok"
