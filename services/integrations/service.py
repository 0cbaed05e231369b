"""The rules behind the WebhooksService RPCs: an endpoint's URL passes the outbound guard
before it is stored, its event types are public event names, its secret is stored encrypted
and shown once; the delivery log, the test event and replays queue deliveries the dispatcher
(webhooks/dispatch.py) sends."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from clients.rpc import topics
from services.integrations import events
from services.integrations.models import (
    Attempt,
    BreakerState,
    Delivery,
    Endpoint,
    Event,
)
from services.integrations.repository import DeliveryFilter, IntegrationsUnit
from services.integrations.webhooks import payloads
from services.integrations.webhooks.secrets import new_secret
from services.kernel.crypto import SecretBox
from services.kernel.errors import FailedPrecondition, InvalidArgument, NotFound
from services.kernel.urls import OutboundGuard, UrlRefused

URL_REFUSED = "url must be a public http(s) address (no credentials, loopback, private or " \
              "metadata addresses)"
FIELDS = frozenset({"url", "description", "event_types", "enabled"})
MAX_URL, MAX_DESCRIPTION = 2048, 500
MAX_PREVIOUS_TTL_S = 7 * 24 * 3600
MAX_REPLAY_RANGE = timedelta(days=31)


@dataclass
class EndpointFields:
    url: str = ""
    description: str = ""
    event_types: list[str] = field(default_factory=list)
    enabled: bool = True
    given: frozenset[str] = FIELDS


@dataclass(frozen=True)
class DeliveryView:
    delivery: Delivery
    attempts: list[Attempt]
    body: bytes


class WebhooksService:
    def __init__(self, box: SecretBox, guard: OutboundGuard, *, retry_window_s: float,
                 max_endpoints: int, now: Callable[[], datetime] | None = None,
                 wake: Callable[[], None] | None = None) -> None:
        self._box, self._guard = box, guard
        self._retry_window_s, self._max_endpoints = int(retry_window_s), max_endpoints
        self._now = now or (lambda: datetime.now(UTC))
        self._wake = wake or (lambda: None)

    # ---- endpoints -----------------------------------------------------------------------

    async def create(self, unit: IntegrationsUnit, fields: EndpointFields,
                     secret: str) -> tuple[Endpoint, str]:
        if await unit.endpoints.count() >= self._max_endpoints:
            raise FailedPrecondition(f"at most {self._max_endpoints} webhook endpoints per "
                                     "account: delete one first")
        await self._check(fields, FIELDS)
        plain = new_secret(secret)
        endpoint = unit.endpoints.new(
            url=fields.url, description=fields.description, event_types=fields.event_types,
            enabled=True, state=BreakerState.ACTIVE, secret_enc=self._box.encrypt(plain),
            retry_window_s=self._retry_window_s, consecutive_failures=0, pauses=0,
            paused_reason="")
        await unit.flush()
        return endpoint, plain

    async def get(self, unit: IntegrationsUnit, id_: uuid.UUID) -> Endpoint:
        return await unit.endpoints.get_or_raise(id_, "endpoint")

    async def list_endpoints(self, unit: IntegrationsUnit, size: int,
                   cursor: str) -> tuple[list[Endpoint], str]:
        return await unit.endpoints.list_page(size, cursor)

    async def update(self, unit: IntegrationsUnit, id_: uuid.UUID,
                     fields: EndpointFields) -> Endpoint:
        if not fields.given or fields.given - FIELDS:
            raise InvalidArgument(f"update_fields must name some of: {', '.join(sorted(FIELDS))}")
        await self._check(fields, fields.given)
        endpoint = await unit.endpoints.lock(id_)
        for name in fields.given - {"enabled"}:
            setattr(endpoint, name, getattr(fields, name))
        if "enabled" in fields.given:
            was_paused = endpoint.enabled and endpoint.state == BreakerState.PAUSED
            if fields.enabled and (was_paused or not endpoint.enabled):
                paused_at = endpoint.paused_at
                self._close_breaker(endpoint)
                if was_paused:
                    unit.emit(topics.ENDPOINT_RESUMED,
                              events.endpoint_resumed(endpoint, paused_at, self._now()))
            elif not fields.enabled:  # a person's choice: no breaker state (nor 410's reason)
                self._close_breaker(endpoint)
            endpoint.enabled = fields.enabled
            unit.after_commit(self._wake)
        await unit.flush()
        return endpoint

    async def rotate(self, unit: IntegrationsUnit, id_: uuid.UUID,
                     previous_ttl_s: int) -> tuple[Endpoint, str]:
        if not 0 <= previous_ttl_s <= MAX_PREVIOUS_TTL_S:
            raise InvalidArgument(f"previous_secret_ttl_s must be 0 to {MAX_PREVIOUS_TTL_S}")
        endpoint = await unit.endpoints.lock(id_)
        plain = new_secret()
        keep = previous_ttl_s > 0
        endpoint.previous_secret_enc = endpoint.secret_enc if keep else None
        endpoint.previous_secret_expires_at = \
            self._now() + timedelta(seconds=previous_ttl_s) if keep else None
        endpoint.secret_enc = self._box.encrypt(plain)
        await unit.flush()
        return endpoint, plain

    async def delete(self, unit: IntegrationsUnit, id_: uuid.UUID) -> None:
        if not await unit.endpoints.remove(id_):
            raise NotFound(f"endpoint {id_} not found")

    # ---- deliveries ----------------------------------------------------------------------

    async def send_test(self, unit: IntegrationsUnit, endpoint_id: uuid.UUID) -> Delivery:
        endpoint = await self._enabled(unit, endpoint_id)
        event = Event(id=uuid.uuid4(), tenant_id=unit.tenant_id, type=payloads.TEST_EVENT,
                      conversation_id=None, position=0, occurred_at=self._now(),
                      payload=payloads.test_data(endpoint.id))
        await unit.events.record(event)
        [delivery_id] = await unit.deliveries.fan_out(event, [endpoint.id])
        unit.after_commit(self._wake)
        return await unit.deliveries.get_or_raise(delivery_id, "delivery")

    async def deliveries(self, unit: IntegrationsUnit, size: int, cursor: str,
                         where: DeliveryFilter) -> tuple[list[Delivery], str]:
        return await unit.deliveries.log(size, cursor, where)

    async def delivery(self, unit: IntegrationsUnit, id_: uuid.UUID) -> DeliveryView:
        delivery = await unit.deliveries.get_or_raise(id_, "delivery")
        event = await unit.events.get_or_raise(delivery.event_id, "event")
        body = payloads.body(event.id, event.type, event.occurred_at, event.tenant_id,
                             event.payload)
        return DeliveryView(delivery, await unit.attempts.of(id_), body)

    async def replay(self, unit: IntegrationsUnit, id_: uuid.UUID) -> Delivery:
        of = await unit.deliveries.get_or_raise(id_, "delivery")
        await self._enabled(unit, of.endpoint_id)
        again = unit.deliveries.again(of)
        unit.after_commit(self._wake)
        await unit.flush()
        return again

    async def replay_range(self, unit: IntegrationsUnit, endpoint_id: uuid.UUID,
                           since: datetime | None, until: datetime | None) -> int:
        if since is None or until is None or not since < until <= since + MAX_REPLAY_RANGE:
            raise InvalidArgument("from and to are required, from before to, at most 31 days apart",
                                  problem="replay-range-invalid")
        await self._enabled(unit, endpoint_id)
        originals = await unit.deliveries.originals(endpoint_id, since, until)
        for original in originals:
            unit.deliveries.again(original)
        unit.after_commit(self._wake)
        await unit.flush()
        return len(originals)

    # ---- helpers -------------------------------------------------------------------------

    async def _check(self, fields: EndpointFields, given: frozenset[str]) -> None:
        if "url" in given:
            if len(fields.url) > MAX_URL:
                raise InvalidArgument(f"url is longer than {MAX_URL} characters")
            try:
                await self._guard.check(fields.url)
            except UrlRefused:
                raise InvalidArgument(URL_REFUSED, problem="url-not-allowed") from None
        if "description" in given and len(fields.description) > MAX_DESCRIPTION:
            raise InvalidArgument(f"description is longer than {MAX_DESCRIPTION} characters")
        if "event_types" in given:
            unknown = sorted(set(fields.event_types) - payloads.EVENT_TYPES)
            if unknown:
                raise InvalidArgument(f"unknown event types: {', '.join(unknown)}; the public "
                                      f"events are {', '.join(sorted(payloads.EVENT_TYPES))}",
                                      problem="unknown-event-types")
            fields.event_types = sorted(set(fields.event_types))

    async def _enabled(self, unit: IntegrationsUnit, endpoint_id: uuid.UUID) -> Endpoint:
        endpoint = await unit.endpoints.get_or_raise(endpoint_id, "endpoint")
        if not endpoint.enabled:
            raise FailedPrecondition("the endpoint is disabled: enable it to send it events",
                                     problem="endpoint-disabled")
        return endpoint

    @staticmethod
    def _close_breaker(endpoint: Endpoint) -> None:
        endpoint.state = BreakerState.ACTIVE
        endpoint.consecutive_failures, endpoint.pauses = 0, 0
        endpoint.failing_since = endpoint.paused_at = endpoint.breaker_probe_at = None
        endpoint.paused_reason = ""

