"""Avito Messenger deliveries: verify, publish raw to JetStream, answer 200 fast.

Avito waits 2 s for a 200, so nothing here touches the database on the hot path: the owner of a
webhook URL is resolved once through the channels service and cached for a short while. The
HTTP side is gateway/webhooks/ingress.py, the owner lookup gateway/webhooks/resolver.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import uuid

import orjson

from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channel_events
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from gateway.errors import ProblemError
from gateway.state import GatewayState
from gateway.webhooks.fairness import LANE_TOPICS, OVERFLOW
from gateway.webhooks.resolver import WebhookOwner, WebhookResolver
from services.kernel.timestamps import now_timestamp
from services.kernel.validation import json_text_problem

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "x-avito-messenger-signature"
_REQUIRED_VALUE_FIELDS = ("id", "chat_id", "user_id", "author_id", "created")
MAX_DELIVERY_ID = 200


async def accept(state: GatewayState, channel_id: str, token: str, signature: str,
                 body: bytes) -> None:
    """Verify one delivery and publish it; ProblemError says why not (the caller answers)."""
    ingress = state.webhooks
    owner = await _verified_owner(ingress.resolver, channel_id, token)
    _check_signature(owner, signature, body)
    delivery_id = _validate(body)
    if delivery_id is None:
        return  # an empty probe, or not a message: acknowledged, nothing to store
    event = channel_events.WebhookReceived(
        channel_id=channel_id, kind=common.CHANNEL_KIND_AVITO, delivery_id=delivery_id,
        received_at=now_timestamp(), body=body)
    lane = ingress.lanes.lane(owner.tenant_id)
    try:
        await state.bus.publish_event(LANE_TOPICS[lane], owner.tenant_id, event,
                                      msg_id=f"avito:{channel_id}:{delivery_id}")
    except Exception as exc:  # Avito retries on non-200: better than a lost message
        log.error("could not publish webhook", extra={"channel_id": channel_id, "error": str(exc)})
        raise ProblemError(503, "temporarily unable to accept deliveries", {"Retry-After": "1"}) from exc
    if lane == OVERFLOW and await ingress.overflow_backlog.over_limit():
        await asyncio.sleep(state.settings.webhook_overflow_delay_s)  # see webhooks/fairness.py


async def _verified_owner(resolver: WebhookResolver, channel_id: str, token: str) -> WebhookOwner:
    try:
        uuid.UUID(channel_id)
    except ValueError:
        raise ProblemError(404, "unknown channel") from None
    owner = await resolver.resolve(channel_id)
    if owner is None:
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
