"""Telegram updates of tenants' bots: `POST /webhooks/telegram/{bot_id}` verified by the secret
Telegram sends in `X-Telegram-Bot-Api-Secret-Token`, published raw to JetStream, 200 once acked.

The bot's owner and its secret's SHA-256 come from the channels service
(`ResolveTelegramWebhook`) and are cached per process, as Avito's webhook owners are. The
owner lookup and JetStream's ack share `webhook_handoff_timeout_s`: past it, or when either
refuses, the answer is 503 with Retry-After and Telegram delivers the update again (it keeps
it and retries); the deterministic Nats-Msg-Id `telegram:<bot>:<update_id>` makes a repeat one
message. Nothing is published for a bad secret (401), an unknown bot (404), a removed one or
one registered for polling (410), or a body that is not an update (422).
"""

from __future__ import annotations

import asyncio
import enum
import hashlib
import hmac
import logging
import time
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TypeVar

import orjson
from google.protobuf.message import Message as ProtoMessage

from clients.rpc import topics
from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channel_events
from gateway.errors import ProblemError
from services.kernel.bus import Bus
from services.kernel.errors import DomainError, NotFound
from services.kernel.wire import Topic

log = logging.getLogger(__name__)

SECRET_HEADER = "x-telegram-bot-api-secret-token"  # noqa: S105 - a header name
_NEGATIVE_TTL_S = 5.0  # blunts floods of made-up bot ids without hiding a new bot long
_MAX_UPDATE_ID = 2**63 - 1
_UNAVAILABLE = "temporarily unable to accept updates"
T = TypeVar("T")


class Gone(enum.Enum):
    """A bot this process removed: 410 until the entry expires (then 404, as elsewhere)."""

    REMOVED = "removed"


@dataclass(frozen=True)
class TelegramBotOwner:
    tenant_id: uuid.UUID
    secret_sha256: str
    active: bool  # takes webhooks (False: registered for polling)


class TelegramBotResolver:
    """bot id -> owner, cached per process for `ttl_s` (unknown ids for a few seconds): a new
    secret or a removal made through another replica applies here within that TTL."""

    def __init__(self, channels: ChannelsClient, ttl_s: float, max_entries: int = 10_000) -> None:
        self._channels, self._ttl_s, self._max = channels, ttl_s, max_entries
        self._cache: dict[str, tuple[float, TelegramBotOwner | Gone | None]] = {}

    async def resolve(self, bot_id: str) -> TelegramBotOwner | Gone | None:
        now = time.monotonic()
        hit = self._cache.get(bot_id)
        if hit is not None and hit[0] > now:
            return hit[1]
        try:
            resp = await self._channels.resolve_telegram_webhook(bot_id)
            owner: TelegramBotOwner | None = TelegramBotOwner(
                uuid.UUID(resp.tenant_id), resp.secret_sha256, resp.active)
        except NotFound:
            owner = None
        self._put(bot_id, owner, self._ttl_s if owner else _NEGATIVE_TTL_S)
        return owner

    def forget(self, bot_id: str) -> None:
        """A bot this process registered again: its new secret applies here at once."""
        self._cache.pop(bot_id, None)

    def removed(self, bot_id: str) -> None:
        self._put(bot_id, Gone.REMOVED, self._ttl_s)

    def _put(self, bot_id: str, value: TelegramBotOwner | Gone | None, ttl_s: float) -> None:
        if len(self._cache) >= self._max:
            self._cache.clear()
        self._cache[bot_id] = (time.monotonic() + ttl_s, value)


async def accept_update(resolver: TelegramBotResolver, bus: Bus, budget_s: float, bot_id: str,
                        secret: str, body: bytes) -> None:
    """Verify one update and publish it within `budget_s`; ProblemError says why not."""
    received_at = time.time()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + budget_s
    try:
        uuid.UUID(bot_id)
    except ValueError:
        raise ProblemError(404, "unknown bot") from None
    owner = await resolved(resolver.resolve(bot_id), budget_s, {"bot_id": bot_id})
    _check(owner, secret)
    assert isinstance(owner, TelegramBotOwner)
    event = channel_events.TelegramUpdateReceived(bot_id=bot_id, update_id=update_id_of(body),
                                                  body=body)
    event.received_at.FromNanoseconds(int(received_at * 1_000_000_000))
    await published(bus, topics.TELEGRAM_UPDATE_RECEIVED, owner.tenant_id, event,
                    f"telegram:{bot_id}:{event.update_id}", deadline, {"bot_id": bot_id})


async def resolved(lookup: Awaitable[T], budget_s: float, extra: dict[str, str]) -> T:
    """Whose an update's URL is, within `budget_s`; 503 (Telegram retries) past it or when
    the lookup fails."""
    try:
        async with asyncio.timeout(budget_s):
            return await lookup
    except (TimeoutError, DomainError) as exc:
        log.error("could not look a Telegram webhook's owner up",
                  extra={**extra, "error": repr(exc)})
        raise ProblemError(503, _UNAVAILABLE, {"Retry-After": "1"}) from exc


async def published(bus: Bus, topic: Topic, tenant_id: uuid.UUID, event: ProtoMessage,
                    msg_id: str, deadline: float, extra: dict[str, str]) -> None:
    """Published and acked by JetStream before `deadline` (the loop's clock), else 503."""
    remaining = deadline - asyncio.get_running_loop().time()
    try:
        await bus.publish_event(topic, tenant_id, event, msg_id=msg_id,
                                ack_timeout_s=max(0.01, remaining))
    except Exception as exc:  # timed out or refused: Telegram keeps the update and retries
        log.error("could not hand a Telegram update to the bus",
                  extra={**extra, "error": repr(exc)})
        raise ProblemError(503, _UNAVAILABLE, {"Retry-After": "1"}) from exc


def _check(owner: TelegramBotOwner | Gone | None, secret: str) -> None:
    if owner is None:
        raise ProblemError(404, "unknown bot")
    if isinstance(owner, Gone) or not owner.active:
        raise ProblemError(410, "this bot was removed or takes no webhooks (polling)")
    presented = hashlib.sha256(secret.encode()).hexdigest()
    if not secret or not hmac.compare_digest(presented, owner.secret_sha256):
        raise ProblemError(401, f"missing or wrong {SECRET_HEADER}")


def update_id_of(body: bytes) -> int:
    """The Update's update_id; 422 for a body that is not one."""
    try:
        update = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise ProblemError(422, "body is not valid JSON: expected a Telegram Update") from None
    update_id = update.get("update_id") if isinstance(update, dict) else None
    if not isinstance(update_id, int) or isinstance(update_id, bool) \
            or not 0 <= update_id <= _MAX_UPDATE_ID:
        raise ProblemError(422, "expected a Telegram Update: a JSON object with an integer "
                                "update_id")
    return update_id
