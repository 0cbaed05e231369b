"""The one path every Avito account is connected by, whichever way its credentials came
(the seller's client_id/secret, or tokens from the authorization-code flow).

Learn who the account is (`accounts/self`), refuse one the tenant already has connected,
register the webhook, then save and announce it. A disconnected account connected again gets
its old row (and id) back, so its conversations and history stay attached to it. No
transaction is held open while Avito is called; nothing is saved unless every step succeeded.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from clients.rpc import topics
from services.channels import events
from services.channels.accounts.errors import avito_call, domain_error
from services.channels.avito.client import AvitoClient
from services.channels.avito.errors import AvitoError
from services.channels.models import AccountStatus, AuthKind, ChannelAccount, ChannelKind
from services.channels.quotas.service import AccountSlots
from services.channels.repository import ChannelsUnit
from services.kernel.crypto import SecretBox
from services.kernel.errors import (
    Conflict,
    DomainError,
    InvalidArgument,
    QuotaExceeded,
    Unavailable,
)
from services.kernel.models import new_id
from services.kernel.tenancy import require_tenant
from services.kernel.unit import Units

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AccountDraft:
    """What connecting saves. `refresh_token` is read only when saving: the Avito calls made
    while connecting may have rotated it."""

    name: str
    api_base_url: str
    public_base_url: str
    auth_kind: AuthKind
    client_id: str
    client_secret: str  # "" for authorization-code accounts: the partner app's is in settings
    signing_secret: str = ""
    subscribe_webhook: bool = False
    refresh_token: Callable[[], str] | None = None


@dataclass(frozen=True)
class Connected:
    account: ChannelAccount
    webhook_url: str  # with the token: shown to the caller this once


class AccountConnector:
    def __init__(self, box: SecretBox, slots: AccountSlots | None = None) -> None:
        self._box = box
        self._slots = slots  # the plan's channel_accounts (None: not enforced here)

    async def connect(self, units: Units[ChannelsUnit], client: AvitoClient,
                      draft: AccountDraft) -> Connected:
        me = await avito_call(client.accounts_self(), "check the credentials", connect_error)
        external_id, external_name = str(me.get("id") or ""), str(me.get("name") or "")
        if not external_id:
            raise Unavailable("Avito did not say which account the credentials belong to")
        async with units() as unit:
            existing = await unit.accounts.find_external(ChannelKind.AVITO, external_id)
            if self._slots is not None and (existing is None
                                            or existing.status != AccountStatus.ACTIVE):
                await self._slots.precheck(unit)
        if existing is not None and existing.status == AccountStatus.ACTIVE:
            raise Conflict(f"Avito account {external_id} is already connected")
        channel_id = existing.id if existing is not None else new_id()
        token = secrets.token_urlsafe(32)
        url = f"{draft.public_base_url}/webhooks/avito/{channel_id}/{token}"
        if existing is not None:
            await self._forget_old_url(client, existing)
        if draft.subscribe_webhook:
            await avito_call(client.subscribe_webhook(url), "register the webhook", connect_error)
        values = self._values(draft, client, token, external_id, external_name)
        try:
            async with units() as unit:
                account = await self._save(unit, channel_id, existing is not None, values)
                unit.emit(topics.CHANNEL_CONNECTED, events.channel_connected(account))
        except (Conflict, QuotaExceeded):
            if draft.subscribe_webhook:  # the URL will never be served: take it back
                with contextlib.suppress(AvitoError):
                    await client.unsubscribe_webhook(url)
            raise
        log.info("Avito account connected", extra={
            "channel_id": str(channel_id), "external_account_id": external_id,
            "auth_kind": draft.auth_kind.name, "reconnected": existing is not None,
            "webhook_subscribed": draft.subscribe_webhook})
        return Connected(account, url)

    async def _forget_old_url(self, client: AvitoClient, old: ChannelAccount) -> None:
        """A reconnected account gets a new webhook token: the old URL, if disconnecting could
        not take it back, would only collect 403s."""
        url = webhook_url(old, self._box.decrypt(old.webhook_token_enc))
        with contextlib.suppress(AvitoError):
            await client.unsubscribe_webhook(url)

    async def _save(self, unit: ChannelsUnit, channel_id: uuid.UUID, reconnect: bool,
                    values: dict[str, Any]) -> ChannelAccount:
        if self._slots is not None:  # under the tenant's lock: concurrent connects queue here
            await self._slots.take(unit)
        if not reconnect:
            account = await unit.accounts.insert(ChannelAccount(
                id=channel_id, tenant_id=require_tenant(), kind=ChannelKind.AVITO, **values))
            # Every account has its sync schedule, due at once: the scheduler backfills it.
            await unit.sync_states.create(account.id)
            return account
        row = await unit.accounts.lock(channel_id)
        if row.status == AccountStatus.ACTIVE:  # a concurrent reconnect won the race
            raise Conflict(f"Avito account {row.external_account_id} is already connected")
        await unit.sync_states.request_now(channel_id)  # catch up at once
        return await unit.accounts.save(row, disconnected_at=None, **values)

    def _values(self, draft: AccountDraft, client: AvitoClient, token: str, external_id: str,
                external_name: str) -> dict[str, Any]:
        box, access = self._box, client.cached_token
        refresh = draft.refresh_token() if draft.refresh_token else ""
        return {
            "name": draft.name, "status": AccountStatus.ACTIVE,
            "external_account_id": external_id, "external_account_name": external_name,
            "api_base_url": draft.api_base_url, "auth_kind": draft.auth_kind,
            "client_id": draft.client_id, "client_secret_enc": box.encrypt(draft.client_secret),
            "refresh_token_enc": box.encrypt(refresh) if refresh else None,
            "access_token_enc": box.encrypt(access.value) if access else None,
            "token_expires_at": datetime.fromtimestamp(access.expires_at, UTC) if access else None,
            "signing_secret_enc": box.encrypt(draft.signing_secret)
            if draft.signing_secret else None,
            "webhook_token_sha256": hashlib.sha256(token.encode()).hexdigest(),
            "webhook_token_enc": box.encrypt(token), "public_base_url": draft.public_base_url,
            "webhook_enabled": draft.subscribe_webhook,
            "webhook_subscribed": draft.subscribe_webhook}


def base_url(value: str, label: str) -> str:
    url = value.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise InvalidArgument(f"{label} must be an http(s) URL")
    return url


def webhook_url(account: ChannelAccount, token: str) -> str:
    return f"{account.public_base_url}/webhooks/avito/{account.id}/{token}"


def connect_error(exc: AvitoError, action: str) -> DomainError:
    """A failure while connecting: the credentials are the ones the seller just typed."""
    return domain_error(
        exc, action,
        credentials=lambda e: InvalidArgument(
            f"Avito rejected the client_id/client_secret: {e.message}"),
        tariff="Avito answered 402 Payment required: the account's tariff does not include the "
               "Messenger API (it needs a paid tariff such as «Максимальный»)")
