"""`POST /webhooks/avito/{channel_id}/{webhook_token}` and `POST /webhooks/telegram/{bot_id}` as
plain ASGI, ahead of FastAPI's router.

The busiest route of the platform (every buyer message of every tenant) needs none of the
framework's routing, dependency injection or body models, and its per-request cost is what
bounds ingress (docs/performance.md, scenario 1). It sits inside HttpMetricsMiddleware, so it
is measured and traced like any route; errors are problem+json like everywhere else. Any other
request passes through untouched.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.errors import ProblemError, problem
from gateway.state import GatewayState
from gateway.webhooks import telegram, telegram_channel
from gateway.webhooks.avito import SIGNATURE_HEADER, accept

PREFIX = "/webhooks/avito/"
ROUTE = "/webhooks/avito/{channel_id}/{webhook_token}"
TELEGRAM_PREFIX = "/webhooks/telegram/"
TELEGRAM_ROUTE = "/webhooks/telegram/{bot_id}"
TELEGRAM_CHANNEL_PREFIX = "/webhooks/telegram-channel/"
TELEGRAM_CHANNEL_ROUTE = "/webhooks/telegram-channel/{channel_id}"
_SIGNATURE = SIGNATURE_HEADER.encode()
_SECRET = telegram.SECRET_HEADER.encode()
_OK = b'{"ok":true}'


class _WebhookIngress(ABC):
    """One webhook route: `parts` path segments after `prefix`, POST only, the body bounded
    before it is read, `accept` verifies and publishes (or raises ProblemError), 200 after."""

    prefix: str
    route: str
    parts: int

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        parts = scope["path"][len(self.prefix):].split("/") \
            if scope["type"] == "http" and scope["path"].startswith(self.prefix) else []
        if len(parts) != self.parts or not all(parts):
            await self.app(scope, receive, send)
            return
        scope["route_template"] = self.route  # for HttpMetricsMiddleware's labels and span name
        if scope["method"] != "POST":
            await problem(405, "use POST", headers={"Allow": "POST"})(scope, receive, send)
            return
        state: GatewayState = scope["app"].state.gateway
        try:
            body = await _read_body(scope, receive, state.settings.webhook_max_body_bytes)
            await self.accept(state, parts, scope["headers"], body)
        except ProblemError as exc:
            await problem(exc.status, exc.detail, headers=exc.headers)(scope, receive, send)
            return
        await _ok(send)

    @abstractmethod
    async def accept(self, state: GatewayState, parts: list[str],
                     headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        """Verify and publish one delivery; ProblemError says why not."""


class AvitoWebhookIngress(_WebhookIngress):
    prefix, route, parts = PREFIX, ROUTE, 2

    async def accept(self, state: GatewayState, parts: list[str],
                     headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        await accept(state, parts[0], parts[1], _header(headers, _SIGNATURE), body)


class TelegramWebhookIngress(_WebhookIngress):
    """Tenants' bots' updates (`gateway/webhooks/telegram.py`)."""

    prefix, route, parts = TELEGRAM_PREFIX, TELEGRAM_ROUTE, 1

    async def accept(self, state: GatewayState, parts: list[str],
                     headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        await telegram.accept_update(state.webhooks.telegram, state.bus,
                                     state.settings.webhook_handoff_timeout_s, parts[0],
                                     _header(headers, _SECRET), body)


class TelegramChannelIngress(_WebhookIngress):
    """Tenants' Telegram customer channels' updates (`gateway/webhooks/telegram_channel.py`)."""

    prefix, route, parts = TELEGRAM_CHANNEL_PREFIX, TELEGRAM_CHANNEL_ROUTE, 1

    async def accept(self, state: GatewayState, parts: list[str],
                     headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        await telegram_channel.accept_channel_update(
            state.webhooks.resolver, state.bus, state.settings.webhook_handoff_timeout_s,
            parts[0], _header(headers, _SECRET), body)


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str:
    return next((v.decode("latin-1") for k, v in headers if k == name), "")


async def _ok(send: Send) -> None:
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(_OK)).encode())]})
    await send({"type": "http.response.body", "body": _OK})


async def _read_body(scope: Scope, receive: Receive, limit: int) -> bytes:
    declared = next((v for k, v in scope["headers"] if k == b"content-length"), b"")
    if declared.isdigit() and int(declared) > limit:
        raise ProblemError(413, f"body larger than {limit} bytes")
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ProblemError(400, "the client went away before the body arrived")
        body += message.get("body", b"")
        if len(body) > limit:
            raise ProblemError(413, f"body larger than {limit} bytes")
        if not message.get("more_body", False):
            return bytes(body)
