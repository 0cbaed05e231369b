"""Channel accounts: connecting Avito accounts, reading them, resolving webhook URLs, asking
for a sync; the account workflows of `accounts/` hang off it for the servicer.

Rules only: no gRPC, no NATS, no SQL. The servicer hands in one open `ChannelsUnit`, or the
`Units` to workflows that call Avito (connecting uses several short units so that no
transaction is held open while Avito is called).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from services.channels.accounts.actions import ChannelActions
from services.channels.accounts.connect import AccountConnector, AccountDraft, Connected, base_url
from services.channels.accounts.diagnostics import ChannelDiagnostics
from services.channels.accounts.management import ChannelManagement
from services.channels.accounts.oauth import AvitoAuthorization
from services.channels.avito.pool import AvitoClients
from services.channels.bots.service import TelegramBots
from services.channels.config import ChannelsSettings
from services.channels.models import AccountStatus, AuthKind, ChannelAccount, ChannelKind
from services.channels.quotas.service import AccountSlots
from services.channels.repository import ChannelsUnit
from services.channels.telegram.channel import ConnectTelegram, TelegramChannels, webhook_path
from services.channels.telegram.client import TelegramApi
from services.kernel.crypto import SecretBox
from services.kernel.errors import FailedPrecondition, InvalidArgument, NotFound
from services.kernel.repository import (
    MAX_PAGE_SIZE,
    Cursors,
    cursor_id,
    cursor_time,
    page_size,
    parse_uuid,
)
from services.kernel.unit import Units

log = logging.getLogger(__name__)

MASKED_TOKEN = "****"  # noqa: S105 - what a stored secret is shown as


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
    def __init__(self, settings: ChannelsSettings, box: SecretBox, clients: AvitoClients,
                 telegram: TelegramApi, slots: AccountSlots) -> None:
        self._settings, self._box, self._clients = settings, box, clients
        self._connector = AccountConnector(box, slots)  # the plan's channel_accounts
        # Connecting through the partner app, webhook on/off, disconnecting, diagnostics.
        self.authorization = AvitoAuthorization(settings, box, clients, slots)
        self.management = ChannelManagement(settings, box, clients)
        self.actions = ChannelActions(clients)  # voice URLs, blacklist
        self.bots = TelegramBots(settings, box, telegram)  # tenants' Telegram bots
        # Telegram bots as customer channels (kind telegram).
        self.telegram = TelegramChannels(settings, box, telegram, slots)
        self.diagnostics = ChannelDiagnostics(clients, self.telegram.diagnose)
        # Called once a SyncChannel committed (the runtime: run a sync round now).
        self.sync_requested: Callable[[], None] = lambda: None

    async def connect_avito(self, units: Units[ChannelsUnit], form: ConnectAvito) -> Connected:
        """Check the credentials with Avito, register the webhook, then save: a refusal at
        any step leaves nothing behind (see accounts/connect.py)."""
        form = self._validated(form)
        client = self._clients.for_credentials(form.api_base_url, form.client_id,
                                               form.client_secret)
        return await self._connector.connect(units, client, AccountDraft(
            name=form.name, api_base_url=form.api_base_url,
            public_base_url=form.public_base_url, auth_kind=AuthKind.CLIENT_CREDENTIALS,
            client_id=form.client_id, client_secret=form.client_secret,
            signing_secret=form.signing_secret, subscribe_webhook=form.subscribe_webhook))

    async def connect_telegram(self, units: Units[ChannelsUnit],
                               form: ConnectTelegram) -> ChannelAccount:
        """getMe, the bot's owners checked, setWebhook, then save (telegram/channel.py)."""
        return await self.telegram.connect(units, form)

    async def disconnect(self, units: Units[ChannelsUnit], channel_id: str) -> ChannelAccount:
        """DisconnectChannel: Avito unsubscribes, Telegram deletes the webhook."""
        async with units() as unit:
            row = await unit.accounts.get_or_raise(parse_uuid(channel_id, "channel id"),
                                                   "channel")
        if row.kind != ChannelKind.TELEGRAM:
            return await self.management.disconnect(units, channel_id)
        if row.status == AccountStatus.DISCONNECTED:
            return row
        return await self.telegram.disconnect(units, row)

    async def list_channels(self, unit: ChannelsUnit, requested_size: int,
                            cursor: str) -> ChannelPage:
        size = page_size(requested_size)
        rows = await unit.accounts.page(_after(unit.cursors, cursor) if cursor else None, size + 1)
        if len(rows) <= size:
            return ChannelPage(rows, "", False)
        last = rows[size - 1]
        return ChannelPage(rows[:size], unit.cursors.encode(
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
            account = await unit.accounts.webhook_account(uuid.UUID(channel_id))
        except ValueError:
            account = None  # a garbled URL is as unknown as a deleted channel
        if account is None:
            raise NotFound(f"channel {channel_id} not found")
        signing = self._box.decrypt(account.signing_secret_enc) \
            if account.signing_secret_enc else ""
        return WebhookTarget(account.tenant_id, account.kind, account.status,
                             account.webhook_token_sha256, signing)

    async def catch_up(self, units: Units[ChannelsUnit], reason: str) -> int:
        """CatchUp, and the sync scheduler's first step when channels starts: every connected
        account that had a webhook within `sync_catch_up_window_s` is due now — unless it is
        due already (a lease, perhaps of a pass that died with its process, is cut short: a
        second pass of an account is harmless, its imports are idempotent). How many."""
        window = self._settings.sync_catch_up_window_s
        if window <= 0:
            return 0
        since = datetime.now(UTC) - timedelta(seconds=window)
        async with units.tenantless() as unit:
            moved = await unit.sync_states.catch_up(since)
        log.info("accounts with recent webhooks are due for a sync",
                 extra={"reason": reason[:100], "accounts": moved})
        return moved

    async def request_sync(self, unit: ChannelsUnit, channel_id: str) -> datetime:
        """SyncChannel: the account is due now; returns when (the scheduler picks it up then)."""
        account = await self.get_channel(unit, channel_id)
        if account.status != AccountStatus.ACTIVE:
            raise FailedPrecondition("the channel is disconnected: connect it again to sync it")
        if account.kind != ChannelKind.AVITO:
            raise FailedPrecondition("a Telegram channel has nothing to sync: the Bot API keeps "
                                     "no history a bot can read; messages arrive by webhook")
        return await unit.sync_states.request_now(account.id)

    @staticmethod
    def masked_webhook_url(account: ChannelAccount) -> str:
        if account.kind == ChannelKind.TELEGRAM:  # the secret travels in a header, not here
            return account.public_base_url + webhook_path(account.id)
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
            api_base_url=base_url(form.api_base_url or self._settings.avito_api_base_url,
                                   "api_base_url"),
            public_base_url=base_url(form.public_base_url or self._settings.public_base_url,
                                      "public_base_url"),
            subscribe_webhook=form.subscribe_webhook)


def _after(cursors: Cursors, cursor: str) -> tuple[datetime, uuid.UUID]:
    values = cursors.decode(cursor, created_at=cursor_time, id=cursor_id)
    return values["created_at"], values["id"]
