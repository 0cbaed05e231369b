"""A tenant's Telegram bot as a customer channel (kind telegram): connecting, disconnecting and
the files buyers send, read on the server side.

Connecting checks the token with getMe, then — holding the bot's lock, the one registering a
console bot takes (`bots/repository.py`) — refuses a bot another account uses (a customer
channel of any tenant, or a console bot of any tenant, this one included: one bot, one webhook),
sets the webhook at `/webhooks/telegram-channel/{channel_id}` with a fresh secret_token and only
then saves the row (token and secret encrypted, the secret's SHA-256 for the gateway). The lock
is held across that one bounded Telegram call, as `bots/service.py` does. A disconnected
channel of the same bot connected again gets its row (and its conversations) back.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import mimetypes
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from clients.rpc import topics
from services.channels import events
from services.channels.accounts.connect import base_url
from services.channels.accounts.diagnostics import CHECK_TIMEOUT_S, Check
from services.channels.config import ChannelsSettings
from services.channels.models import AccountStatus, AuthKind, ChannelAccount, ChannelKind
from services.channels.quotas.service import AccountSlots
from services.channels.repository import ChannelsUnit
from services.channels.telegram.client import TOKEN, TelegramApi
from services.channels.telegram.errors import (
    TelegramError,
    TelegramRejected,
    TelegramTokenRefused,
    telegram_call,
    telegram_error,
)
from services.channels.telegram.sending import Pacing
from services.kernel.crypto import SecretBox
from services.kernel.errors import Conflict, FailedPrecondition, InvalidArgument, NotFound
from services.kernel.models import new_id
from services.kernel.repository import parse_uuid
from services.kernel.unit import Units

log = logging.getLogger(__name__)

# What a customer channel takes: buyers' messages (edits are ignored, see normalize.py).
ALLOWED_UPDATES = ("message", "edited_message")
TOKEN_SHAPE = ("token is not a Telegram bot token: @BotFather gives one like "  # noqa: S105
               "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw")


@dataclass(frozen=True)
class ConnectTelegram:
    token: str
    name: str = ""
    public_base_url: str = ""


@dataclass(frozen=True)
class FileContent:
    content: bytes
    mime_type: str
    file_name: str


def webhook_path(channel_id: uuid.UUID) -> str:
    return f"/webhooks/telegram-channel/{channel_id}"


class TelegramChannels:
    def __init__(self, settings: ChannelsSettings, box: SecretBox, api: TelegramApi,
                 slots: AccountSlots | None = None) -> None:
        self._settings, self._box, self._api = settings, box, api
        self._slots = slots  # the plan's channel_accounts (None: not enforced here)
        self.pacing = Pacing()  # the process's sends, within Telegram's limits

    async def connect(self, units: Units[ChannelsUnit], form: ConnectTelegram) -> ChannelAccount:
        form = self._validated(form)
        me = await telegram_call(self._api.get_me(form.token), "check the token")
        async with units() as unit:
            await unit.telegram_bots.lock_telegram_id(me.telegram_id)
            async with units.tenantless() as lookup:
                console = await lookup.telegram_bots.tenant_of(me.telegram_id)
                channel = await lookup.accounts.telegram_tenant(me.telegram_id)
            if console is not None:
                raise Conflict(f"@{me.username} is registered as a console bot: a bot takes "
                               "one webhook, so use another bot (make one with @BotFather) or "
                               "remove that console bot first")
            if channel is not None:
                where = "this account" if channel == unit.tenant_id else "another account"
                raise Conflict(f"@{me.username} is already connected as a channel by {where}")
            existing = await unit.accounts.find_external(ChannelKind.TELEGRAM,
                                                         str(me.telegram_id))
            if self._slots is not None and (existing is None
                                            or existing.status != AccountStatus.ACTIVE):
                await self._slots.take(unit)  # before the webhook: a refusal changes nothing
            channel_id = existing.id if existing is not None else new_id()
            secret = secrets.token_urlsafe(32)
            await telegram_call(self._api.set_webhook(
                form.token, form.public_base_url + webhook_path(channel_id), secret,
                ALLOWED_UPDATES), "set the webhook")
            values = {
                "name": form.name or f"@{me.username}", "status": AccountStatus.ACTIVE,
                "external_account_name": f"@{me.username}",
                "api_base_url": self._settings.telegram_api_base_url, "client_id": "",
                "client_secret_enc": self._box.encrypt(form.token),
                "auth_kind": AuthKind.CLIENT_CREDENTIALS,
                "webhook_token_sha256": hashlib.sha256(secret.encode()).hexdigest(),
                "webhook_token_enc": self._box.encrypt(secret),
                "public_base_url": form.public_base_url, "webhook_enabled": True,
                "webhook_subscribed": True, "disconnected_at": None}
            if existing is None:
                account = await _insert(unit, ChannelAccount(
                    id=channel_id, tenant_id=unit.tenant_id, kind=ChannelKind.TELEGRAM,
                    external_account_id=str(me.telegram_id), **values))
            else:
                account = await unit.accounts.save(await unit.accounts.lock(channel_id),
                                                   **values)
            unit.emit(topics.CHANNEL_CONNECTED, events.channel_connected(account))
        log.info("Telegram channel connected", extra={
            "channel_id": str(account.id), "reconnected": existing is not None})
        return account

    async def disconnect(self, units: Units[ChannelsUnit], row: ChannelAccount) -> ChannelAccount:
        """deleteWebhook (a token Telegram refuses, revoked at @BotFather, does not hold the
        disconnect up; Telegram down does, and nothing changes), then DISCONNECTED, the token
        dropped; history stays."""
        try:
            await telegram_call(self._api.delete_webhook(self._box.decrypt(row.client_secret_enc)),
                                "delete the webhook")
        except (InvalidArgument, FailedPrecondition):
            log.warning("disconnecting a Telegram channel whose token Telegram refuses",
                        extra={"channel_id": str(row.id)})
        async with units() as unit:
            row = await unit.accounts.lock(row.id)
            if row.status == AccountStatus.DISCONNECTED:
                return row
            row = await unit.accounts.save(
                row, status=AccountStatus.DISCONNECTED, disconnected_at=datetime.now(UTC),
                webhook_subscribed=False, client_secret_enc=self._box.encrypt(""))
            unit.emit(topics.CHANNEL_DISCONNECTED, events.channel_disconnected(row))
        log.info("Telegram channel disconnected", extra={"channel_id": str(row.id)})
        return row

    async def diagnose(self, row: ChannelAccount) -> list[Check]:
        """The channel's checks: is the token still the bot's (getMe)."""
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_S):
                me = await self._api.get_me(self.token(row))
        except TelegramTokenRefused:
            return [Check("credentials", False, "Telegram refuses the bot's token (revoked at "
                          "@BotFather?)", f"connect the bot again with its current token "
                          f"(DELETE /v1/channels/{row.id}, then POST /v1/channels/telegram)")]
        except (TelegramError, TimeoutError) as exc:
            reason = exc.message if isinstance(exc, TelegramError) else "no answer in time"
            return [Check("credentials", False, f"Telegram did not answer getMe: {reason}",
                          "try again later")]
        return [Check("credentials", True, f"Telegram knows the token as @{me.username}")]

    @property
    def api(self) -> TelegramApi:
        return self._api

    def token(self, account: ChannelAccount) -> str:
        return self._box.decrypt(account.client_secret_enc)

    async def file(self, units: Units[ChannelsUnit], channel_id: str,
                   file_id: str) -> FileContent:
        """GetTelegramFile: a buyer's file by its file_id, through the channel's bot (no
        transaction open while Telegram is asked)."""
        if not file_id or len(file_id) > 256:
            raise InvalidArgument("file_id is required (at most 256 characters)")
        async with units() as unit:
            account = await unit.accounts.get_or_raise(parse_uuid(channel_id, "channel id"),
                                                       "channel")
        if account.kind != ChannelKind.TELEGRAM:
            raise FailedPrecondition("the channel is not a Telegram channel")
        if account.status != AccountStatus.ACTIVE:
            raise FailedPrecondition("the channel is disconnected: connect the bot again to "
                                     "read its files")
        try:
            found = await self._api.get_file(self.token(account), file_id)
        except TelegramRejected as exc:
            if exc.status == 400:
                raise NotFound(f"Telegram has no such file for this bot: {exc.message}") from None
            raise
        except TelegramError as exc:
            raise telegram_error(exc, "fetch the file") from None
        name = found.file_path.rsplit("/", 1)[-1]
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return FileContent(found.content, mime, name)

    def _validated(self, form: ConnectTelegram) -> ConnectTelegram:
        token, name = form.token.strip(), form.name.strip()
        if not TOKEN.match(token):
            raise InvalidArgument(TOKEN_SHAPE)
        if len(name) > 255:
            raise InvalidArgument("name is longer than 255 characters")
        public = base_url(form.public_base_url or self._settings.public_base_url,
                          "public_base_url")
        return ConnectTelegram(token=token, name=name, public_base_url=public)


async def _insert(unit: ChannelsUnit, account: ChannelAccount) -> ChannelAccount:
    try:
        return await unit.accounts.insert(account)
    except Conflict:  # the cross-tenant index: connected elsewhere meanwhile
        raise Conflict("this Telegram bot was connected as a channel by another account "
                       "meanwhile") from None
