"""gRPC: the Telegram bot RPCs of ChannelsService (proto <-> domain), mixed into
`servicer.ChannelsServicer`. Registering and removing open their own units around Telegram's
calls (bots/service.py); the others take one unit each."""

from __future__ import annotations

from typing import Any

from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as pb
from clients.rpc.gen.switchboard.channels.v1 import telegram_delivery_pb2 as delivery_pb
from clients.rpc.gen.switchboard.channels.v1 import telegram_delivery_pb2_grpc as delivery_grpc
from clients.rpc.gen.switchboard.common.v1 import pagination_pb2
from services.channels.bots.delivery import BotMessages
from services.channels.bots.service import Registration, TelegramBots, webhook_url
from services.channels.models import TelegramBot, TelegramBotStatus, TelegramDelivery
from services.channels.repository import ChannelsUnit
from services.kernel.unit import Units

# Registering ends this long before the caller's deadline, saved or not (bots/service.py).
DEADLINE_MARGIN_S = 1.0


class TelegramBotsRpcs:
    units: Units[ChannelsUnit]
    bots: TelegramBots

    async def RegisterTelegramBot(self, request: pb.RegisterTelegramBotRequest,
                                  context: Any) -> pb.RegisterTelegramBotResponse:
        remaining = context.time_remaining()
        done = await self.bots.register(self.units, Registration(
            token=request.token, delivery=request.delivery,
            public_base_url=request.public_base_url, runner_api_key=request.runner_api_key,
            runner_api_key_id=request.runner_api_key_id),
            budget_s=None if remaining is None else max(0.0, remaining - DEADLINE_MARGIN_S))
        replaced = done.replaced_runner_api_key_id
        return pb.RegisterTelegramBotResponse(
            bot=bot_proto(done.bot), replaced_runner_api_key_id=str(replaced) if replaced else "")

    async def ListTelegramBots(self, request: pb.ListTelegramBotsRequest,
                               context: Any) -> pb.ListTelegramBotsResponse:
        async with self.units() as unit:
            rows, cursor = await self.bots.page(unit, request.page.page_size, request.page.cursor)
        return pb.ListTelegramBotsResponse(
            bots=[bot_proto(row) for row in rows],
            page_info=pagination_pb2.PageInfo(next_cursor=cursor, has_more=bool(cursor)))

    async def GetTelegramBot(self, request: pb.GetTelegramBotRequest,
                             context: Any) -> pb.GetTelegramBotResponse:
        async with self.units() as unit:
            row = await self.bots.get(unit, request.id)
        return pb.GetTelegramBotResponse(bot=bot_proto(row))

    async def SetTelegramBotGroup(self, request: pb.SetTelegramBotGroupRequest,
                                  context: Any) -> pb.SetTelegramBotGroupResponse:
        async with self.units() as unit:
            row = await self.bots.set_group(unit, request.id, request.chat_id, request.title)
        return pb.SetTelegramBotGroupResponse(bot=bot_proto(row))

    async def RemoveTelegramBot(self, request: pb.RemoveTelegramBotRequest,
                                context: Any) -> pb.RemoveTelegramBotResponse:
        key_id = await self.bots.remove(self.units, request.id)
        return pb.RemoveTelegramBotResponse(runner_api_key_id=str(key_id))

    async def ResolveTelegramWebhook(self, request: pb.ResolveTelegramWebhookRequest,
                                     context: Any) -> pb.ResolveTelegramWebhookResponse:
        async with self.units.tenantless() as unit:
            target = await self.bots.webhook_target(unit, request.bot_id)
        return pb.ResolveTelegramWebhookResponse(
            tenant_id=str(target.tenant_id), secret_sha256=target.secret_sha256,
            active=target.status == TelegramBotStatus.ACTIVE
            and target.delivery == TelegramDelivery.WEBHOOK)

    async def ListTelegramBotCredentials(
            self, request: pb.ListTelegramBotCredentialsRequest,
            context: Any) -> pb.ListTelegramBotCredentialsResponse:
        async with self.units.tenantless() as unit:
            found, next_after = await self.bots.credentials(unit, request.after, request.limit)
        return pb.ListTelegramBotCredentialsResponse(
            bots=[pb.TelegramBotCredentials(
                bot_id=str(b.bot), tenant_id=str(b.tenant_id), telegram_id=b.telegram_id,
                username=b.username, token=b.token,
                delivery=b.delivery,  # type: ignore[arg-type]  # same numbering as the enum
                runner_api_key=b.runner_api_key, group_chat_id=b.group_chat_id or 0)
                for b in found],
            next_after=next_after)


def bot_proto(row: TelegramBot) -> pb.TelegramBot:
    bot = pb.TelegramBot(
        id=str(row.id), telegram_id=row.telegram_id, username=row.username,
        first_name=row.first_name,
        delivery=row.delivery,  # type: ignore[arg-type]  # same numbering as the enum
        status=row.status,  # type: ignore[arg-type]
        group_chat_id=row.group_chat_id or 0, group_title=row.group_title,
        webhook_url=webhook_url(row))
    bot.created_at.FromDatetime(row.created_at)
    bot.updated_at.FromDatetime(row.updated_at)
    return bot


class TelegramDeliveryServicer(delivery_grpc.TelegramDeliveryServiceServicer):
    """TelegramDeliveryService (served beside ChannelsService): the scheduling service's
    reports, sent through the tenant's bot (bots/delivery.py)."""

    def __init__(self, units: Units[ChannelsUnit], messages: BotMessages) -> None:
        self.units, self.messages = units, messages

    async def SendTelegramMessage(self, request: delivery_pb.SendTelegramMessageRequest,
                                  context: Any) -> delivery_pb.SendTelegramMessageResponse:
        thread = request.message_thread_id if request.HasField("message_thread_id") else None
        ids = await self.messages.send(self.units, request.chat_id, thread, request.html,
                                       request.photo)
        return delivery_pb.SendTelegramMessageResponse(message_ids=ids)
