"""SQL of `channels.telegram_bots` (`unit.telegram_bots`). The three lookups that name no tenant
run in a tenantless unit through the definer functions of migration 0013."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select, text, tuple_
from sqlalchemy.exc import IntegrityError

from services.channels.models import TelegramBot
from services.kernel.errors import Conflict, NotFound
from services.kernel.repository import RepositoryBase, cursor_id, cursor_time

_WEBHOOK_TARGET = text("SELECT tenant_id, webhook_secret_sha256, status, delivery "
                       "FROM channels.telegram_webhook_target(:bot_id)")
_BOT_TENANT = text("SELECT channels.telegram_bot_tenant(:telegram_id)")
_LOCK = text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")
_CREDENTIALS = text("SELECT id, tenant_id, telegram_id, username, token_enc, delivery, "
                    "runner_api_key_enc, group_chat_id "
                    "FROM channels.telegram_bot_credentials(:after, :limit)")


@dataclass(frozen=True, slots=True)
class WebhookBot:
    """What checking an update needs of the bot its URL names."""

    tenant_id: uuid.UUID
    secret_sha256: str
    status: int
    delivery: int


@dataclass(frozen=True, slots=True)
class BotSecrets:
    """A bot as the runner needs it, its secrets still encrypted."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    telegram_id: int
    username: str
    token_enc: bytes = field(repr=False)
    delivery: int
    runner_api_key_enc: bytes = field(repr=False)
    group_chat_id: int | None


class TelegramBotsRepository(RepositoryBase[TelegramBot]):
    model = TelegramBot

    async def webhook_bot(self, bot_id: uuid.UUID) -> WebhookBot | None:
        """Tenantless: the bot a webhook URL names, in whichever tenant."""
        row = (await self.session.execute(_WEBHOOK_TARGET, {"bot_id": bot_id})).first()
        return None if row is None else WebhookBot(*row)

    async def tenant_of(self, telegram_id: int) -> uuid.UUID | None:
        """Tenantless: which tenant has registered this Telegram bot, if any."""
        tenant: uuid.UUID | None = await self.session.scalar(_BOT_TENANT,
                                                             {"telegram_id": telegram_id})
        return tenant

    async def credentials(self, after: uuid.UUID | None, limit: int) -> list[BotSecrets]:
        """Tenantless: a page of every tenant's bots, by id."""
        rows = await self.session.execute(_CREDENTIALS, {"after": after, "limit": limit})
        return [BotSecrets(*row) for row in rows]

    async def find_telegram(self, telegram_id: int) -> TelegramBot | None:
        """This tenant's row of a Telegram bot, locked for the transaction."""
        return await self.session.scalar(
            select(TelegramBot).where(TelegramBot.telegram_id == telegram_id)
            .with_for_update().execution_options(populate_existing=True))

    async def lock(self, bot_id: uuid.UUID) -> TelegramBot:
        row = await self.session.scalar(
            select(TelegramBot).where(TelegramBot.id == bot_id)
            .with_for_update().execution_options(populate_existing=True))
        if row is None:
            raise NotFound(f"Telegram bot {bot_id} not found")
        return row

    async def lock_telegram_id(self, telegram_id: int) -> None:
        """Hold this Telegram bot's lock until the transaction ends, whichever tenant asks
        (an advisory lock: no row needs to exist yet)."""
        await self.session.execute(_LOCK, {"key": f"channels.telegram_bots:{telegram_id}"})

    async def page(self, size: int, cursor: str) -> tuple[list[TelegramBot], str]:
        """Oldest first, keyset-paged on (created_at, id); the next page's cursor or ""."""
        query = select(TelegramBot).order_by(TelegramBot.created_at, TelegramBot.id)
        if cursor:
            after = self.cursors.decode(cursor, t=cursor_time, id=cursor_id)
            query = query.where(tuple_(TelegramBot.created_at, TelegramBot.id)
                                > (after["t"], after["id"]))
        rows = list((await self.session.scalars(query.limit(size + 1))).all())
        if len(rows) <= size:
            return rows, ""
        last = rows[size - 1]
        return rows[:size], self.cursors.encode({"t": last.created_at.isoformat(),
                                                 "id": str(last.id)})

    async def insert(self, bot: TelegramBot) -> TelegramBot:
        self.session.add(bot)
        try:
            await self.session.flush()
        except IntegrityError as exc:  # another tenant registered it meanwhile
            raise Conflict("this Telegram bot is registered by another account") from exc
        await self.session.refresh(bot)
        return bot

    async def save(self, row: TelegramBot, now: datetime, **changes: object) -> TelegramBot:
        for name, value in changes.items():
            setattr(row, name, value)
        row.updated_at = now
        await self.session.flush()
        return row

    async def remove(self, bot_id: uuid.UUID) -> None:
        await self.session.execute(delete(TelegramBot).where(TelegramBot.id == bot_id))
