"""Outgoing webhooks: endpoints of yours that Switchboard POSTs events to (signed, retried,
in order per conversation; the catalogue of events: docs/events.md), and the delivery log with
replays. Managing endpoints needs an admin key; reading a read key. Check each delivery you
receive with `verify_webhook` (verify.py).

    made = await sb.create_webhook_endpoint("https://example.com/hooks", ["message.received"])
    store(made.secret)                     # shown this once
    page = await sb.webhook_deliveries(endpoint_id=made.endpoint.id, status=WebhookDeliveryStatus.FAILED)
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from switchboard_sdk._base import Api, every, page_of
from switchboard_sdk._codec import UNSET, OpenEnum, Unset, decode
from switchboard_sdk.errors import ProtocolError
from switchboard_sdk.models import Page

ENDPOINT = """
fragment WebhookEndpointFields on WebhookEndpoint {
  id url description eventTypes enabled state consecutiveFailures pausedReason pausedAt
  breakerProbeAt lastSuccessAt retryWindowS createdAt updatedAt
}"""
DELIVERY = """
fragment WebhookDeliveryFields on WebhookDelivery {
  id endpointId eventId eventType conversationId status attempts lastResponseStatus
  lastLatencyMs lastError nextAttemptAt deliveredAt createdAt eventOccurredAt replayOf
}"""
CREATE = ENDPOINT + """
mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { secret endpoint { ...WebhookEndpointFields } }
}"""
ENDPOINTS = ENDPOINT + """
query WebhookEndpoints($first: Int!, $after: String) {
  webhookEndpoints(first: $first, after: $after) {
    edges { node { ...WebhookEndpointFields } } pageInfo { hasNextPage endCursor }
  }
}"""
GET_ENDPOINT = ENDPOINT + """
query WebhookEndpoint($id: ID!) { webhookEndpoint(id: $id) { ...WebhookEndpointFields } }"""
UPDATE = ENDPOINT + """
mutation UpdateWebhookEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!) {
  updateWebhookEndpoint(id: $id, input: $input) { ...WebhookEndpointFields }
}"""
DELETE = """
mutation DeleteWebhookEndpoint($id: ID!) { deleteWebhookEndpoint(id: $id) }"""
ROTATE = ENDPOINT + """
mutation RotateWebhookEndpointSecret($id: ID!, $previousSecretTtlS: Int!) {
  rotateWebhookEndpointSecret(id: $id, previousSecretTtlS: $previousSecretTtlS) {
    secret endpoint { ...WebhookEndpointFields }
  }
}"""
TEST = DELIVERY + """
mutation SendWebhookTestEvent($id: ID!) { sendWebhookTestEvent(id: $id) { ...WebhookDeliveryFields } }"""
DELIVERIES = DELIVERY + """
query WebhookDeliveries($endpointId: ID, $status: String, $since: DateTime, $until: DateTime,
                        $first: Int!, $after: String) {
  webhookDeliveries(endpointId: $endpointId, status: $status, since: $since, until: $until,
                    first: $first, after: $after) {
    edges { node { ...WebhookDeliveryFields } } pageInfo { hasNextPage endCursor }
  }
}"""
GET_DELIVERY = DELIVERY + """
query WebhookDelivery($id: ID!) {
  webhookDelivery(id: $id) {
    delivery { ...WebhookDeliveryFields }
    attempts { number startedAt responseStatus latencyMs error responseBody }
    payload
  }
}"""
REPLAY = DELIVERY + """
mutation ReplayWebhookDelivery($id: ID!) { replayWebhookDelivery(id: $id) { ...WebhookDeliveryFields } }"""
REPLAY_RANGE = """
mutation ReplayWebhookEndpoint($id: ID!, $from: DateTime!, $to: DateTime!) {
  replayWebhookEndpoint(id: $id, from: $from, to: $to)
}"""


class WebhookEndpointState(OpenEnum):
    ACTIVE = "active"
    PAUSED = "paused"  # the circuit breaker opened: probed at breaker_probe_at
    DISABLED = "disabled"  # by you: nothing is recorded or sent


class WebhookDeliveryStatus(OpenEnum):
    PENDING = "pending"  # waiting for its turn, an attempt or a retry
    DELIVERED = "delivered"  # your endpoint answered 2xx
    FAILED = "failed"  # the retry window passed, or a permanent refusal


@dataclass(frozen=True)
class WebhookEndpoint:
    id: str
    url: str
    description: str = ""
    event_types: list[str] | None = None  # empty: every event
    enabled: bool = True
    state: WebhookEndpointState = WebhookEndpointState.ACTIVE
    consecutive_failures: int = 0
    paused_reason: str | None = None
    paused_at: datetime | None = None
    breaker_probe_at: datetime | None = None
    last_success_at: datetime | None = None
    retry_window_s: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class WebhookEndpointSecret:
    """An endpoint with its signing secret: shown only by create and rotate."""

    endpoint: WebhookEndpoint
    secret: str


@dataclass(frozen=True)
class WebhookDelivery:
    id: str
    endpoint_id: str
    event_id: str  # the same across retries and replays: deduplicate on it
    event_type: str
    status: WebhookDeliveryStatus
    attempts: int = 0
    conversation_id: str | None = None
    last_response_status: int | None = None  # None: no HTTP answer (see last_error)
    last_latency_ms: int | None = None
    last_error: str | None = None
    next_attempt_at: datetime | None = None
    delivered_at: datetime | None = None
    created_at: datetime | None = None
    event_occurred_at: datetime | None = None
    replay_of: str | None = None


@dataclass(frozen=True)
class WebhookAttempt:
    number: int
    started_at: datetime | None = None
    response_status: int | None = None
    latency_ms: int = 0
    error: str | None = None
    response_body: str = ""  # the first 1 KiB


@dataclass(frozen=True)
class WebhookDeliveryDetail:
    delivery: WebhookDelivery
    attempts: list[WebhookAttempt]  # oldest first
    payload: dict[str, Any]  # the event as it was sent


class WebhooksApi(Api):
    async def create_webhook_endpoint(self, url: str, event_types: list[str] | None = None, *,
                                      description: str = "",
                                      secret: str | None = None) -> WebhookEndpointSecret:
        """Register an endpoint (admin key) for these public events (None: every event). The
        answer holds the signing secret, once: given (24+ characters) or generated. A URL that
        is not public or an unknown event type is InvalidInput. Not retried."""
        found = await self._data(CREATE, "createWebhookEndpoint", safe=False, input={
            "url": url, "eventTypes": event_types, "description": description, "secret": secret})
        return decode(WebhookEndpointSecret, found)

    async def webhook_endpoints(self, *, first: int = 50,
                                after: str | None = None) -> Page[WebhookEndpoint]:
        found = await self._data(ENDPOINTS, "webhookEndpoints", first=first, after=after)
        return page_of(WebhookEndpoint, found)

    async def webhook_endpoint(self, endpoint_id: str) -> WebhookEndpoint | None:
        """One endpoint, or None when you have none with this id."""
        found = await self._data(GET_ENDPOINT, "webhookEndpoint", id=endpoint_id)
        return None if found is None else decode(WebhookEndpoint, found)

    async def update_webhook_endpoint(
            self, endpoint_id: str, *, url: str | Unset = UNSET,
            description: str | Unset = UNSET, event_types: list[str] | Unset = UNSET,
            enabled: bool | Unset = UNSET) -> WebhookEndpoint:
        """Change what is given (admin key); `enabled=True` also resumes an endpoint the
        circuit breaker paused. Safe to repeat."""
        given = {"url": url, "description": description, "eventTypes": event_types,
                 "enabled": enabled}
        found = await self._data(UPDATE, "updateWebhookEndpoint", id=endpoint_id,
                                 input={k: v for k, v in given.items() if v is not UNSET})
        return decode(WebhookEndpoint, found)

    async def delete_webhook_endpoint(self, endpoint_id: str) -> None:
        """Delete it with its pending deliveries and log (admin key). Not retried."""
        await self._data(DELETE, "deleteWebhookEndpoint", safe=False, id=endpoint_id)

    async def rotate_webhook_secret(self, endpoint_id: str, *,
                                    previous_secret_ttl_s: int = 0) -> WebhookEndpointSecret:
        """A new signing secret, returned once (admin key); the old one keeps signing beside
        it for `previous_secret_ttl_s` (at most 7 days), so `verify_webhook` with either
        passes meanwhile. Not retried (a repeat would rotate again)."""
        found = await self._data(ROTATE, "rotateWebhookEndpointSecret", safe=False,
                                 id=endpoint_id, previous_secret_ttl_s=previous_secret_ttl_s)
        return decode(WebhookEndpointSecret, found)

    async def send_webhook_test_event(self, endpoint_id: str) -> WebhookDelivery:
        """Queue a `webhook.test` event to the endpoint (admin key): its delivery, pending."""
        found = await self._data(TEST, "sendWebhookTestEvent", safe=False, id=endpoint_id)
        return decode(WebhookDelivery, found)

    async def webhook_deliveries(self, *, endpoint_id: str | None = None,
                                 status: WebhookDeliveryStatus | None = None,
                                 since: datetime | None = None, until: datetime | None = None,
                                 first: int = 50,
                                 after: str | None = None) -> Page[WebhookDelivery]:
        """The delivery log, newest first: of one endpoint or all, by status, created in
        [since, until)."""
        found = await self._data(DELIVERIES, "webhookDeliveries", endpoint_id=endpoint_id,
                                 status=status, since=since, until=until, first=first,
                                 after=after)
        return page_of(WebhookDelivery, found)

    def iter_webhook_deliveries(self, **filters: Any) -> AsyncIterator[WebhookDelivery]:
        """Every delivery `webhook_deliveries(**filters)` finds, page after page."""
        return every(lambda cursor: self.webhook_deliveries(**filters, first=100, after=cursor))

    async def webhook_delivery(self, delivery_id: str) -> WebhookDeliveryDetail | None:
        """One delivery with every attempt and the event as sent; None when there is none."""
        found = await self._data(GET_DELIVERY, "webhookDelivery", id=delivery_id)
        if found is None:
            return None
        try:
            payload = json.loads(found.get("payload") or "{}")
        except (ValueError, AttributeError):
            raise ProtocolError(f"webhookDelivery {delivery_id}: its payload is not JSON") from None
        return decode(WebhookDeliveryDetail, {**found, "payload": payload})

    async def replay_webhook_delivery(self, delivery_id: str) -> WebhookDelivery:
        """Deliver its event again (admin key): a new delivery with the same event id."""
        found = await self._data(REPLAY, "replayWebhookDelivery", safe=False, id=delivery_id)
        return decode(WebhookDelivery, found)

    async def replay_webhook_endpoint(self, endpoint_id: str, since: datetime,
                                      until: datetime) -> int:
        """Deliver again every event of the endpoint that happened in [since, until), at most
        31 days (admin key): how many deliveries were queued."""
        found = await self._data(REPLAY_RANGE, "replayWebhookEndpoint", safe=False,
                                 id=endpoint_id, **{"from": since, "to": until})
        if not isinstance(found, int):
            raise ProtocolError("replayWebhookEndpoint: expected a count")
        return found
