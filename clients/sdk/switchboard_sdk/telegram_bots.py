"""Your Telegram bots: register a bot's token (Switchboard checks it with Telegram, keeps it
encrypted and points the bot's webhook at itself), link the supergroup it posts conversations
to, remove it. Telegram's ids are 64-bit: GraphQL carries them as `ID`, the SDK as `int`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from switchboard_sdk._base import MAX_PAGE, Api
from switchboard_sdk._codec import OpenEnum, decode
from switchboard_sdk.errors import InvalidInput, ProtocolError

BOT = """
fragment TelegramBotFields on TelegramBot {
  id telegramId username firstName delivery webhookUrl createdAt group { chatId title }
}"""
REGISTER_TELEGRAM_BOT = BOT + """
mutation RegisterTelegramBot($input: RegisterTelegramBotInput!) {
  registerTelegramBot(input: $input) { ...TelegramBotFields }
}"""
TELEGRAM_BOTS = BOT + """
query TelegramBots($first: Int) { telegramBots(first: $first) { ...TelegramBotFields } }"""
TELEGRAM_BOT = BOT + """
query TelegramBot($id: ID!) { telegramBot(id: $id) { ...TelegramBotFields } }"""
SET_TELEGRAM_BOT_GROUP = BOT + """
mutation SetTelegramBotGroup($id: ID!, $group: TelegramBotGroupInput) {
  setTelegramBotGroup(id: $id, group: $group) { ...TelegramBotFields }
}"""
REMOVE_TELEGRAM_BOT = """
mutation RemoveTelegramBot($id: ID!) { removeTelegramBot(id: $id) }"""


class TelegramDelivery(OpenEnum):
    """WEBHOOK: Telegram sends updates to Switchboard; POLLING: no webhook, the bot runner asks
    Telegram for them (local development, no public URL)."""

    WEBHOOK = "WEBHOOK"
    POLLING = "POLLING"


@dataclass(frozen=True)
class TelegramBotGroup:
    chat_id: int  # a supergroup's id: negative
    title: str = ""


@dataclass(frozen=True)
class TelegramBot:
    """A registered bot. Its token and webhook secret are never shown again."""

    id: str
    telegram_id: int
    username: str = ""
    first_name: str = ""
    delivery: TelegramDelivery = TelegramDelivery.WEBHOOK
    group: TelegramBotGroup | None = None  # None until a group is linked
    webhook_url: str | None = None  # None for polling; no secret in it
    created_at: datetime | None = None


class TelegramBotsApi(Api):
    async def register_telegram_bot(
            self, token: str, *,
            delivery: TelegramDelivery = TelegramDelivery.WEBHOOK) -> TelegramBot:
        """Register a bot by its @BotFather token (admin key): checked with Telegram (a token it
        refuses is InvalidInput saying so), stored encrypted, the webhook set. The same bot
        again updates it (a new webhook secret), so a retry is harmless; a bot another account
        registered is Conflict."""
        if not token.strip():
            raise InvalidInput("token is required: the one @BotFather gave", field="token")
        found = await self._data(REGISTER_TELEGRAM_BOT, "registerTelegramBot",
                                 input={"token": token, "delivery": delivery.value})
        return _bot(found)

    async def telegram_bots(self) -> list[TelegramBot]:
        """Your Telegram bots, oldest first (a tenant has a handful)."""
        found = await self._data(TELEGRAM_BOTS, "telegramBots", first=MAX_PAGE)
        if not isinstance(found, list):
            raise ProtocolError("telegramBots: expected a list")
        return [_bot(item) for item in found]

    async def telegram_bot(self, bot_id: str) -> TelegramBot | None:
        """One of your bots, or None when there is none with this id."""
        found = await self._data(TELEGRAM_BOT, "telegramBot", id=bot_id)
        return None if found is None else _bot(found)

    async def set_telegram_bot_group(self, bot_id: str, chat_id: int | None,
                                     title: str = "") -> TelegramBot:
        """Link the supergroup (with topics) the bot posts conversations to: its id (negative)
        and title; `chat_id=None` unlinks it. Admin key; safe to repeat."""
        group = None if chat_id is None else {"chatId": str(chat_id), "title": title}
        found = await self._data(SET_TELEGRAM_BOT_GROUP, "setTelegramBotGroup", id=bot_id,
                                 group=group)
        return _bot(found)

    async def remove_telegram_bot(self, bot_id: str) -> None:
        """Delete the bot's webhook on Telegram, then the bot; its runner's API key is revoked
        (admin key). NotFound when there is none. Not retried (a repeat of one that went
        through would say NotFound)."""
        await self._data(REMOVE_TELEGRAM_BOT, "removeTelegramBot", safe=False, id=bot_id)


def _bot(data: Any) -> TelegramBot:
    bot = decode(TelegramBot, data)
    try:  # IDs (strings) on the wire
        group = None if bot.group is None else replace(bot.group, chat_id=int(bot.group.chat_id))
        return replace(bot, telegram_id=int(bot.telegram_id), group=group)
    except (TypeError, ValueError):
        raise ProtocolError(f"telegramBot {bot.id}: its Telegram ids are not numbers") from None
