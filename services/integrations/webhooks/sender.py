"""One HTTP attempt of a delivery: a signed POST through the kernel's outbound guard (public
addresses only, vetted again at connect time so DNS rebinding gets nowhere, no redirects
followed, no proxy), bounded by a total timeout; the answer's status, latency and first 1 KiB.
Never raises for what the endpoint does: every outcome is an `AttemptResult`."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

import httpx

from services.kernel.backoff import parse_retry_after
from services.kernel.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, signatures
from services.kernel.urls import OutboundGuard, UrlRefused

log = logging.getLogger(__name__)

BODY_KEPT = 1024
EVENT_ID_HEADER = "X-Switchboard-Event-Id"
EVENT_TYPE_HEADER = "X-Switchboard-Event-Type"
DELIVERY_ID_HEADER = "X-Switchboard-Delivery-Id"
USER_AGENT = "Switchboard-Webhooks/1"
REFUSED = "the URL does not resolve to a public address (refused by the outbound guard)"


@dataclass(frozen=True)
class Request:
    url: str
    secrets: list[str]  # newest first: one signature each
    event_id: str
    event_type: str
    delivery_id: str
    body: bytes


@dataclass(frozen=True)
class AttemptResult:
    status: int  # 0: no HTTP answer
    latency_ms: int
    error: str = ""
    body: str = ""
    retry_after_s: float | None = None


class Sender:
    def __init__(self, guard: OutboundGuard, timeout_s: float, max_connections: int) -> None:
        self._timeout_s = timeout_s
        self._client = guard.client(timeout=timeout_s, limits=httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections))

    async def close(self) -> None:
        await self._client.aclose()

    async def send(self, request: Request) -> AttemptResult:
        timestamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
                   TIMESTAMP_HEADER: timestamp,
                   SIGNATURE_HEADER: signatures(request.secrets, timestamp, request.body),
                   EVENT_ID_HEADER: request.event_id, EVENT_TYPE_HEADER: request.event_type,
                   DELIVERY_ID_HEADER: request.delivery_id}
        started = time.perf_counter()
        try:
            # The whole exchange within the timeout (httpx's applies per read: a trickle
            # would outlast it).
            status, head, retry_after = await asyncio.wait_for(
                self._post(request.url, request.body, headers), self._timeout_s)
        except UrlRefused:
            return AttemptResult(0, _ms(started), REFUSED)
        except (TimeoutError, httpx.TimeoutException):
            return AttemptResult(0, _ms(started), f"no answer within {self._timeout_s:g} s")
        except httpx.HTTPError as exc:
            return AttemptResult(0, _ms(started), f"the request failed: {type(exc).__name__}")
        error = "" if 200 <= status < 300 else _error(status)
        return AttemptResult(status, _ms(started), error, head, retry_after)

    async def _post(self, url: str, body: bytes,
                    headers: dict[str, str]) -> tuple[int, str, float | None]:
        async with self._client.stream("POST", url, content=body, headers=headers) as response:
            head = b""
            async for chunk in response.aiter_bytes():
                head += chunk
                if len(head) >= BODY_KEPT:
                    break
            text = head[:BODY_KEPT].decode(errors="replace").replace("\x00", "")
            return (response.status_code, text,
                    parse_retry_after(response.headers.get("Retry-After")))


def _error(status: int) -> str:
    if 300 <= status < 400:
        return f"answered {status}: redirects are not followed (register the final URL)"
    return f"answered {status}"


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
