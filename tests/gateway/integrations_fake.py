"""A recording fake of IntegrationsClient (the integrations service's typed client) holding one
tenant's endpoints and deliveries, and the API's HTTP edge around it: for the gateway's outgoing
webhook routes and resolvers on their own (tests/e2e/test_outgoing_webhooks.py runs them on
the real service)."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import httpx
from fastapi import FastAPI
from google.protobuf.timestamp_pb2 import Timestamp

from clients.rpc.gen.switchboard.common.v1 import pagination_pb2
from clients.rpc.gen.switchboard.integrations.v1 import webhooks_service_pb2 as pb
from gateway.errors import install_error_handlers
from gateway.graphql.router import graphql_router
from gateway.identity.principal import Principal
from gateway.rest import api_router
from services.kernel.errors import NotFound
from tests.gateway.graphql_fakes import SETTINGS, TENANT_A

KEYS = {f"sb_{scope}key": scope for scope in ("read", "write", "admin")}
CREATED = Timestamp(seconds=1_767_000_000)


class FakeIntegrations:
    def __init__(self) -> None:
        self.endpoints: dict[str, pb.Endpoint] = {}
        self.deliveries: dict[str, pb.GetDeliveryResponse] = {}
        self.calls: list[tuple[str, uuid.UUID, dict[str, Any]]] = []

    def _record(self, name: str, tenant_id: uuid.UUID, **args: Any) -> None:
        self.calls.append((name, tenant_id, args))

    def _endpoint(self, endpoint_id: str) -> pb.Endpoint:
        if endpoint_id not in self.endpoints:
            raise NotFound("webhook endpoint not found")
        return self.endpoints[endpoint_id]

    def _delivery(self, delivery_id: str) -> pb.GetDeliveryResponse:
        if delivery_id not in self.deliveries:
            raise NotFound("delivery not found")
        return self.deliveries[delivery_id]

    def add_delivery(self, endpoint_id: str, **fields: Any) -> pb.Delivery:
        values = {"event_id": f"evt_{uuid.uuid4().hex}", "event_type": "message.received",
                  "status": pb.DELIVERY_STATUS_DELIVERED, "attempts": 2,
                  "last_response_status": 200, "last_latency_ms": 31, **fields}
        delivery = pb.Delivery(id=str(uuid.uuid4()), endpoint_id=endpoint_id, created_at=CREATED,
                               **values)
        self.deliveries[delivery.id] = pb.GetDeliveryResponse(
            delivery=delivery, payload_json=json.dumps(
                {"id": delivery.event_id, "type": "message.received"}),
            attempts=[pb.Attempt(number=1, started_at=CREATED, response_status=0, latency_ms=5000,
                                 error="timed out"),
                      pb.Attempt(number=2, started_at=CREATED, response_status=200,
                                 latency_ms=31, response_body="ok")])
        return delivery

    async def create_endpoint(self, tenant_id: uuid.UUID, *, url: str, description: str = "",
                              event_types: list[str] | None = None,
                              secret: str = "") -> pb.CreateEndpointResponse:
        self._record("create", tenant_id, url=url, description=description,
                     event_types=event_types, secret=secret)
        endpoint = pb.Endpoint(id=str(uuid.uuid4()), url=url, description=description,
                               event_types=event_types or [], enabled=True,
                               state=pb.ENDPOINT_STATE_ACTIVE, created_at=CREATED,
                               retry_window_s=86_400)
        self.endpoints[endpoint.id] = endpoint
        return pb.CreateEndpointResponse(endpoint=endpoint, secret=secret or "whsec_generated")

    async def get_endpoint(self, tenant_id: uuid.UUID, endpoint_id: str) -> pb.Endpoint:
        self._record("get", tenant_id, endpoint_id=endpoint_id)
        return self._endpoint(endpoint_id)

    async def list_endpoints(self, tenant_id: uuid.UUID, *, page_size: int = 0,
                             cursor: str = "") -> pb.ListEndpointsResponse:
        self._record("list", tenant_id, page_size=page_size, cursor=cursor)
        return pb.ListEndpointsResponse(
            endpoints=list(self.endpoints.values()),
            page_info=pagination_pb2.PageInfo(next_cursor="next", has_more=True))

    async def update_endpoint(self, tenant_id: uuid.UUID,
                              request: pb.UpdateEndpointRequest) -> pb.Endpoint:
        self._record("update", tenant_id, request=request)
        endpoint = self._endpoint(request.endpoint_id)
        for field in request.update_fields:
            if field == "event_types":
                endpoint.event_types[:] = request.event_types
            else:
                setattr(endpoint, field, getattr(request, field))
        return endpoint

    async def rotate_secret(self, tenant_id: uuid.UUID, endpoint_id: str, *,
                            previous_secret_ttl_s: int = 0) -> pb.RotateEndpointSecretResponse:
        self._record("rotate", tenant_id, endpoint_id=endpoint_id, ttl=previous_secret_ttl_s)
        return pb.RotateEndpointSecretResponse(endpoint=self._endpoint(endpoint_id),
                                               secret="whsec_rotated")

    async def delete_endpoint(self, tenant_id: uuid.UUID, endpoint_id: str) -> None:
        self._record("delete", tenant_id, endpoint_id=endpoint_id)
        self._endpoint(endpoint_id)
        del self.endpoints[endpoint_id]

    async def send_test_event(self, tenant_id: uuid.UUID, endpoint_id: str) -> pb.Delivery:
        self._record("test", tenant_id, endpoint_id=endpoint_id)
        self._endpoint(endpoint_id)
        return self.add_delivery(endpoint_id, status=pb.DELIVERY_STATUS_PENDING, attempts=0,
                                 last_response_status=0, last_latency_ms=0)

    async def list_deliveries(self, tenant_id: uuid.UUID, *, endpoint_id: str = "",
                              status: int = 0, since: datetime | None = None,
                              until: datetime | None = None, page_size: int = 0,
                              cursor: str = "") -> pb.ListDeliveriesResponse:
        self._record("deliveries", tenant_id, endpoint_id=endpoint_id, status=status,
                     since=since, until=until, page_size=page_size, cursor=cursor)
        return pb.ListDeliveriesResponse(
            deliveries=[d.delivery for d in self.deliveries.values()],
            page_info=pagination_pb2.PageInfo())

    async def get_delivery(self, tenant_id: uuid.UUID, delivery_id: str) -> pb.GetDeliveryResponse:
        self._record("delivery", tenant_id, delivery_id=delivery_id)
        return self._delivery(delivery_id)

    async def replay_delivery(self, tenant_id: uuid.UUID, delivery_id: str) -> pb.Delivery:
        self._record("replay", tenant_id, delivery_id=delivery_id)
        original = self._delivery(delivery_id).delivery
        return self.add_delivery(original.endpoint_id, event_id=original.event_id,
                                 replay_of=original.id)

    async def replay_range(self, tenant_id: uuid.UUID, endpoint_id: str, *, from_: datetime,
                           to: datetime) -> int:
        self._record("replay_range", tenant_id, endpoint_id=endpoint_id, from_=from_, to=to)
        self._endpoint(endpoint_id)
        return 3


class FakeIdentity:
    async def authenticate_api_key(self, raw: str) -> Principal | None:
        scope = KEYS.get(raw)
        return Principal.for_api_key(TENANT_A, uuid.uuid4(), [scope]) if scope else None

    async def authenticate_session(self, token: str) -> Principal | None:
        return None


def edge_app(integrations: FakeIntegrations) -> FastAPI:
    """The REST API and GraphQL over HTTP on the fake (no database: no rate limits)."""
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(api_router, prefix="/v1")
    app.include_router(graphql_router(SETTINGS), prefix="/graphql")  # type: ignore[arg-type]
    app.state.gateway = SimpleNamespace(settings=SETTINGS, identity=FakeIdentity(), limiter=None,
                                        integrations=integrations, closing=asyncio.Event())
    return app


def client(app: FastAPI, scope: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test",
                             headers={"Authorization": f"Bearer sb_{scope}key"})
