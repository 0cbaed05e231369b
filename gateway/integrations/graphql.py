"""GraphQL: outgoing webhooks — `webhookEndpoints`, `webhookEndpoint(id)`,
`webhookDeliveries(...)`, `webhookDelivery(id)`, and the mutations `createWebhookEndpoint`,
`updateWebhookEndpoint`, `deleteWebhookEndpoint`, `rotateWebhookEndpointSecret`,
`sendWebhookTestEvent`, `replayWebhookDelivery`, `replayWebhookEndpoint`, through REST's request
models (`forms.py`: one validation) and representations (`views.py`). Reading needs read;
changing needs admin (endpoints hold signing secrets)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, TypeVar

import strawberry
from pydantic import BaseModel, ValidationError

from gateway.graphql.context import Info
from gateway.graphql.errors import invalid_input
from gateway.graphql.pagination import Connection, connection, page_size
from gateway.integrations.forms import (
    DeliveryFilter,
    EndpointIn,
    EndpointPatch,
    ReplayRangeIn,
    RotateIn,
)
from gateway.integrations.views import (
    DeliveryDetailOut,
    DeliveryOut,
    EndpointOut,
    EndpointWithSecret,
)
from services.kernel.errors import NotFound

F = TypeVar("F", bound=BaseModel)


@strawberry.type
class WebhookEndpoint:
    id: strawberry.ID
    url: str
    description: str
    event_types: list[str] = strawberry.field(description="Empty: every event")
    enabled: bool
    state: str = strawberry.field(description=(
        "active; paused (the circuit breaker opened: probed at breakerProbeAt, or resumed by "
        "enabled: true); disabled (by you)"))
    consecutive_failures: int
    paused_reason: str | None
    paused_at: datetime | None
    breaker_probe_at: datetime | None
    last_success_at: datetime | None
    retry_window_s: int = strawberry.field(description="How long a delivery is retried")
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def of(cls, e: EndpointOut) -> WebhookEndpoint:
        return cls(**e.model_dump(include=set(EndpointOut.model_fields)))


@strawberry.type(description="An endpoint with its signing secret: shown this once")
class WebhookEndpointSecret:
    endpoint: WebhookEndpoint
    secret: str

    @classmethod
    def of(cls, e: EndpointWithSecret) -> WebhookEndpointSecret:
        return cls(endpoint=WebhookEndpoint.of(e), secret=e.secret)


@strawberry.type
class WebhookDelivery:
    id: strawberry.ID
    endpoint_id: strawberry.ID
    event_id: str = strawberry.field(description="The same across retries and replays: "
                                                 "deduplicate on it")
    event_type: str
    conversation_id: strawberry.ID | None
    status: str = strawberry.field(description="pending, delivered or failed")
    attempts: int
    last_response_status: int | None
    last_latency_ms: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime | None
    event_occurred_at: datetime | None
    replay_of: strawberry.ID | None

    @classmethod
    def of(cls, d: DeliveryOut) -> WebhookDelivery:
        return cls(**d.model_dump(include=set(DeliveryOut.model_fields)))


@strawberry.type
class WebhookAttempt:
    number: int
    started_at: datetime | None
    response_status: int | None = strawberry.field(description="null: no HTTP answer")
    latency_ms: int
    error: str | None
    response_body: str = strawberry.field(description="The first 1 KiB of the answer")


@strawberry.type
class WebhookDeliveryDetail:
    delivery: WebhookDelivery
    attempts: list[WebhookAttempt] = strawberry.field(description="Oldest first")
    payload: str = strawberry.field(description="The event as sent: the JSON request body")

    @classmethod
    def of(cls, d: DeliveryDetailOut, payload: str) -> WebhookDeliveryDetail:
        return cls(delivery=WebhookDelivery.of(d), payload=payload,
                   attempts=[WebhookAttempt(**a.model_dump()) for a in d.attempt_log])


@strawberry.input
class CreateWebhookEndpointInput:
    url: str = strawberry.field(description="A public http(s) URL")
    description: str = ""
    event_types: list[str] | None = strawberry.field(
        default=None, description="Public event names (docs/events.md); omitted: every event")
    secret: str | None = strawberry.field(
        default=None, description="At least 24 characters; omitted: one is generated")


@strawberry.input(description="The fields given change; enabled: true also resumes an "
                              "endpoint the breaker paused")
class UpdateWebhookEndpointInput:
    url: str | None = None
    description: str | None = None
    event_types: list[str] | None = None
    enabled: bool | None = None


@strawberry.type
class WebhookQuery:
    @strawberry.field(description="The tenant's webhook endpoints")
    async def webhook_endpoints(self, info: Info, first: int = 50,
                                after: str | None = None) -> Connection[WebhookEndpoint]:
        tenant_id = info.context.require("read").tenant_id
        resp = await info.context.state.integrations.list_endpoints(
            tenant_id, page_size=page_size(first), cursor=after or "")
        return connection([WebhookEndpoint.of(EndpointOut.from_proto(e)) for e in resp.endpoints],
                          resp.page_info)

    @strawberry.field(description="One endpoint; null if there is none")
    async def webhook_endpoint(self, info: Info, id: strawberry.ID) -> WebhookEndpoint | None:
        tenant_id = info.context.require("read").tenant_id
        try:
            found = await info.context.state.integrations.get_endpoint(tenant_id, str(id))
        except NotFound:
            return None
        return WebhookEndpoint.of(EndpointOut.from_proto(found))

    @strawberry.field(description="The delivery log, newest first")
    async def webhook_deliveries(
            self, info: Info, endpoint_id: strawberry.ID | None = None,
            status: Annotated[str | None, strawberry.argument(
                description="pending, delivered or failed")] = None,
            since: datetime | None = None, until: datetime | None = None, first: int = 50,
            after: str | None = None) -> Connection[WebhookDelivery]:
        tenant_id = info.context.require("read").tenant_id
        filters = _form(DeliveryFilter, {"endpoint_id": endpoint_id, "status": status,
                                         "since": since, "until": until})
        resp = await info.context.state.integrations.list_deliveries(
            tenant_id, **filters.query(), page_size=page_size(first), cursor=after or "")
        return connection([WebhookDelivery.of(DeliveryOut.from_proto(d))
                           for d in resp.deliveries], resp.page_info)

    @strawberry.field(description="One delivery with its attempts and payload; null if none")
    async def webhook_delivery(self, info: Info,
                               id: strawberry.ID) -> WebhookDeliveryDetail | None:
        tenant_id = info.context.require("read").tenant_id
        try:
            found = await info.context.state.integrations.get_delivery(tenant_id, str(id))
        except NotFound:
            return None
        return WebhookDeliveryDetail.of(DeliveryDetailOut.of(found), found.payload_json)


@strawberry.type
class WebhookMutation:
    @strawberry.mutation(description="Register an endpoint (admin); the answer holds its "
                                     "signing secret, shown once")
    async def create_webhook_endpoint(self, info: Info,
                                      input: CreateWebhookEndpointInput) -> WebhookEndpointSecret:
        tenant_id = info.context.require("admin").tenant_id
        form = _form(EndpointIn, strawberry.asdict(input))
        resp = await info.context.state.integrations.create_endpoint(
            tenant_id, url=form.url, description=form.description,
            event_types=form.event_types, secret=form.secret or "")
        return WebhookEndpointSecret.of(EndpointWithSecret.of(resp.endpoint, resp.secret))

    @strawberry.mutation(description="Change the fields given (admin)")
    async def update_webhook_endpoint(self, info: Info, id: strawberry.ID,
                                      input: UpdateWebhookEndpointInput) -> WebhookEndpoint:
        tenant_id = info.context.require("admin").tenant_id
        form = _form(EndpointPatch, strawberry.asdict(input))
        return WebhookEndpoint.of(EndpointOut.from_proto(
            await info.context.state.integrations.update_endpoint(tenant_id, form.proto(str(id)))))

    @strawberry.mutation(description="Delete an endpoint, its pending deliveries and its log "
                                     "(admin)")
    async def delete_webhook_endpoint(self, info: Info, id: strawberry.ID) -> bool:
        tenant_id = info.context.require("admin").tenant_id
        await info.context.state.integrations.delete_endpoint(tenant_id, str(id))
        return True

    @strawberry.mutation(description="A new signing secret, shown once (admin); the old one "
                                     "keeps signing beside it for previousSecretTtlS seconds")
    async def rotate_webhook_endpoint_secret(self, info: Info, id: strawberry.ID,
                                             previous_secret_ttl_s: int = 0,
                                             ) -> WebhookEndpointSecret:
        tenant_id = info.context.require("admin").tenant_id
        form = _form(RotateIn, {"previous_secret_ttl_s": previous_secret_ttl_s})
        resp = await info.context.state.integrations.rotate_secret(
            tenant_id, str(id), previous_secret_ttl_s=form.previous_secret_ttl_s)
        return WebhookEndpointSecret.of(EndpointWithSecret.of(resp.endpoint, resp.secret))

    @strawberry.mutation(description="Queue a webhook.test event to the endpoint (admin)")
    async def send_webhook_test_event(self, info: Info, id: strawberry.ID) -> WebhookDelivery:
        tenant_id = info.context.require("admin").tenant_id
        return WebhookDelivery.of(DeliveryOut.from_proto(
            await info.context.state.integrations.send_test_event(tenant_id, str(id))))

    @strawberry.mutation(description="Deliver a delivery's event again (admin): a new "
                                     "delivery, the same event id")
    async def replay_webhook_delivery(self, info: Info, id: strawberry.ID) -> WebhookDelivery:
        tenant_id = info.context.require("admin").tenant_id
        return WebhookDelivery.of(DeliveryOut.from_proto(
            await info.context.state.integrations.replay_delivery(tenant_id, str(id))))

    @strawberry.mutation(description="Deliver again every event of the endpoint in [from, to) "
                                     "(admin; at most 31 days): how many were queued")
    async def replay_webhook_endpoint(
            self, info: Info, id: strawberry.ID,
            from_: Annotated[datetime, strawberry.argument(name="from")], to: datetime) -> int:
        tenant_id = info.context.require("admin").tenant_id
        form = _form(ReplayRangeIn, {"from": from_, "to": to})
        return int(await info.context.state.integrations.replay_range(
            tenant_id, str(id), from_=form.from_, to=form.to))


def _form(model: type[F], fields: dict[str, Any]) -> F:
    """REST's model from the arguments given (those left out stay unset: a patch changes only
    those)."""
    try:
        return model.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        raise invalid_input(exc) from exc
