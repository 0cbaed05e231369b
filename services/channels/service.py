"""Channel accounts: connecting Avito accounts, reading them, resolving webhook URLs.

Rules only: no gRPC, no NATS, no SQL. The servicer hands in the units of work (`Transactions`
or one open `ChannelsUnit`); connecting uses several so that no transaction is held open
while Avito is called.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from services.channels import events
from services.channels.avito.client import AccessToken, TokenSink
from services.channels.avito.errors import (
    AvitoAuthError,
    AvitoError,
    AvitoPaymentRequired,
    AvitoUnavailable,
)
from services.channels.avito.normalize import AccountRef
from services.channels.avito.pool import AvitoClients, TokenSinkFactory
from services.channels.config import ChannelsSettings
from services.channels.models import AccountStatus, ChannelAccount, ChannelKind
from services.channels.repository import ChannelsUnit, Transactions
from services.kernel.crypto import SecretBox
from services.kernel.errors import (
    Conflict,
    DomainError,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    Unavailable,
)
from services.kernel.models import new_id
from services.kernel.repository import (
    MAX_PAGE_SIZE,
    decode_cursor,
    encode_cursor,
    page_size,
    parse_uuid,
)
from services.kernel.tenancy import require_tenant

log = logging.getLogger(__name__)

MASKED_TOKEN = "****"


@dataclass(frozen=True)
class ConnectAvito:
    name: str
    client_id: str
    client_secret: str
    signing_secret: str = ""
    api_base_url: str = ""
    public_base_url: str = ""
    subscribe_webhook: bool = False


@dataclass(frozen=True)
class Connected:
    account: ChannelAccount
    webhook_url: str  # with the token: shown to the caller this once


@dataclass(frozen=True)
class ChannelPage:
    channels: list[ChannelAccount]
    next_cursor: str
    has_more: bool


@dataclass(frozen=True)
class WebhookTarget:
    tenant_id: uuid.UUID
    kind: int
    status: int
    webhook_token_sha256: str
    signing_secret: str


class ChannelsService:
    def __init__(self, settings: ChannelsSettings, box: SecretBox, clients: AvitoClients) -> None:
        self._settings, self._box, self._clients = settings, box, clients

    async def connect_avito(self, tx: Transactions, form: ConnectAvito) -> Connected:
        """Check the credentials with Avito, register the webhook, then save: a refusal at
        any step leaves nothing behind."""
        form = self._validated(form)
        client = self._clients.for_credentials(form.api_base_url, form.client_id,
                                               form.client_secret)
        me = await _avito(client.accounts_self(), "check the credentials")
        external_id, external_name = str(me.get("id") or ""), str(me.get("name") or "")
        if not external_id:
            raise Unavailable("Avito did not say which account the credentials belong to")
        async with tx() as unit:
            if await unit.accounts.find_external(ChannelKind.AVITO, external_id):
                raise Conflict(f"Avito account {external_id} is already connected")
        channel_id, token = new_id(), secrets.token_urlsafe(32)
        url = f"{form.public_base_url}/webhooks/avito/{channel_id}/{token}"
        if form.subscribe_webhook:
            await _avito(client.subscribe_webhook(url), "register the webhook")
        account = self._new_account(form, channel_id, token, external_id, external_name,
                                    client.cached_token)
        try:
            async with tx() as unit:
                await unit.accounts.insert(account)
                unit.emit(events.connected_subject(require_tenant()),
                          events.channel_connected(account))
        except Conflict:
            if form.subscribe_webhook:  # the URL will never be served: take it back
                with contextlib.suppress(AvitoError):
                    await client.unsubscribe_webhook(url)
            raise
        log.info("Avito account connected", extra={
            "channel_id": str(channel_id), "external_account_id": external_id,
            "webhook_subscribed": form.subscribe_webhook})
        return Connected(account, url)

    async def list_channels(self, unit: ChannelsUnit, requested_size: int,
                            cursor: str) -> ChannelPage:
        size = page_size(requested_size)
        rows = await unit.accounts.page(_after(cursor) if cursor else None, size + 1)
        if len(rows) <= size:
            return ChannelPage(rows, "", False)
        last = rows[size - 1]
        return ChannelPage(rows[:size], encode_cursor(
            {"created_at": last.created_at.isoformat(), "id": str(last.id)}), True)

    async def get_channel(self, unit: ChannelsUnit, channel_id: str) -> ChannelAccount:
        return await unit.accounts.get_or_raise(parse_uuid(channel_id, "channel id"), "channel")

    async def batch_get_channels(self, unit: ChannelsUnit,
                                 channel_ids: Sequence[str]) -> list[ChannelAccount]:
        """The channels found, in the order asked; unknown ids are left out."""
        if len(channel_ids) > MAX_PAGE_SIZE:
            raise InvalidArgument(f"at most {MAX_PAGE_SIZE} ids per call")
        ids = list(dict.fromkeys(parse_uuid(i, "channel id") for i in channel_ids))
        found = {row.id: row for row in await unit.accounts.get_many(ids)}
        return [found[i] for i in ids if i in found]

    async def resolve_webhook(self, unit: ChannelsUnit, channel_id: str) -> WebhookTarget:
        """For the gateway (tenant-less): who owns a webhook URL and how to check it."""
        try:
            account = await unit.accounts.get(uuid.UUID(channel_id))
        except ValueError:
            account = None  # a garbled URL is as unknown as a deleted channel
        if account is None:
            raise NotFound(f"channel {channel_id} not found")
        signing = self._box.decrypt(account.signing_secret_enc) \
            if account.signing_secret_enc else ""
        return WebhookTarget(account.tenant_id, account.kind, account.status,
                             account.webhook_token_sha256, signing)

    async def webhook_account(self, unit: ChannelsUnit, channel_id: str) -> AccountRef | None:
        """The account a webhook delivery belongs to, if it should still be handled."""
        try:
            account = await unit.accounts.get(uuid.UUID(channel_id))
        except ValueError:
            return None
        if account is None or account.status != AccountStatus.ACTIVE:
            return None
        return AccountRef(str(account.id), account.external_account_id)

    @staticmethod
    def masked_webhook_url(account: ChannelAccount) -> str:
        return f"{account.public_base_url}/webhooks/avito/{account.id}/{MASKED_TOKEN}"

    def _validated(self, form: ConnectAvito) -> ConnectAvito:
        name, client_id = form.name.strip(), form.client_id.strip()
        secret = form.client_secret.strip()
        for label, value in (("name", name), ("client_id", client_id), ("client_secret", secret)):
            if not value:
                raise InvalidArgument(f"{label} is required")
            if len(value) > 255:
                raise InvalidArgument(f"{label} is longer than 255 characters")
        return ConnectAvito(
            name=name, client_id=client_id, client_secret=secret,
            signing_secret=form.signing_secret.strip(),
            api_base_url=_base_url(form.api_base_url or self._settings.avito_api_base_url,
                                   "api_base_url"),
            public_base_url=_base_url(form.public_base_url or self._settings.public_base_url,
                                      "public_base_url"),
            subscribe_webhook=form.subscribe_webhook)

    def _new_account(self, form: ConnectAvito, channel_id: uuid.UUID, token: str,
                     external_id: str, external_name: str,
                     access: AccessToken | None) -> ChannelAccount:
        box = self._box
        return ChannelAccount(
            id=channel_id, tenant_id=require_tenant(), kind=ChannelKind.AVITO, name=form.name,
            status=AccountStatus.ACTIVE, external_account_id=external_id,
            external_account_name=external_name, api_base_url=form.api_base_url,
            client_id=form.client_id, client_secret_enc=box.encrypt(form.client_secret),
            access_token_enc=box.encrypt(access.value) if access else None,
            token_expires_at=datetime.fromtimestamp(access.expires_at, UTC) if access else None,
            signing_secret_enc=box.encrypt(form.signing_secret) if form.signing_secret else None,
            webhook_token_sha256=hashlib.sha256(token.encode()).hexdigest(),
            webhook_token_enc=box.encrypt(token), public_base_url=form.public_base_url,
            webhook_subscribed=form.subscribe_webhook)


def token_persister(tx: Transactions, box: SecretBox) -> TokenSinkFactory:
    """The pool's TokenSinkFactory: a refreshed token is saved (encrypted) on the account's
    row so that other replicas start from it instead of asking Avito again."""
    def factory(tenant_id: uuid.UUID, channel_id: uuid.UUID) -> TokenSink:
        async def save(token: AccessToken) -> None:
            async with tx(tenant_id) as unit:
                await unit.accounts.save_token(channel_id, box.encrypt(token.value),
                                               datetime.fromtimestamp(token.expires_at, UTC))
        return save
    return factory


async def _avito(call: Any, action: str) -> Any:
    """Await an Avito call made while connecting, turning its failure into a domain error."""
    try:
        return await call
    except AvitoError as exc:
        raise connect_error(exc, action) from None


def connect_error(exc: AvitoError, action: str) -> DomainError:
    if isinstance(exc, AvitoAuthError):
        return InvalidArgument(f"Avito rejected the client_id/client_secret: {exc.message}")
    if isinstance(exc, AvitoPaymentRequired):
        return FailedPrecondition(
            "Avito answered 402 Payment required: the account's tariff does not include the "
            "Messenger API (it needs a paid tariff such as «Максимальный»)")
    if isinstance(exc, AvitoUnavailable):
        return Unavailable(f"Avito is not answering, could not {action}: {exc.message}")
    return FailedPrecondition(f"Avito refused to {action} ({exc.status}): {exc.message}")


def _after(cursor: str) -> tuple[datetime, uuid.UUID]:
    values = decode_cursor(cursor)
    try:
        return datetime.fromisoformat(values["created_at"]), uuid.UUID(values["id"])
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidArgument("malformed cursor") from exc


def _base_url(value: str, label: str) -> str:
    url = value.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise InvalidArgument(f"{label} must be an http(s) URL")
    return url

