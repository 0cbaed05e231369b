"""Delivering a rendered report: to a signed webhook (through the kernel's outbound guard) or
to a Telegram chat (channels' TelegramDeliveryService, which holds the tenant's bot), with
bounded retries (equal jitter) on what a retry may fix.

Webhook signature: `X-Switchboard-Signature: sha256=<hex HMAC-SHA256(secret,
"<X-Switchboard-Timestamp>." + body)>`; `X-Switchboard-Run-Id` lets a receiver drop a
redelivery (a worker that stopped after sending, before recording, sends once more)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

import httpx
import orjson

from services.kernel import backoff
from services.kernel.backoff import parse_retry_after
from services.kernel.errors import DomainError, Unavailable
from services.kernel.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from services.kernel.urls import OutboundGuard, UrlRefused

log = logging.getLogger(__name__)

RUN_HEADER = "X-Switchboard-Run-Id"
WEBHOOK_UNREACHABLE = "the webhook URL is unreachable or not a public address"


@dataclass(frozen=True)
class Report:
    """What analytics rendered."""

    html: str
    json: str
    png: bytes
    partial: bool
    problems: tuple[str, ...]
    period_from: datetime | None
    period_to: datetime | None
    time_zone: str


@dataclass(frozen=True)
class Envelope:
    """Which run a delivery is of."""

    schedule_id: str
    schedule_name: str
    run_id: str
    trigger: str
    scheduled_for: datetime


class Transient(Exception):
    """A retry may help (a timeout, 429, 5xx); `retry_after_s` when the other side said."""

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.message, self.retry_after_s = message, retry_after_s


class Permanent(Exception):
    """Refused; retrying will not help (the message says what to fix)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Retry:
    attempts: int
    base_s: float
    cap_s: float


async def with_retries(send: Callable[[], Awaitable[None]], retry: Retry,
                       sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
                       ) -> tuple[int, str]:
    """Call `send` until it succeeds, fails for good, or the attempts are spent; returns the
    attempts made and the error ("" when delivered)."""
    for attempt in range(1, retry.attempts + 1):
        try:
            await send()
            return attempt, ""
        except Permanent as exc:
            return attempt, exc.message
        except Transient as exc:
            if attempt == retry.attempts:
                return attempt, f"{exc.message} (gave up after {attempt} attempts)"
            wait = backoff.equal_jitter(attempt, retry.base_s, retry.cap_s)
            await sleep(min(retry.cap_s, max(wait, exc.retry_after_s or 0)))
    raise AssertionError("unreachable: attempts >= 1")


def webhook_body(envelope: Envelope, report: Report) -> bytes:
    """The JSON POSTed; Permanent if analytics' JSON does not parse (a retry renders the
    same)."""
    try:
        rendered = orjson.loads(report.json) if report.json else None
    except orjson.JSONDecodeError:
        raise Permanent("analytics returned a report that is not valid JSON") from None
    period = {"from": report.period_from.isoformat() if report.period_from else None,
              "to": report.period_to.isoformat() if report.period_to else None,
              "time_zone": report.time_zone}
    return orjson.dumps({
        "schedule": {"id": envelope.schedule_id, "name": envelope.schedule_name},
        "run": {"id": envelope.run_id, "trigger": envelope.trigger,
                "scheduled_for": envelope.scheduled_for.isoformat()},
        "period": period, "partial": report.partial, "problems": list(report.problems),
        "report": rendered, "html": report.html})


class WebhookSender:
    def __init__(self, guard: OutboundGuard, timeout_s: float) -> None:
        self._client = guard.client(timeout=timeout_s)

    async def close(self) -> None:
        await self._client.aclose()

    async def send(self, url: str, secret: str, envelope: Envelope, report: Report) -> None:
        body = webhook_body(envelope, report)
        timestamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", TIMESTAMP_HEADER: timestamp,
                   SIGNATURE_HEADER: sign(secret, timestamp, body), RUN_HEADER: envelope.run_id,
                   "User-Agent": "Switchboard-Scheduler/1"}
        try:
            response = await self._client.post(url, content=body, headers=headers)
        except UrlRefused as exc:
            log.warning("webhook refused by the outbound guard", extra={"error": exc.reason})
            raise Permanent(WEBHOOK_UNREACHABLE) from None
        except httpx.HTTPError as exc:
            raise Transient(f"the webhook did not answer ({type(exc).__name__})") from None
        status = response.status_code
        if 200 <= status < 300:
            return
        if status == 429 or status >= 500:
            raise Transient(f"the webhook answered {status}",
                            parse_retry_after(response.headers.get("Retry-After")))
        raise Permanent(f"the webhook answered {status}; check its URL and that it accepts "
                        "the signed POST")


class TelegramMessages:
    """channels' SendTelegramMessage, as the delivery step calls it."""

    def __init__(self, send: Callable[..., Awaitable[object]]) -> None:
        self._send = send

    async def send(self, tenant_id: object, chat_id: int, thread_id: int | None,
                   report: Report) -> None:
        try:
            await self._send(tenant_id, chat_id, thread_id, report.html, report.png)
        except Unavailable as exc:
            raise Transient(f"Telegram is not answering: {exc.message}") from None
        except DomainError as exc:
            raise Permanent(exc.message) from None
