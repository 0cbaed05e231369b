"""A connected account's webhook (on/off, signing secret) and disconnecting it.

Avito cannot tell a subscription's status reliably, so we keep our own (`webhook_enabled`: what
the seller wants) and reconcile with Avito's list (what is there): subscribe or unsubscribe
until they agree, and `webhook_subscribed` records the result. Avito is never called inside a
transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from clients.rpc import topics
from services.channels import events
from services.channels.accounts.connect import base_url, webhook_url
from services.channels.accounts.errors import domain_error
from services.channels.avito.errors import AvitoError
from services.channels.avito.pool import AvitoClients
from services.channels.config import ChannelsSettings
from services.channels.models import AccountStatus, ChannelAccount, ChannelKind
from services.channels.repository import ChannelsUnit
from services.kernel.crypto import SecretBox
from services.kernel.errors import DomainError, FailedPrecondition, InvalidArgument
from services.kernel.repository import parse_uuid
from services.kernel.unit import Units

log = logging.getLogger(__name__)

WEBHOOK_FIELDS = ("enabled", "signing_secret")


@dataclass(frozen=True)
class WebhookChange:
    channel_id: str
    update_fields: Sequence[str]
    enabled: bool = False
    signing_secret: str = ""  # empty clears it


class ChannelManagement:
    def __init__(self, settings: ChannelsSettings, box: SecretBox, clients: AvitoClients) -> None:
        self._settings, self._box, self._clients = settings, box, clients

    async def set_webhook(self, units: Units[ChannelsUnit],
                          change: WebhookChange) -> ChannelAccount:
        """Save what the seller wants, then make Avito's list agree with it."""
        changes = self._webhook_changes(change)
        channel_id = parse_uuid(change.channel_id, "channel id")
        async with units() as unit:
            row = await unit.accounts.lock(channel_id)
            if row.status != AccountStatus.ACTIVE:
                raise FailedPrecondition("the channel is disconnected: connect it again first")
            if row.kind != ChannelKind.AVITO:
                raise FailedPrecondition("a Telegram channel's webhook stays on while it is "
                                         "connected: disconnect the channel to stop it")
            row = await unit.accounts.save(row, **changes)
        try:
            subscribed = await self.reconcile(row)
        except AvitoError as exc:
            raise account_error(exc, "update the webhook subscription (the setting is saved: "
                                     "call again to retry)") from None
        async with units() as unit:
            row = await unit.accounts.lock(channel_id)
            row = await unit.accounts.save(row, webhook_subscribed=subscribed)
        log.info("webhook settings changed", extra={
            "channel_id": str(channel_id), "fields": sorted(set(change.update_fields)),
            "webhook_enabled": row.webhook_enabled, "webhook_subscribed": subscribed})
        return row

    async def reconcile(self, row: ChannelAccount, *, wanted: bool | None = None) -> bool:
        """Subscribe or unsubscribe this channel's URL until Avito's list matches `wanted`
        (default: the row's `webhook_enabled`); URLs of this channel with an older token or
        base URL are taken back. Whether the URL is subscribed now."""
        wanted = row.webhook_enabled if wanted is None else wanted
        client = self._clients.for_account(row)
        url = webhook_url(row, self._box.decrypt(row.webhook_token_enc))
        marker = f"/webhooks/avito/{row.id}/"
        listed = [s.get("url") for s in await client.list_subscriptions()]
        ours = [u for u in listed if isinstance(u, str) and marker in u]
        for stale in ours:
            if stale != url:
                await client.unsubscribe_webhook(stale)
        present = url in ours
        if wanted and not present:
            await client.subscribe_webhook(url)
        elif present and not wanted:
            await client.unsubscribe_webhook(url)
        return wanted

    async def disconnect(self, units: Units[ChannelsUnit], channel_id: str) -> ChannelAccount:
        """Unsubscribe (best effort), mark DISCONNECTED, drop the tokens; history stays.
        Disconnecting a disconnected channel changes nothing."""
        cid = parse_uuid(channel_id, "channel id")
        async with units() as unit:
            row = await unit.accounts.get_or_raise(cid, "channel")
        if row.status == AccountStatus.DISCONNECTED:
            return row
        still_subscribed = await self._unsubscribe_for_good(row)
        async with units() as unit:
            row = await unit.accounts.lock(cid)
            if row.status == AccountStatus.DISCONNECTED:  # a concurrent call got there first
                return row
            row = await unit.accounts.save(
                row, status=AccountStatus.DISCONNECTED, disconnected_at=datetime.now(UTC),
                webhook_subscribed=still_subscribed, access_token_enc=None,
                token_expires_at=None, refresh_token_enc=None)
            unit.emit(topics.CHANNEL_DISCONNECTED, events.channel_disconnected(row))
        log.info("channel disconnected", extra={
            "channel_id": str(cid), "webhook_unsubscribed": not still_subscribed})
        return row

    async def _unsubscribe_for_good(self, row: ChannelAccount) -> bool:
        """Whether the webhook may still be subscribed: Avito being down does not keep a seller
        from disconnecting (deliveries to a disconnected channel get 410)."""
        try:
            return await self.reconcile(row, wanted=False)
        except AvitoError as exc:
            log.warning("could not unsubscribe the webhook of a channel being disconnected", extra={
                "channel_id": str(row.id), "error": exc.message})
            return row.webhook_subscribed

    def _webhook_changes(self, change: WebhookChange) -> dict[str, object]:
        fields = set(change.update_fields)
        unknown = fields - set(WEBHOOK_FIELDS)
        if unknown or not fields:
            raise InvalidArgument(
                f"update_fields must name some of {', '.join(WEBHOOK_FIELDS)}"
                + (f"; unknown: {', '.join(sorted(unknown))}" if unknown else ""))
        changes: dict[str, object] = {}
        if "enabled" in fields:
            changes["webhook_enabled"] = change.enabled
            if change.enabled and self._settings.public_base_url:
                # Re-registering is how a corrected SWITCHBOARD_PUBLIC_BASE_URL takes effect.
                changes["public_base_url"] = base_url(self._settings.public_base_url,
                                                      "public_base_url")
        if "signing_secret" in fields:
            secret = change.signing_secret.strip()
            if len(secret) > 255:
                raise InvalidArgument("signing_secret is longer than 255 characters")
            changes["signing_secret_enc"] = self._box.encrypt(secret) if secret else None
        return changes


def account_error(exc: AvitoError, action: str) -> DomainError:
    """An Avito failure on a stored account, as something the seller can act on."""
    return domain_error(
        exc, action,
        credentials=lambda e: FailedPrecondition(
            f"Avito rejected the account's credentials, could not {action}: reconnect the account"),
        tariff="Avito answered 402 Payment required: the account's tariff lacks the Messenger API "
               "(it needs «Максимальный» or «Расширенный»)")
