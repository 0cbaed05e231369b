"""Avito Messenger deliveries: verify, publish raw to JetStream, answer 200 fast.

Avito waits 2 s for a 200, so nothing here touches the database on the hot path: the owner of a
webhook URL is resolved once through the channels service and cached for a short while. The
whole hand-off — owner lookup and publish — has a budget below Avito's timeout
(`webhook_handoff_timeout_s`): past it the answer is 503 and the delivery is kept for a retry
(gateway/webhooks/recovery.py), so a 503 either means "not taken" or shows up, counted and
logged, as "taken late". The HTTP side is gateway/webhooks/ingress.py, the owner lookup
gateway/webhooks/resolver.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import uuid

import orjson

from clients.rpc import topics
from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channel_events
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from gateway.config import GatewaySettings
from gateway.errors import ProblemError
from gateway.state import GatewayState, WebhookState
from gateway.webhooks.fairness import LANE_TOPICS, OVERFLOW, TenantLanes
from gateway.webhooks.recovery import Delivery, HandedOff, HandoffRecovery, Refused
from gateway.webhooks.resolver import WebhookOwner, WebhookResolver
from gateway.webhooks.telegram import TelegramBotResolver
from services.kernel.bus import Backlog, Bus
from services.kernel.errors import DomainError
from services.kernel.validation import json_text_problem

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "x-avito-messenger-signature"
_REQUIRED_VALUE_FIELDS = ("id", "chat_id", "user_id", "author_id", "created")
MAX_DELIVERY_ID = 200


def webhook_ingress(settings: GatewaySettings, bus: Bus, channels: ChannelsClient) -> WebhookState:
    """The gateway's webhook ingress: owner cache, tenant lanes, overflow backlog, and the
    recovery of refused deliveries (which hands them off again the same way); and the owner
    cache of tenants' Telegram bots."""
    budget = settings.webhook_handoff_timeout_s

    async def again(delivery: Delivery) -> HandedOff | None:
        return await hand_off(ingress, bus, delivery, budget)

    ingress = WebhookState(
        resolver=WebhookResolver(channels, settings.auth_cache_ttl_s),
        lanes=TenantLanes(settings.webhook_tenant_rate_per_s, settings.webhook_tenant_burst),
        overflow_backlog=Backlog(bus, topics.CHANNELS_WEBHOOKS_OVERFLOW,
                                 settings.webhook_overflow_backlog),
        recovery=HandoffRecovery(again, channels),
        telegram=TelegramBotResolver(channels, settings.auth_cache_ttl_s))
    return ingress


async def accept(state: GatewayState, channel_id: str, token: str, signature: str,
                 body: bytes) -> None:
    """Verify one delivery and publish it; ProblemError says why not (the caller answers)."""
    ingress = state.webhooks
    delivery = Delivery(channel_id, token, signature, body)
    try:
        handed = await hand_off(ingress, state.bus, delivery,
                                state.settings.webhook_handoff_timeout_s)
    except Refused as exc:  # Avito retries on non-200; we retry too (webhooks/recovery.py)
        log.error("could not hand a webhook delivery to the bus",
                  extra={"channel_id": channel_id, "error": str(exc)})
        ingress.recovery.refused(delivery, exc)
        raise ProblemError(503, "temporarily unable to accept deliveries", {"Retry-After": "1"}) from exc
    if handed is None:
        return
    ingress.recovery.taken()
    if handed.lane == OVERFLOW and await ingress.overflow_backlog.over_limit():
        await asyncio.sleep(state.settings.webhook_overflow_delay_s)  # see webhooks/fairness.py


async def hand_off(ingress: WebhookState, bus: Bus, delivery: Delivery,
                   budget_s: float) -> HandedOff | None:
    """Verify `delivery` and publish it within `budget_s`. None: nothing to store (a probe, not
    a message); ProblemError: a bad delivery (4xx); Refused: not handed off in time."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + budget_s
    try:
        async with asyncio.timeout(budget_s):
            owner = await _verified_owner(ingress.resolver, delivery.channel_id, delivery.token)
    except (TimeoutError, DomainError) as exc:
        raise Refused(f"the channel's owner could not be looked up: {exc!r}") from exc
    _check_signature(owner, delivery.signature, delivery.body)
    delivery_id = _validate(delivery.body)
    if delivery_id is None:
        return None  # an empty probe, or not a message: acknowledged, nothing to store
    event = channel_events.WebhookReceived(
        channel_id=delivery.channel_id, kind=common.CHANNEL_KIND_AVITO, delivery_id=delivery_id,
        body=delivery.body)
    event.received_at.FromNanoseconds(int(delivery.received_at * 1_000_000_000))
    lane = ingress.lanes.lane(owner.tenant_id)
    try:
        ack = await bus.publish_event(
            LANE_TOPICS[lane], owner.tenant_id, event,
            msg_id=f"avito:{delivery.channel_id}:{delivery_id}",
            ack_timeout_s=max(0.01, deadline - loop.time()))
    except Exception as exc:  # timed out (it may still be stored: recovery finds out) or refused
        raise Refused(f"JetStream did not take it: {exc!r}", owner.tenant_id) from exc
    return HandedOff(owner.tenant_id, delivery.channel_id, lane, bool(ack.duplicate))


async def _verified_owner(resolver: WebhookResolver, channel_id: str, token: str) -> WebhookOwner:
    try:
        uuid.UUID(channel_id)
    except ValueError:
        raise ProblemError(404, "unknown channel") from None
    owner = await resolver.resolve(channel_id)
    if owner is None or owner.kind != common.CHANNEL_KIND_AVITO:  # a Telegram channel's id
        raise ProblemError(404, "unknown channel")
    presented = hashlib.sha256(token.encode()).hexdigest()
    if not hmac.compare_digest(presented, owner.token_sha256):
        raise ProblemError(403, "wrong webhook token")
    if not owner.active:
        raise ProblemError(410, "this channel is disconnected")
    return owner


def _check_signature(owner: WebhookOwner, signature: str, body: bytes) -> None:
    if not owner.signing_secret:
        return
    expected = hmac.new(owner.signing_secret.encode(), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(signature.lower(), expected):
        raise ProblemError(401, f"missing or wrong {SIGNATURE_HEADER}")


def _validate(body: bytes) -> str | None:
    """The delivery id of a well-formed v3 message delivery to publish, or None to acknowledge
    without publishing (an empty probe `{}`, or an event type other than `message`)."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise ProblemError(400, "body is not valid JSON") from None
    if data == {}:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("payload"), dict):
        raise ProblemError(422, "expected an Avito v3 delivery: {id, version, timestamp, payload}")
    if data["payload"].get("type") != "message":
        log.info("ignoring a non-message delivery", extra={"type": str(data["payload"].get("type"))})
        return None
    value = data["payload"].get("value")
    missing = [f for f in _REQUIRED_VALUE_FIELDS
               if not isinstance(value, dict) or value.get(f) in (None, "")]
    if not data.get("id"):
        missing.insert(0, "id")
    if missing:
        raise ProblemError(422, f"delivery lacks required fields: {', '.join(missing)}")
    _check_storable(body, data)
    return _delivery_id(data["id"])


def _delivery_id(value: object) -> str:
    """The envelope's id, which becomes the Nats-Msg-Id header: a line of printable text."""
    delivery_id = str(value)
    if not isinstance(value, str | int) or isinstance(value, bool) \
            or len(delivery_id) > MAX_DELIVERY_ID or not delivery_id.isprintable():
        raise ProblemError(422, f"the delivery id must be a string or a number of at most "
                                f"{MAX_DELIVERY_ID} printable characters")
    return delivery_id


def _check_storable(body: bytes, data: object) -> None:
    """PostgreSQL stores no NUL character, in a text or in the raw delivery: a 422. (JSON
    writes one as \\u0000: the parsed body is walked only when the bytes show that.)"""
    if b"\\u0000" in body and (problem := json_text_problem(data)) is not None:
        raise ProblemError(422, f"the delivery cannot be stored: {problem}")
