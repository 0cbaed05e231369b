"""Tenants' Telegram bots: the rules behind RegisterTelegramBot and its siblings.

Registering checks the token with getMe, then — holding the bot's lock — makes sure no other
tenant has the bot, sets the webhook with a fresh secret (or deletes it for polling) and saves
the row. The lock (a transaction-level advisory lock on Telegram's bot id) is held across that
one Telegram call, bounded by the client's timeout and retries, as `accounts/tokens.py` holds
an account across one token refresh: two registrations (or a registration and a removal) of
one bot cannot interleave, so Telegram never keeps one secret while the row holds another.
Nothing is saved unless Telegram took the change; the plaintext secret goes to Telegram once.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from services.channels.accounts.connect import base_url
from services.channels.bots.repository import BotSecrets, WebhookBot
from services.channels.config import ChannelsSettings
from services.channels.models import TelegramBot, TelegramBotStatus, TelegramDelivery
from services.channels.repository import ChannelsUnit
from services.channels.telegram.client import TOKEN, TelegramApi
from services.channels.telegram.errors import telegram_call
from services.kernel.crypto import SecretBox
from services.kernel.errors import (
    Conflict,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    Unavailable,
)
from services.kernel.models import new_id
from services.kernel.repository import page_size, parse_uuid
from services.kernel.unit import Units

log = logging.getLogger(__name__)

# What the bot runner handles; Telegram keeps the list until it is given again.
ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "my_chat_member",
                   "chat_member")
DEFAULT_CREDENTIALS_PAGE, MAX_CREDENTIALS_PAGE = 100, 500


@dataclass(frozen=True)
class Registration:
    token: str
    delivery: int  # a TelegramDelivery; 0 = webhook
    public_base_url: str
    runner_api_key: str
    runner_api_key_id: str


@dataclass(frozen=True)
class Registered:
    bot: TelegramBot
    # The runner key the bot had before this registration (the gateway revokes it).
    replaced_runner_api_key_id: uuid.UUID | None


@dataclass(frozen=True)
class RunnerBot:
    """ListTelegramBotCredentials: a bot with its secrets in plaintext."""

    bot: uuid.UUID
    tenant_id: uuid.UUID
    telegram_id: int
    username: str
    token: str
    delivery: int
    runner_api_key: str
    group_chat_id: int | None


def webhook_url(bot: TelegramBot) -> str:
    """Where Telegram delivers this bot's updates ("" for polling); no secret in it."""
    if bot.delivery != TelegramDelivery.WEBHOOK:
        return ""
    return f"{bot.public_base_url}/webhooks/telegram/{bot.id}"


class TelegramBots:
    def __init__(self, settings: ChannelsSettings, box: SecretBox, api: TelegramApi) -> None:
        self._settings, self._box, self._api = settings, box, api

    async def register(self, units: Units[ChannelsUnit], form: Registration,
                       budget_s: float | None = None) -> Registered:
        """Within `budget_s` (the caller's deadline, less a margin) or not at all: a caller
        that gave up must not find the bot saved with the runner key it revoked meanwhile."""
        form, key_id = self._validated(form)
        try:
            async with asyncio.timeout(budget_s):
                return await self._register(units, form, key_id)
        except TimeoutError:
            raise Unavailable("Telegram answered too slowly to register the bot: nothing was "
                              "saved, try again") from None

    async def _register(self, units: Units[ChannelsUnit], form: Registration,
                        key_id: uuid.UUID) -> Registered:
        me = await telegram_call(self._api.get_me(form.token), "check the token")
        async with units() as unit:
            await unit.telegram_bots.lock_telegram_id(me.telegram_id)
            async with units.tenantless() as lookup:
                owner = await lookup.telegram_bots.tenant_of(me.telegram_id)
                channel = await lookup.accounts.telegram_tenant(me.telegram_id)
            if owner is not None and owner != unit.tenant_id:
                raise Conflict(f"@{me.username} is registered by another account: it has to "
                               "be removed there first")
            if channel is not None:  # a customer channel's webhook: one bot, one webhook
                raise Conflict(f"@{me.username} is connected as a customer channel: a bot "
                               "takes one webhook, so use another bot or disconnect that "
                               "channel first")
            row = await unit.telegram_bots.find_telegram(me.telegram_id)
            bot_id = row.id if row is not None else new_id()
            secret = await self._point_telegram(form, bot_id)
            values = {
                "username": me.username, "first_name": me.first_name,
                "token_enc": self._box.encrypt(form.token), "delivery": form.delivery,
                "webhook_secret_sha256": _sha256(secret) if secret else "",
                "public_base_url": form.public_base_url if secret else "",
                "runner_api_key_id": key_id,
                "runner_api_key_enc": self._box.encrypt(form.runner_api_key),
                "status": TelegramBotStatus.ACTIVE}
            if row is None:
                saved = await unit.telegram_bots.insert(TelegramBot(
                    id=bot_id, tenant_id=unit.tenant_id, telegram_id=me.telegram_id, **values))
                replaced = None
            else:
                replaced = row.runner_api_key_id if row.runner_api_key_id != key_id else None
                saved = await unit.telegram_bots.save(row, datetime.now(UTC), **values)
        log.info("Telegram bot registered", extra={"bot_id": str(saved.id),
                                                   "delivery": saved.delivery,
                                                   "again": row is not None})
        return Registered(saved, replaced)

    async def _point_telegram(self, form: Registration, bot_id: uuid.UUID) -> str:
        """Telegram's side of a registration; the webhook's new secret ("" for polling)."""
        if form.delivery == TelegramDelivery.POLLING:
            await telegram_call(self._api.delete_webhook(form.token), "delete the webhook")
            return ""
        secret = secrets.token_urlsafe(32)
        url = f"{form.public_base_url}/webhooks/telegram/{bot_id}"
        await telegram_call(self._api.set_webhook(form.token, url, secret, ALLOWED_UPDATES),
                            "set the webhook")
        return secret

    async def page(self, unit: ChannelsUnit, requested_size: int,
                   cursor: str) -> tuple[list[TelegramBot], str]:
        """A page of the tenant's bots, oldest first, and the next page's cursor ("" at the end)."""
        return await unit.telegram_bots.page(page_size(requested_size), cursor)

    async def get(self, unit: ChannelsUnit, bot_id: str) -> TelegramBot:
        return await unit.telegram_bots.get_or_raise(parse_uuid(bot_id, "bot id"),
                                                     "Telegram bot")

    async def set_group(self, unit: ChannelsUnit, bot_id: str, chat_id: int,
                        title: str) -> TelegramBot:
        """Link the supergroup the runner posts conversations to; chat_id 0 unlinks it."""
        title = title.strip()
        if chat_id > 0:
            raise InvalidArgument("chat_id must be a supergroup's id, which is negative "
                                  "(e.g. -1001234567890); 0 unlinks the group")
        if chat_id and not title:
            raise InvalidArgument("title is required with a chat_id")
        if len(title) > 255:
            raise InvalidArgument("title is longer than 255 characters")
        row = await unit.telegram_bots.lock(parse_uuid(bot_id, "bot id"))
        return await unit.telegram_bots.save(row, datetime.now(UTC),
                                             group_chat_id=chat_id or None,
                                             group_title=title if chat_id else "")

    async def remove(self, units: Units[ChannelsUnit], bot_id: str) -> uuid.UUID:
        """Delete the webhook on Telegram, then the bot; the runner key to revoke. A token
        Telegram no longer knows (revoked) does not hold the removal up; Telegram being down
        does, and nothing changes."""
        id_ = parse_uuid(bot_id, "bot id")
        async with units() as unit:
            row = await unit.telegram_bots.get_or_raise(id_, "Telegram bot")
            await unit.telegram_bots.lock_telegram_id(row.telegram_id)
            row = await unit.telegram_bots.lock(id_)
            try:
                await telegram_call(self._api.delete_webhook(self._box.decrypt(row.token_enc)),
                                    "delete the webhook")
            except InvalidArgument:
                log.warning("removing a Telegram bot whose token Telegram refuses",
                            extra={"bot_id": str(id_)})
            await unit.telegram_bots.remove(id_)
            return row.runner_api_key_id

    async def webhook_target(self, unit: ChannelsUnit, bot_id: str) -> WebhookBot:
        """ResolveTelegramWebhook (tenant-less): the bot's owner and how to check an update."""
        try:
            found = await unit.telegram_bots.webhook_bot(uuid.UUID(bot_id))
        except ValueError:
            found = None  # a garbled URL is as unknown as a removed bot
        if found is None:
            raise NotFound(f"Telegram bot {bot_id} not found")
        return found

    async def credentials(self, unit: ChannelsUnit, after: str,
                          limit: int) -> tuple[list[RunnerBot], str]:
        """ListTelegramBotCredentials (tenant-less): a page of every tenant's bots by id,
        decrypted, and the id the next page starts after ("" after the last page).

        A bot whose secrets no configured key decrypts (written under a key since dropped
        from SWITCHBOARD_SECRET_KEY) is left out and logged: it cannot run anyway, and failing
        the whole read would stop every other tenant's bots with it."""
        if limit < 0 or limit > MAX_CREDENTIALS_PAGE:
            raise InvalidArgument(f"limit must be between 1 and {MAX_CREDENTIALS_PAGE}")
        size = limit or DEFAULT_CREDENTIALS_PAGE
        start = parse_uuid(after, "after") if after else None
        rows = await unit.telegram_bots.credentials(start, size + 1)
        page = rows[:size]
        bots = [bot for row in page if (bot := self._runner_bot(row)) is not None]
        return bots, str(page[-1].id) if len(rows) > size else ""

    def _runner_bot(self, row: BotSecrets) -> RunnerBot | None:
        try:
            token = self._box.decrypt(row.token_enc)
            api_key = self._box.decrypt(row.runner_api_key_enc)
        except FailedPrecondition:
            log.error("telegram bot left out of the runner's list: its secrets cannot be "
                      "decrypted with the configured keys (register its token again)",
                      extra={"bot_id": str(row.id), "tenant_id": str(row.tenant_id)})
            return None
        return RunnerBot(row.id, row.tenant_id, row.telegram_id, row.username, token,
                         row.delivery, api_key, row.group_chat_id)

    def _validated(self, form: Registration) -> tuple[Registration, uuid.UUID]:
        token = form.token.strip()
        if not TOKEN.match(token):
            raise InvalidArgument("token is not a Telegram bot token: @BotFather gives one like "
                                  "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw")
        delivery = form.delivery or TelegramDelivery.WEBHOOK
        if delivery not in (TelegramDelivery.WEBHOOK, TelegramDelivery.POLLING):
            raise InvalidArgument("delivery must be webhook or polling")
        if not form.runner_api_key.strip():
            raise InvalidArgument("runner_api_key is required")
        key_id = parse_uuid(form.runner_api_key_id, "runner_api_key_id")
        public = base_url(form.public_base_url or self._settings.public_base_url,
                          "public_base_url")
        return replace(form, token=token, delivery=delivery, public_base_url=public,
                       runner_api_key=form.runner_api_key.strip()), key_id


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()
