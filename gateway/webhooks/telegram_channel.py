"""Updates of tenants' Telegram customer channels: `POST /webhooks/telegram-channel/{channel_id}`
verified by the secret Telegram sends in `X-Telegram-Bot-Api-Secret-Token` (its SHA-256 is the
channel's webhook token hash), published raw to JetStream (`TELEGRAM_CHANNEL_UPDATE`), 200 once
acked.

The channel's owner comes from the same cached lookup as Avito's webhooks (`resolver.py`); the
lookup and JetStream's ack share `webhook_handoff_timeout_s`: past it, or when either refuses,
503 with Retry-After, and Telegram delivers the update again; the Nats-Msg-Id
`tgchannel:<channel>:<update_id>` makes a repeat one message. Nothing is published for a bad
secret (401), an unknown channel or one that is not a Telegram channel (404), a disconnected
one (410), or a body that is not an update (422).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
import uuid

from clients.rpc import topics
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channel_events
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from gateway.errors import ProblemError
from gateway.webhooks.resolver import WebhookOwner, WebhookResolver
from gateway.webhooks.telegram import SECRET_HEADER, published, resolved, update_id_of
from services.kernel.bus import Bus


async def accept_channel_update(resolver: WebhookResolver, bus: Bus, budget_s: float,
                                channel_id: str, secret: str, body: bytes) -> None:
    """Verify one update and publish it within `budget_s`; ProblemError says why not."""
    received_at = time.time()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + budget_s
    try:
        uuid.UUID(channel_id)
    except ValueError:
        raise ProblemError(404, "unknown channel") from None
    extra = {"channel_id": channel_id}
    owner = _checked(await resolved(resolver.resolve(channel_id), budget_s, extra), secret)
    event = channel_events.TelegramChannelUpdate(channel_id=channel_id,
                                                 update_id=update_id_of(body), body=body)
    event.received_at.FromNanoseconds(int(received_at * 1_000_000_000))
    await published(bus, topics.TELEGRAM_CHANNEL_UPDATE, owner.tenant_id, event,
                    f"tgchannel:{channel_id}:{event.update_id}", deadline, extra)


def _checked(owner: WebhookOwner | None, secret: str) -> WebhookOwner:
    if owner is None or owner.kind != common.CHANNEL_KIND_TELEGRAM:
        raise ProblemError(404, "unknown channel")
    presented = hashlib.sha256(secret.encode()).hexdigest()
    if not secret or not hmac.compare_digest(presented, owner.token_sha256):
        raise ProblemError(401, f"missing or wrong {SECRET_HEADER}")
    if not owner.active:
        raise ProblemError(410, "this channel is disconnected")
    return owner
