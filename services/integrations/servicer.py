"""gRPC WebhooksService: proto <-> domain, one unit of work per call; a secret goes out only
in the response that made it."""

from __future__ import annotations

from grpc.aio import ServicerContext

from clients.rpc.gen.switchboard.common.v1 import pagination_pb2
from clients.rpc.gen.switchboard.integrations.v1 import webhooks_service_pb2 as pb
from clients.rpc.gen.switchboard.integrations.v1 import webhooks_service_pb2_grpc as rpc
from services.integrations.models import Attempt, BreakerState, Delivery, DeliveryStatus, Endpoint
from services.integrations.repository import DeliveryFilter, IntegrationsUnit
from services.integrations.service import EndpointFields, WebhooksService
from services.kernel.errors import InvalidArgument
from services.kernel.repository import page_size, parse_uuid
from services.kernel.timestamps import timestamp, to_datetime
from services.kernel.unit import Units

SERVICE_NAME = "switchboard.integrations.v1.WebhooksService"
_STATUS = {DeliveryStatus.PENDING: pb.DELIVERY_STATUS_PENDING,
           DeliveryStatus.DELIVERED: pb.DELIVERY_STATUS_DELIVERED,
           DeliveryStatus.FAILED: pb.DELIVERY_STATUS_FAILED}
_STATUS_IN = {v: k for k, v in _STATUS.items()}


class WebhooksServicer(rpc.WebhooksServiceServicer):
    def __init__(self, units: Units[IntegrationsUnit], service: WebhooksService) -> None:
        self.units, self.service = units, service

    async def CreateEndpoint(self, request: pb.CreateEndpointRequest,
                             context: ServicerContext) -> pb.CreateEndpointResponse:
        fields = EndpointFields(url=request.url, description=request.description,
                                event_types=list(request.event_types))
        async with self.units() as unit:
            endpoint, secret = await self.service.create(unit, fields, request.secret)
            return pb.CreateEndpointResponse(endpoint=endpoint_to_proto(endpoint), secret=secret)

    async def GetEndpoint(self, request: pb.GetEndpointRequest,
                          context: ServicerContext) -> pb.GetEndpointResponse:
        async with self.units() as unit:
            endpoint = await self.service.get(unit, parse_uuid(request.endpoint_id, "endpoint_id"))
            return pb.GetEndpointResponse(endpoint=endpoint_to_proto(endpoint))

    async def ListEndpoints(self, request: pb.ListEndpointsRequest,
                            context: ServicerContext) -> pb.ListEndpointsResponse:
        size = page_size(request.page.page_size)
        async with self.units() as unit:
            rows, cursor = await self.service.list_endpoints(unit, size, request.page.cursor)
            return pb.ListEndpointsResponse(
                endpoints=[endpoint_to_proto(e) for e in rows],
                page_info=pagination_pb2.PageInfo(next_cursor=cursor, has_more=bool(cursor)))

    async def UpdateEndpoint(self, request: pb.UpdateEndpointRequest,
                             context: ServicerContext) -> pb.UpdateEndpointResponse:
        fields = EndpointFields(url=request.url, description=request.description,
                                event_types=list(request.event_types), enabled=request.enabled,
                                given=frozenset(request.update_fields))
        async with self.units() as unit:
            endpoint = await self.service.update(unit, parse_uuid(request.endpoint_id, "endpoint_id"),
                                                 fields)
            return pb.UpdateEndpointResponse(endpoint=endpoint_to_proto(endpoint))

    async def RotateEndpointSecret(self, request: pb.RotateEndpointSecretRequest,
                                   context: ServicerContext) -> pb.RotateEndpointSecretResponse:
        async with self.units() as unit:
            endpoint, secret = await self.service.rotate(
                unit, parse_uuid(request.endpoint_id, "endpoint_id"), request.previous_secret_ttl_s)
            return pb.RotateEndpointSecretResponse(endpoint=endpoint_to_proto(endpoint),
                                                   secret=secret)

    async def DeleteEndpoint(self, request: pb.DeleteEndpointRequest,
                             context: ServicerContext) -> pb.DeleteEndpointResponse:
        async with self.units() as unit:
            await self.service.delete(unit, parse_uuid(request.endpoint_id, "endpoint_id"))
        return pb.DeleteEndpointResponse()

    async def SendTestEvent(self, request: pb.SendTestEventRequest,
                            context: ServicerContext) -> pb.SendTestEventResponse:
        async with self.units() as unit:
            delivery = await self.service.send_test(unit, parse_uuid(request.endpoint_id, "endpoint_id"))
            return pb.SendTestEventResponse(delivery=delivery_to_proto(delivery))

    async def ListDeliveries(self, request: pb.ListDeliveriesRequest,
                             context: ServicerContext) -> pb.ListDeliveriesResponse:
        size = page_size(request.page.page_size)
        if request.status and request.status not in _STATUS_IN:
            raise InvalidArgument(f"unknown delivery status {request.status}")
        where = DeliveryFilter(
            endpoint_id=parse_uuid(request.endpoint_id, "endpoint_id") if request.endpoint_id else None,
            status=_STATUS_IN.get(request.status), since=to_datetime(request.since),
            until=to_datetime(request.until))
        async with self.units() as unit:
            rows, cursor = await self.service.deliveries(unit, size, request.page.cursor, where)
            return pb.ListDeliveriesResponse(
                deliveries=[delivery_to_proto(d) for d in rows],
                page_info=pagination_pb2.PageInfo(next_cursor=cursor, has_more=bool(cursor)))

    async def GetDelivery(self, request: pb.GetDeliveryRequest,
                          context: ServicerContext) -> pb.GetDeliveryResponse:
        async with self.units() as unit:
            view = await self.service.delivery(unit, parse_uuid(request.delivery_id, "delivery_id"))
            return pb.GetDeliveryResponse(delivery=delivery_to_proto(view.delivery),
                                          attempts=[attempt_to_proto(a) for a in view.attempts],
                                          payload_json=view.body.decode())

    async def ReplayDelivery(self, request: pb.ReplayDeliveryRequest,
                             context: ServicerContext) -> pb.ReplayDeliveryResponse:
        async with self.units() as unit:
            delivery = await self.service.replay(unit, parse_uuid(request.delivery_id, "delivery_id"))
            return pb.ReplayDeliveryResponse(delivery=delivery_to_proto(delivery))

    async def ReplayRange(self, request: pb.ReplayRangeRequest,
                          context: ServicerContext) -> pb.ReplayRangeResponse:
        async with self.units() as unit:
            queued = await self.service.replay_range(
                unit, parse_uuid(request.endpoint_id, "endpoint_id"),
                to_datetime(getattr(request, "from")), to_datetime(request.to))
        return pb.ReplayRangeResponse(queued=queued)


# ---- domain -> proto -----------------------------------------------------------------------

def endpoint_to_proto(e: Endpoint) -> pb.Endpoint:
    state = pb.ENDPOINT_STATE_DISABLED if not e.enabled else pb.ENDPOINT_STATE_PAUSED \
        if e.state == BreakerState.PAUSED else pb.ENDPOINT_STATE_ACTIVE
    return pb.Endpoint(
        id=str(e.id), url=e.url, description=e.description, event_types=list(e.event_types),
        enabled=e.enabled, state=state, consecutive_failures=e.consecutive_failures,
        paused_reason=e.paused_reason, paused_at=timestamp(e.paused_at),
        breaker_probe_at=timestamp(e.breaker_probe_at),
        last_success_at=timestamp(e.last_success_at), created_at=timestamp(e.created_at),
        updated_at=timestamp(e.updated_at), retry_window_s=e.retry_window_s)


def delivery_to_proto(d: Delivery) -> pb.Delivery:
    return pb.Delivery(
        id=str(d.id), endpoint_id=str(d.endpoint_id), event_id=str(d.event_id),
        event_type=d.event_type, conversation_id=str(d.conversation_id or ""),
        status=_STATUS[DeliveryStatus(d.status)], attempts=d.attempts,
        last_response_status=d.last_response_status, last_latency_ms=d.last_latency_ms,
        last_error=d.last_error,
        next_attempt_at=timestamp(d.next_attempt_at) if d.status == DeliveryStatus.PENDING
        else None, delivered_at=timestamp(d.delivered_at), created_at=timestamp(d.created_at),
        event_occurred_at=timestamp(d.event_occurred_at), replay_of=str(d.replay_of or ""))


def attempt_to_proto(a: Attempt) -> pb.Attempt:
    return pb.Attempt(number=a.number, started_at=timestamp(a.started_at),
                      response_status=a.response_status, latency_ms=a.latency_ms,
                      error=a.error, response_body=a.response_body)
