"""GraphQL: tenants' Telegram bots — `telegramBots`, `telegramBot(id)`, and the mutations
`registerTelegramBot`, `setTelegramBotGroup`, `removeTelegramBot`, through REST's code path
(`bots.py`). Telegram's ids are 64-bit: they travel as `ID` (GraphQL's Int has 32 bits)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, TypeVar

import strawberry
from pydantic import BaseModel, ValidationError

from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as pb
from gateway.graphql.context import Info
from gateway.graphql.errors import bad_input, invalid_input
from gateway.graphql.pagination import page_size
from gateway.graphql.values import optional, timestamp
from gateway.telegram import bots
from services.kernel.errors import NotFound

Form = TypeVar("Form", bound=BaseModel)


@strawberry.enum(description="WEBHOOK: Telegram POSTs updates here; POLLING: no webhook, the "
                             "bot runner asks Telegram (local development)")
class TelegramDelivery(Enum):
    WEBHOOK = "webhook"
    POLLING = "polling"


@strawberry.type
class TelegramBotGroup:
    chat_id: strawberry.ID = strawberry.field(description="The supergroup's id (negative)")
    title: str


@strawberry.type
class TelegramBot:
    id: strawberry.ID
    telegram_id: strawberry.ID = strawberry.field(description="Telegram's id of the bot")
    username: str
    first_name: str
    delivery: TelegramDelivery
    group: TelegramBotGroup | None = strawberry.field(
        description="Where the bot posts conversations; null until a group is linked")
    webhook_url: str | None = strawberry.field(
        description="Where Telegram delivers updates (no secret in it); null for polling")
    created_at: datetime | None

    @classmethod
    def from_proto(cls, bot: pb.TelegramBot) -> TelegramBot:
        group = TelegramBotGroup(chat_id=strawberry.ID(str(bot.group_chat_id)),
                                 title=bot.group_title) if bot.group_chat_id else None
        return cls(id=strawberry.ID(bot.id), telegram_id=strawberry.ID(str(bot.telegram_id)),
                   username=bot.username, first_name=bot.first_name,
                   delivery=TelegramDelivery(bots.DELIVERY_NAMES.get(bot.delivery, "webhook")),
                   group=group, webhook_url=optional(bot.webhook_url),
                   created_at=timestamp(bot, "created_at"))


@strawberry.input(description="A bot's token from @BotFather (write-only)")
class RegisterTelegramBotInput:
    token: str
    delivery: TelegramDelivery = TelegramDelivery.WEBHOOK


@strawberry.input
class TelegramBotGroupInput:
    chat_id: strawberry.ID = strawberry.field(
        description="The supergroup's id (negative, e.g. -1001234567890)")
    title: str


@strawberry.type
class TelegramBotQuery:
    @strawberry.field(description="The tenant's Telegram bots (a tenant has a handful)")
    async def telegram_bots(self, info: Info, first: int = 100,
                            after: str | None = None) -> list[TelegramBot]:
        tenant_id = info.context.require("read").tenant_id
        resp = await info.context.state.channels.list_telegram_bots(
            tenant_id, page_size=page_size(first), cursor=after or "")
        return [TelegramBot.from_proto(b) for b in resp.bots]

    @strawberry.field(description="One of the tenant's Telegram bots; null if there is none")
    async def telegram_bot(self, info: Info, id: strawberry.ID) -> TelegramBot | None:
        tenant_id = info.context.require("read").tenant_id
        try:
            found = await info.context.state.channels.get_telegram_bot(tenant_id, str(id))
        except NotFound:
            return None
        return TelegramBot.from_proto(found)


@strawberry.type
class TelegramBotMutation:
    @strawberry.mutation(description=(
        "Register a Telegram bot (admin): the token is checked with Telegram, stored encrypted, "
        "and the webhook set (POLLING deletes it). The same bot again updates it; another "
        "account's bot is a CONFLICT; a token Telegram refuses is BAD_USER_INPUT"))
    async def register_telegram_bot(self, info: Info,
                                    input: RegisterTelegramBotInput) -> TelegramBot:
        principal = info.context.require("admin")
        form = _form(bots.RegisterBot, {"token": input.token, "delivery": input.delivery.value})
        return TelegramBot.from_proto(await bots.register(info.context.state, principal, form))

    @strawberry.mutation(description="Link the supergroup the bot posts conversations to; "
                                     "a null group unlinks it (admin)")
    async def set_telegram_bot_group(self, info: Info, id: strawberry.ID,
                                     group: TelegramBotGroupInput | None = None) -> TelegramBot:
        tenant_id = info.context.require("admin").tenant_id
        form = None if group is None else _form(
            bots.BotGroup, {"chat_id": _chat_id(group.chat_id), "title": group.title})
        return TelegramBot.from_proto(
            await bots.set_group(info.context.state, tenant_id, str(id), form))

    @strawberry.mutation(description="Delete the bot's webhook on Telegram, then the bot, and "
                                     "revoke its runner's API key (admin)")
    async def remove_telegram_bot(self, info: Info, id: strawberry.ID) -> bool:
        principal = info.context.require("admin")
        await bots.remove(info.context.state, principal, str(id))
        return True


def _chat_id(value: str) -> int:
    text = str(value).strip()
    if not (text.startswith("-") and text[1:].isascii() and text[1:].isdigit()
            and len(text) <= 20):
        raise bad_input("group.chatId must be a supergroup's id: a negative integer")
    return int(text)


def _form(model: type[Form], fields: dict[str, Any]) -> Form:
    """The shared request model REST validates with (a token never appears in its errors)."""
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        raise invalid_input(exc) from exc
