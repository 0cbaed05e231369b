"""REST: outgoing webhooks (`/v1/webhooks`) — a tenant's endpoints (create, list, get, change,
delete, rotate the secret, send a test event, replay a time range) and the delivery log (list,
one with its attempts and payload, replay). Reading needs the read scope; changing needs admin,
as endpoints hold signing secrets and receive every event."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Response

from gateway.auth import AUTH_PROBLEMS, Admin, Reader, problem_responses
from gateway.integrations.forms import (
    DeliveryFilter,
    DeliveryStatus,
    EndpointIn,
    EndpointPatch,
    ReplayRangeIn,
    RotateIn,
)
from gateway.integrations.schemas import DeliveryList, EndpointList, ReplayRangeOut
from gateway.integrations.views import (
    DeliveryDetailOut,
    DeliveryOut,
    EndpointOut,
    EndpointWithSecret,
)
from gateway.schemas import PageOut, Timestamp
from gateway.state import State

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
ONE = {**AUTH_PROBLEMS, **problem_responses(404, 422)}


@router.post("/endpoints", status_code=201, response_model=EndpointWithSecret,
             responses={**AUTH_PROBLEMS, **problem_responses(422)})
async def create_endpoint(body: EndpointIn, principal: Admin, state: State) -> EndpointWithSecret:
    """Register a URL to receive events, signed with the secret this answer shows once. A URL
    that is not public, an unknown event type or a short secret is a 422 saying which."""
    resp = await state.integrations.create_endpoint(
        principal.tenant_id, url=body.url, description=body.description,
        event_types=body.event_types, secret=body.secret or "")
    return EndpointWithSecret.of(resp.endpoint, resp.secret)


@router.get("/endpoints", response_model=EndpointList, responses={**AUTH_PROBLEMS})
async def list_endpoints(principal: Reader, state: State,
                         limit: Annotated[int, Query(ge=1, le=100)] = 50,
                         cursor: str = "") -> EndpointList:
    resp = await state.integrations.list_endpoints(principal.tenant_id, page_size=limit,
                                                   cursor=cursor)
    return EndpointList(items=[EndpointOut.from_proto(e) for e in resp.endpoints],
                        page=PageOut.from_proto(resp.page_info))


@router.get("/endpoints/{endpoint_id}", response_model=EndpointOut, responses=ONE)
async def get_endpoint(endpoint_id: str, principal: Reader, state: State) -> EndpointOut:
    return EndpointOut.from_proto(
        await state.integrations.get_endpoint(principal.tenant_id, endpoint_id))


@router.patch("/endpoints/{endpoint_id}", response_model=EndpointOut, responses=ONE)
async def update_endpoint(endpoint_id: str, body: EndpointPatch, principal: Admin,
                          state: State) -> EndpointOut:
    """The fields given change; `enabled: true` resumes an endpoint the breaker paused."""
    return EndpointOut.from_proto(await state.integrations.update_endpoint(
        principal.tenant_id, body.proto(endpoint_id)))


@router.delete("/endpoints/{endpoint_id}", status_code=204, response_class=Response,
               responses=ONE)
async def delete_endpoint(endpoint_id: str, principal: Admin, state: State) -> Response:
    """The endpoint, its pending deliveries and its log."""
    await state.integrations.delete_endpoint(principal.tenant_id, endpoint_id)
    return Response(status_code=204)


@router.post("/endpoints/{endpoint_id}/rotate-secret", response_model=EndpointWithSecret,
             responses=ONE)
async def rotate_secret(endpoint_id: str, principal: Admin, state: State,
                        body: Annotated[RotateIn | None, Body()] = None) -> EndpointWithSecret:
    """A new signing secret, shown once. With `previous_secret_ttl_s` the old one keeps
    signing beside it for that long (deliveries carry both signatures)."""
    resp = await state.integrations.rotate_secret(
        principal.tenant_id, endpoint_id,
        previous_secret_ttl_s=(body or RotateIn()).previous_secret_ttl_s)
    return EndpointWithSecret.of(resp.endpoint, resp.secret)


@router.post("/endpoints/{endpoint_id}/test", status_code=202, response_model=DeliveryOut,
             responses=ONE)
async def send_test_event(endpoint_id: str, principal: Admin, state: State) -> DeliveryOut:
    """Queue a `webhook.test` event to the endpoint, the way every event goes; follow the
    delivery in `/v1/webhooks/deliveries/{id}`."""
    return DeliveryOut.from_proto(
        await state.integrations.send_test_event(principal.tenant_id, endpoint_id))


@router.post("/endpoints/{endpoint_id}/replay", status_code=202, response_model=ReplayRangeOut,
             responses=ONE)
async def replay_range(endpoint_id: str, body: ReplayRangeIn, principal: Admin,
                       state: State) -> ReplayRangeOut:
    """Deliver again every event the endpoint was sent (or was to be sent) that happened in
    [from, to), at most 31 days: each a new delivery with the event's own id."""
    queued = await state.integrations.replay_range(principal.tenant_id, endpoint_id,
                                                   from_=body.from_, to=body.to)
    return ReplayRangeOut(queued=queued)


@router.get("/deliveries", response_model=DeliveryList,
            responses={**AUTH_PROBLEMS, **problem_responses(422)})
async def list_deliveries(principal: Reader, state: State,
                          endpoint_id: Annotated[str | None, Query(max_length=64)] = None,
                          status: DeliveryStatus | None = None,
                          since: Timestamp | None = None, until: Timestamp | None = None,
                          limit: Annotated[int, Query(ge=1, le=100)] = 50,
                          cursor: str = "") -> DeliveryList:
    """The delivery log, newest first: status, attempts, the last answer's code and latency."""
    filters = DeliveryFilter(endpoint_id=endpoint_id, status=status, since=since, until=until)
    resp = await state.integrations.list_deliveries(
        principal.tenant_id, **filters.query(), page_size=limit, cursor=cursor)
    return DeliveryList(items=[DeliveryOut.from_proto(d) for d in resp.deliveries],
                        page=PageOut.from_proto(resp.page_info))


@router.get("/deliveries/{delivery_id}", response_model=DeliveryDetailOut, responses=ONE)
async def get_delivery(delivery_id: str, principal: Reader, state: State) -> DeliveryDetailOut:
    """One delivery with every attempt (status, latency, error, the answer's first 1 KiB) and
    the event as it was sent."""
    return DeliveryDetailOut.of(
        await state.integrations.get_delivery(principal.tenant_id, delivery_id))


@router.post("/deliveries/{delivery_id}/replay", status_code=202, response_model=DeliveryOut,
             responses=ONE)
async def replay_delivery(delivery_id: str, principal: Admin, state: State) -> DeliveryOut:
    """Deliver its event again: a new delivery, the same event id (receivers deduplicate)."""
    return DeliveryOut.from_proto(
        await state.integrations.replay_delivery(principal.tenant_id, delivery_id))
