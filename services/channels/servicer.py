"""gRPC ChannelsService: proto <-> domain, one unit of work per RPC (connecting opens its
own, around the calls to Avito). The AuthInterceptor has already bound the tenant."""

from __future__ import annotations

from typing import Any

from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as pb
from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2_grpc as pb_grpc
from clients.rpc.gen.switchboard.common.v1 import pagination_pb2
from services.channels.models import ChannelAccount
from services.channels.repository import Transactions
from services.channels.service import ChannelsService, ConnectAvito

SERVICE_NAME = "switchboard.channels.v1.ChannelsService"
# Called by the gateway before it knows the tenant: service credential only.
TENANTLESS = frozenset({f"/{SERVICE_NAME}/ResolveWebhook"})


class ChannelsServicer(pb_grpc.ChannelsServiceServicer):
    def __init__(self, tx: Transactions, service: ChannelsService) -> None:
        self._tx, self._service = tx, service

    async def ConnectAvitoAccount(self, request: pb.ConnectAvitoAccountRequest,
                                  context: Any) -> pb.ConnectAvitoAccountResponse:
        connected = await self._service.connect_avito(self._tx, ConnectAvito(
            name=request.name, client_id=request.client_id,
            client_secret=request.client_secret, signing_secret=request.signing_secret,
            api_base_url=request.api_base_url, public_base_url=request.public_base_url,
            subscribe_webhook=request.subscribe_webhook))
        return pb.ConnectAvitoAccountResponse(
            channel=channel_proto(connected.account, connected.webhook_url))

    async def ListChannels(self, request: pb.ListChannelsRequest,
                           context: Any) -> pb.ListChannelsResponse:
        async with self._tx() as unit:
            page = await self._service.list_channels(unit, request.page.page_size,
                                                     request.page.cursor)
        return pb.ListChannelsResponse(
            channels=[self._masked(row) for row in page.channels],
            page_info=pagination_pb2.PageInfo(next_cursor=page.next_cursor,
                                              has_more=page.has_more))

    async def GetChannel(self, request: pb.GetChannelRequest,
                         context: Any) -> pb.GetChannelResponse:
        async with self._tx() as unit:
            row = await self._service.get_channel(unit, request.id)
        return pb.GetChannelResponse(channel=self._masked(row))

    async def BatchGetChannels(self, request: pb.BatchGetChannelsRequest,
                               context: Any) -> pb.BatchGetChannelsResponse:
        async with self._tx() as unit:
            rows = await self._service.batch_get_channels(unit, request.ids)
        return pb.BatchGetChannelsResponse(channels=[self._masked(row) for row in rows])

    async def ResolveWebhook(self, request: pb.ResolveWebhookRequest,
                             context: Any) -> pb.ResolveWebhookResponse:
        async with self._tx.system() as unit:
            target = await self._service.resolve_webhook(unit, request.channel_id)
        return pb.ResolveWebhookResponse(
            tenant_id=str(target.tenant_id), kind=target.kind,  # type: ignore[arg-type]
            status=target.status,  # type: ignore[arg-type]
            webhook_token_sha256=target.webhook_token_sha256,
            signing_secret=target.signing_secret)

    def _masked(self, row: ChannelAccount) -> pb.Channel:
        return channel_proto(row, self._service.masked_webhook_url(row))


def channel_proto(row: ChannelAccount, webhook_url: str) -> pb.Channel:
    channel = pb.Channel(
        id=str(row.id), kind=row.kind,  # type: ignore[arg-type]  # same numbering as the enum
        name=row.name, status=row.status,  # type: ignore[arg-type]
        external_account_id=row.external_account_id,
        external_account_name=row.external_account_name, webhook_url=webhook_url,
        webhook_subscribed=row.webhook_subscribed)
    channel.created_at.FromDatetime(row.created_at)
    return channel
