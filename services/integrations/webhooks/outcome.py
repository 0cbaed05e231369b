"""Recording one attempt's outcome, in the delivery's tenant's unit: the attempt in the log,
the delivery delivered / failed / due again, and the endpoint's circuit breaker (its owner told
by EndpointPaused / EndpointResumed on SB_INTEGRATIONS)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from prometheus_client import Counter, Histogram

from clients.rpc import topics
from services.integrations import events
from services.integrations.models import BreakerState, Delivery, DeliveryStatus, Endpoint
from services.integrations.repository import IntegrationsUnit
from services.integrations.webhooks import rules
from services.integrations.webhooks.sender import AttemptResult

DELIVERIES = Counter("switchboard_integrations_deliveries_total",
                     "Webhook delivery attempts by outcome (delivered, retry, failed)", ["outcome"])
ATTEMPT_LATENCY = Histogram("switchboard_integrations_attempt_seconds",
                            "Webhook attempts' duration, answered or not",
                            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
GONE = "the endpoint answered 410 Gone: disabled (enable it again to resume)"
for _outcome in ("delivered", "retry", "failed"):
    DELIVERIES.labels(_outcome)


@dataclass(frozen=True)
class Policies:
    retry: rules.RetryPolicy
    breaker: rules.BreakerPolicy


async def record(unit: IntegrationsUnit, delivery_id: uuid.UUID, started_at: datetime,
                 result: AttemptResult, clock: Callable[[], datetime],
                 policies: Policies) -> None:
    delivery = await unit.deliveries.lock(delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return  # its endpoint was deleted meanwhile
    endpoint = await unit.endpoints.lock(delivery.endpoint_id)
    # Read once the endpoint is locked: an outcome recorded meanwhile by another send is
    # older, so the breaker's span never goes backwards (two sends failing at once paused
    # nothing: the later clock reading was recorded first).
    now = clock()
    delivery.attempts += 1
    unit.attempts.record(delivery, started_at=started_at, response_status=result.status,
                         latency_ms=result.latency_ms, error=result.error[:2000],
                         response_body=result.body)
    delivery.last_response_status, delivery.last_latency_ms = result.status, result.latency_ms
    delivery.last_error, delivery.lease_until = result.error[:2000], None
    ATTEMPT_LATENCY.observe(result.latency_ms / 1000)
    verdict = rules.verdict(result.status)
    if verdict is rules.Verdict.DELIVERED:
        delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, now
        if endpoint.consecutive_failures:  # it is back: what waits out a backoff goes now
            await unit.deliveries.due_now(endpoint.id, now)
        _succeeded(unit, endpoint, now)
        DELIVERIES.labels("delivered").inc()
    elif verdict is rules.Verdict.GONE:
        delivery.status = DeliveryStatus.FAILED
        endpoint.enabled, endpoint.paused_reason = False, GONE
        unit.emit(topics.ENDPOINT_PAUSED, events.endpoint_paused(endpoint))
        DELIVERIES.labels("failed").inc()
    else:
        _retry(delivery, endpoint.retry_window_s, result, now, policies.retry)
        _failed(unit, endpoint, result.error, now, policies.breaker)
    await unit.flush()


def _retry(delivery: Delivery, window_s: int, result: AttemptResult, now: datetime,
           policy: rules.RetryPolicy) -> None:
    """Due again after the backoff, or failed once that is past the retry window since the
    delivery was queued."""
    gives_up_at = delivery.created_at + timedelta(seconds=window_s)
    at = rules.next_attempt(delivery.attempts, now, gives_up_at, policy, result.retry_after_s)
    if at is None:
        delivery.status = DeliveryStatus.FAILED
        delivery.last_error = f"{result.error}; gave up: the retry window has passed"[:2000]
        DELIVERIES.labels("failed").inc()
    else:
        delivery.next_attempt_at = at
        DELIVERIES.labels("retry").inc()


def _succeeded(unit: IntegrationsUnit, endpoint: Endpoint, now: datetime) -> None:
    was = _breaker(endpoint)
    paused_at = endpoint.paused_at
    _apply(endpoint, rules.after_success(), None)
    endpoint.last_success_at, endpoint.paused_reason = now, ""
    endpoint.paused_at = None
    if was.paused:
        unit.emit(topics.ENDPOINT_RESUMED, events.endpoint_resumed(endpoint, paused_at, now))


def _failed(unit: IntegrationsUnit, endpoint: Endpoint, error: str, now: datetime,
            policy: rules.BreakerPolicy) -> None:
    after = rules.after_failure(_breaker(endpoint), now, policy)
    _apply(endpoint, after.breaker, after.probe_at)
    if after.opened:
        endpoint.paused_at, endpoint.paused_reason = now, error[:500]
        unit.emit(topics.ENDPOINT_PAUSED, events.endpoint_paused(endpoint))


def _breaker(e: Endpoint) -> rules.Breaker:
    return rules.Breaker(e.state == BreakerState.PAUSED, e.consecutive_failures,
                         e.failing_since, e.pauses)


def _apply(e: Endpoint, b: rules.Breaker, probe_at: datetime | None) -> None:
    e.state = BreakerState.PAUSED if b.paused else BreakerState.ACTIVE
    e.consecutive_failures, e.failing_since, e.pauses = (b.consecutive_failures,
                                                         b.failing_since, b.pauses)
    e.breaker_probe_at = probe_at
