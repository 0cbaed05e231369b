"""What is wrong with a channel account, and how to fix it.

Each check says what it found and, when not ok, what to do. The Avito checks run outside any
transaction, each bounded by CHECK_TIMEOUT_S (the two after the token side by side); once the
credentials fail, the checks that need a token are reported as not run rather than failing
for the same reason twice.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

from services.channels.avito.errors import AvitoAuthError, AvitoError, AvitoPaymentRequired
from services.channels.avito.pool import AvitoClients
from services.channels.models import AccountStatus, AuthKind, ChannelAccount, ChannelKind, SyncState
from services.channels.repository import ChannelsUnit
from services.kernel.repository import parse_uuid
from services.kernel.unit import Units

T = TypeVar("T")
CHECK_TIMEOUT_S = 15.0
TARIFF_FIX = ("your Avito tariff lacks the Messenger API: switch to «Максимальный» (goods, jobs) "
              "or «Расширенный»/«Максимальный» (services) in your Avito business account")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    message: str
    fix: str = ""


@dataclass(frozen=True)
class Diagnosis:
    account: ChannelAccount
    checks: list[Check]


class ChannelDiagnostics:
    def __init__(self, clients: AvitoClients,
                 telegram: Callable[[ChannelAccount], Awaitable[list[Check]]]) -> None:
        self._clients, self._telegram = clients, telegram

    async def diagnose(self, units: Units[ChannelsUnit], channel_id: str) -> Diagnosis:
        async with units() as unit:
            row = await unit.accounts.get_or_raise(parse_uuid(channel_id, "channel id"), "channel")
            sync = await unit.sync_states.find(row.id)
        if row.status != AccountStatus.ACTIVE:
            return Diagnosis(row, [Check(
                "status", False, f"the channel was disconnected at {_when(row.disconnected_at)}",
                "connect the account again (POST /v1/channels/avito or "
                "POST /v1/channels/avito/authorize): its history is kept")])
        if row.kind == ChannelKind.TELEGRAM:  # its own checks (telegram/channel.py)
            return Diagnosis(row, [*await self._telegram(row), last_webhook(row)])
        checks = [public_url(row), *await self._avito_checks(row), token_health(row),
                  last_webhook(row), sync_check(row, sync)]
        return Diagnosis(row, checks)

    async def _avito_checks(self, row: ChannelAccount) -> list[Check]:
        client = self._clients.for_account(row)
        # Shielded: a refresh-token rotation cut short could lose the new refresh token.
        _, failure = await _probe(asyncio.shield(client.renew_token()))
        credentials = credentials_check(row, failure)
        if not credentials.ok:
            skipped = "not checked: it needs a token, and the credentials check failed"
            fix = "fix the credentials first"
            return [credentials, Check("messenger_access", False, skipped, fix),
                    Check("webhook_subscription", False, skipped, fix)]
        # A cheap Messenger call: a tariff without the Messenger API answers it 402.
        (_, messenger), (subscriptions, listed) = await asyncio.gather(
            _probe(client.list_chats(row.external_account_id, limit=1)),
            _probe(client.list_subscriptions()))
        return [credentials, messenger_check(messenger),
                subscription_check(row, listed, subscriptions or [])]


async def _probe(call: Awaitable[T]) -> tuple[T | None, AvitoError | None]:
    """The call's result, or why it failed (a timeout counts as Avito not answering)."""
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_S):
            return await call, None
    except AvitoError as exc:
        return None, exc
    except TimeoutError:
        return None, AvitoError(f"Avito did not answer within {CHECK_TIMEOUT_S:.0f} s")


def public_url(row: ChannelAccount) -> Check:
    fix = ("set SWITCHBOARD_PUBLIC_BASE_URL to the https URL Avito can reach, then "
           f"PUT /v1/channels/{row.id}/webhook {{\"enabled\": true}} to register it")
    url = row.public_base_url
    parts = urlsplit(url)
    if not url or not parts.hostname:
        return Check("public_url", False, "no public base URL is set: Avito has nowhere to "
                     "deliver webhooks", fix)
    if _is_loopback(parts.hostname):
        if _is_loopback(urlsplit(row.api_base_url).hostname or ""):
            return Check("public_url", True, f"{url} is this machine's loopback address: fine "
                         "for a sandbox account (the emulator runs here), unreachable for Avito")
        return Check("public_url", False, f"{url} is this machine's loopback address: Avito "
                     "cannot reach it", fix)
    if parts.scheme != "https":
        return Check("public_url", False, f"{url} is not HTTPS: Avito delivers webhooks to "
                     "HTTPS URLs only", fix)
    return Check("public_url", True, f"webhooks are delivered to {url}/webhooks/avito/…")


def credentials_check(row: ChannelAccount, failure: AvitoError | None) -> Check:
    code_flow = row.auth_kind == AuthKind.AUTHORIZATION_CODE
    if failure is None:
        return Check("credentials", True, "Avito accepted the refresh token and issued a new "
                     "access token" if code_flow else "Avito issued an access token for the "
                     "client_id/client_secret")
    if isinstance(failure, AvitoAuthError):
        how = ("authorize it again (DELETE /v1/channels/{id}, then POST "
               "/v1/channels/avito/authorize)" if code_flow else
               "connect it again with the current client_id/client_secret from Avito "
               "(DELETE /v1/channels/{id}, then POST /v1/channels/avito)")
        return Check("credentials", False, f"Avito rejected the credentials: {failure.message}",
                     "reconnect the account: " + how.format(id=row.id))
    if isinstance(failure, AvitoPaymentRequired):
        return Check("credentials", False, "Avito answered 402 Payment required", TARIFF_FIX)
    return Check("credentials", False, f"could not get a token: {failure.message}",
                 "Avito is not answering: try again in a few minutes")


def messenger_check(failure: AvitoError | None) -> Check:
    if failure is None:
        return Check("messenger_access", True, "the Messenger API answers")
    if isinstance(failure, AvitoPaymentRequired):
        return Check("messenger_access", False,
                     "Avito answered 402 Payment required to a Messenger API call", TARIFF_FIX)
    return Check("messenger_access", False, f"the Messenger API call failed: {failure.message}",
                 "try again in a few minutes; if it persists, check the credentials")


def subscription_check(row: ChannelAccount, failure: AvitoError | None,
                       subscriptions: list[dict[str, Any]]) -> Check:
    if failure is not None:
        fix = TARIFF_FIX if isinstance(failure, AvitoPaymentRequired) else \
            "try again in a few minutes"
        return Check("webhook_subscription", False,
                     f"could not read Avito's subscription list: {failure.message}", fix)
    marker = f"/webhooks/avito/{row.id}/"
    present = any(marker in str(s.get("url") or "") for s in subscriptions)
    put = f"PUT /v1/channels/{row.id}/webhook"
    if row.webhook_enabled and present:
        return Check("webhook_subscription", True, "Avito has this channel's webhook URL")
    if row.webhook_enabled:
        return Check("webhook_subscription", False, "webhook deliveries are enabled but Avito's "
                     "subscription list does not have this channel's URL: new messages only "
                     "arrive with the periodic sync", f'call {put} {{"enabled": true}}')
    if present:
        return Check("webhook_subscription", False, "webhook deliveries are switched off but "
                     "Avito still has this channel's URL", f'call {put} {{"enabled": false}}')
    return Check("webhook_subscription", True, "webhook deliveries are switched off: new "
                 "messages arrive with the periodic sync only")


def token_health(row: ChannelAccount) -> Check:
    """What the platform's periodic token check (channels.token_health) last found."""
    if row.token_refused_since is not None:
        return Check("token_health", False, f"Avito has refused the account's token since "
                     f"{_when(row.token_refused_since)} (last checked at "
                     f"{_when(row.token_checked_at)}): {row.token_error}",
                     "reconnect the account (POST /v1/channels/avito or "
                     "POST /v1/channels/avito/authorize)")
    if row.token_checked_at is None:
        return Check("token_health", True, "not checked yet: the platform checks every "
                     "account's token periodically")
    if row.token_error:
        return Check("token_health", True, f"the last periodic check, at "
                     f"{_when(row.token_checked_at)}, could not reach Avito: {row.token_error}")
    return Check("token_health", True,
                 f"Avito accepted the token at the last periodic check, {_when(row.token_checked_at)}")


def last_webhook(row: ChannelAccount) -> Check:
    if row.last_webhook_at is None:
        return Check("last_webhook", True, "no webhook delivery received yet (normal for a new "
                     "account, or one nobody has written to since)")
    return Check("last_webhook", True,
                 f"last webhook delivery received at {_when(row.last_webhook_at)}")


def sync_check(row: ChannelAccount, sync: SyncState | None) -> Check:
    if sync is not None and sync.last_error:
        return Check("sync", False, f"the last sync failed ({sync.failures} in a row): "
                     f"{sync.last_error}", "fix what the other checks report; sync retries on "
                     "its own")
    last = row.last_sync_at or (sync.last_synced_at if sync else None)
    if last is None:
        return Check("sync", True, "not synced yet: the first sync runs shortly after connecting")
    return Check("sync", True, f"last synced at {_when(last)}")


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _when(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else "an unknown time"
