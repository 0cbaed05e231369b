"""REST representations of tenants' Telegram bots. The requests' models are shared with GraphQL
(`bots.py`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as pb
from gateway.schemas import PageOut
from gateway.telegram.bots import DELIVERY_NAMES
from services.kernel.timestamps import to_datetime


class BotGroupOut(BaseModel):
    chat_id: int = Field(description="The supergroup's id (negative)")
    title: str


class TelegramBotOut(BaseModel):
    id: str
    telegram_id: int = Field(description="Telegram's id of the bot")
    username: str
    first_name: str
    delivery: Literal["webhook", "polling", "unknown"]
    group: BotGroupOut | None = Field(description="Where the bot posts conversations; null "
                                                  "until a group is linked")
    webhook_url: str | None = Field(description="Where Telegram delivers updates (the secret "
                                                "travels in a header, not here); null for polling")
    created_at: datetime | None

    @classmethod
    def from_proto(cls, bot: pb.TelegramBot) -> TelegramBotOut:
        group = BotGroupOut(chat_id=bot.group_chat_id, title=bot.group_title) \
            if bot.group_chat_id else None
        return cls(id=bot.id, telegram_id=bot.telegram_id, username=bot.username,
                   first_name=bot.first_name,
                   delivery=DELIVERY_NAMES.get(bot.delivery, "unknown"),  # type: ignore[arg-type]
                   group=group, webhook_url=bot.webhook_url or None,
                   created_at=to_datetime(bot.created_at))


class TelegramBotList(BaseModel):
    items: list[TelegramBotOut]
    page: PageOut
