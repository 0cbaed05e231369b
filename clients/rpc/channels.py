"""ChannelsClient: channel accounts and webhook resolution over gRPC."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from clients.rpc.base import ServiceClient
from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as pb
from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2_grpc as rpc
from clients.rpc.gen.switchboard.common.v1 import pagination_pb2

# Slower than an inbox read: connecting validates credentials against the channel's API.
CONNECT_DEADLINE_S = 30.0


class ChannelsClient(ServiceClient):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._stub = rpc.ChannelsServiceStub(self.channel)

    async def connect_avito_account(self, tenant_id: uuid.UUID,
                                    request: pb.ConnectAvitoAccountRequest) -> pb.Channel:
        resp = await self._call(self._stub.ConnectAvitoAccount, request, tenant_id,
                                deadline_s=CONNECT_DEADLINE_S)
        return resp.channel

    async def list_channels(self, tenant_id: uuid.UUID, *, page_size: int = 0,
                            cursor: str = "") -> pb.ListChannelsResponse:
        request = pb.ListChannelsRequest(
            page=pagination_pb2.PageRequest(page_size=page_size, cursor=cursor))
        return await self._call(self._stub.ListChannels, request, tenant_id)

    async def get_channel(self, tenant_id: uuid.UUID, id_: str) -> pb.Channel:
        resp = await self._call(self._stub.GetChannel, pb.GetChannelRequest(id=id_), tenant_id)
        return resp.channel

    async def batch_get_channels(self, tenant_id: uuid.UUID,
                                 ids: Sequence[str]) -> list[pb.Channel]:
        resp = await self._call(self._stub.BatchGetChannels,
                                pb.BatchGetChannelsRequest(ids=list(ids)), tenant_id)
        return list(resp.channels)

    async def resolve_webhook(self, channel_id: str) -> pb.ResolveWebhookResponse:
        """Tenant-less: which tenant owns this webhook URL (service credential only)."""
        return await self._call(self._stub.ResolveWebhook,
                                pb.ResolveWebhookRequest(channel_id=channel_id), None)
