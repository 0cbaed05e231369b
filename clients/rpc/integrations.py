"""IntegrationsClient: outgoing webhook endpoints, the delivery log and replays over gRPC."""

from __future__ import annotations

import uuid
from datetime import datetime

from google.protobuf import timestamp_pb2

from clients.rpc.base import ServiceClient
from clients.rpc.gen.switchboard.common.v1 import pagination_pb2
from clients.rpc.gen.switchboard.integrations.v1 import webhooks_service_pb2 as pb
from clients.rpc.gen.switchboard.integrations.v1 import webhooks_service_pb2_grpc as rpc


def _ts(value: datetime | None) -> timestamp_pb2.Timestamp | None:
    if value is None:
        return None
    ts = timestamp_pb2.Timestamp()
    ts.FromDatetime(value)
    return ts


class IntegrationsClient(ServiceClient):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._stub = rpc.WebhooksServiceStub(self.channel)

    async def create_endpoint(self, tenant_id: uuid.UUID, *, url: str, description: str = "",
                              event_types: list[str] | None = None,
                              secret: str = "") -> pb.CreateEndpointResponse:
        request = pb.CreateEndpointRequest(url=url, description=description,
                                           event_types=event_types or [], secret=secret)
        return await self._call(self._stub.CreateEndpoint, request, tenant_id)

    async def get_endpoint(self, tenant_id: uuid.UUID, endpoint_id: str) -> pb.Endpoint:
        resp = await self._call(self._stub.GetEndpoint,
                                pb.GetEndpointRequest(endpoint_id=endpoint_id), tenant_id)
        return resp.endpoint

    async def list_endpoints(self, tenant_id: uuid.UUID, *, page_size: int = 0,
                             cursor: str = "") -> pb.ListEndpointsResponse:
        request = pb.ListEndpointsRequest(
            page=pagination_pb2.PageRequest(page_size=page_size, cursor=cursor))
        return await self._call(self._stub.ListEndpoints, request, tenant_id)

    async def update_endpoint(self, tenant_id: uuid.UUID,
                              request: pb.UpdateEndpointRequest) -> pb.Endpoint:
        """`request.update_fields` names what changes (url, description, event_types, enabled)."""
        resp = await self._call(self._stub.UpdateEndpoint, request, tenant_id)
        return resp.endpoint

    async def rotate_secret(self, tenant_id: uuid.UUID, endpoint_id: str, *,
                            previous_secret_ttl_s: int = 0) -> pb.RotateEndpointSecretResponse:
        request = pb.RotateEndpointSecretRequest(endpoint_id=endpoint_id,
                                                 previous_secret_ttl_s=previous_secret_ttl_s)
        return await self._call(self._stub.RotateEndpointSecret, request, tenant_id)

    async def delete_endpoint(self, tenant_id: uuid.UUID, endpoint_id: str) -> None:
        await self._call(self._stub.DeleteEndpoint,
                         pb.DeleteEndpointRequest(endpoint_id=endpoint_id), tenant_id)

    async def send_test_event(self, tenant_id: uuid.UUID, endpoint_id: str) -> pb.Delivery:
        resp = await self._call(self._stub.SendTestEvent,
                                pb.SendTestEventRequest(endpoint_id=endpoint_id), tenant_id)
        return resp.delivery

    async def list_deliveries(self, tenant_id: uuid.UUID, *, endpoint_id: str = "",
                              status: int = pb.DELIVERY_STATUS_UNSPECIFIED,
                              since: datetime | None = None, until: datetime | None = None,
                              page_size: int = 0, cursor: str = "") -> pb.ListDeliveriesResponse:
        request = pb.ListDeliveriesRequest(
            endpoint_id=endpoint_id, status=status,  # type: ignore[arg-type]
            since=_ts(since), until=_ts(until),
            page=pagination_pb2.PageRequest(page_size=page_size, cursor=cursor))
        return await self._call(self._stub.ListDeliveries, request, tenant_id)

    async def get_delivery(self, tenant_id: uuid.UUID,
                           delivery_id: str) -> pb.GetDeliveryResponse:
        return await self._call(self._stub.GetDelivery,
                                pb.GetDeliveryRequest(delivery_id=delivery_id), tenant_id)

    async def replay_delivery(self, tenant_id: uuid.UUID, delivery_id: str) -> pb.Delivery:
        resp = await self._call(self._stub.ReplayDelivery,
                                pb.ReplayDeliveryRequest(delivery_id=delivery_id), tenant_id)
        return resp.delivery

    async def replay_range(self, tenant_id: uuid.UUID, endpoint_id: str, *,
                           from_: datetime, to: datetime) -> int:
        request = pb.ReplayRangeRequest(endpoint_id=endpoint_id)
        getattr(request, "from").FromDatetime(from_)
        request.to.FromDatetime(to)
        resp = await self._call(self._stub.ReplayRange, request, tenant_id)
        return int(resp.queued)
