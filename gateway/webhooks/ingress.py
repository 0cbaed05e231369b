"""`POST /webhooks/avito/{channel_id}/{webhook_token}` as plain ASGI, ahead of FastAPI's router.

The busiest route of the platform (every buyer message of every tenant) needs none of the
framework's routing, dependency injection or body models, and its per-request cost is what
bounds ingress (docs/performance.md, scenario 1). It sits inside HttpMetricsMiddleware, so it
is measured and traced like any route; errors are problem+json like everywhere else. Any other
request passes through untouched.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.errors import ProblemError, problem
from gateway.state import GatewayState
from gateway.webhooks.avito import SIGNATURE_HEADER, accept

PREFIX = "/webhooks/avito/"
ROUTE = "/webhooks/avito/{channel_id}/{webhook_token}"
_SIGNATURE = SIGNATURE_HEADER.encode()
_OK = b'{"ok":true}'


class AvitoWebhookIngress:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        parts = scope["path"][len(PREFIX):].split("/") \
            if scope["type"] == "http" and scope["path"].startswith(PREFIX) else []
        if len(parts) != 2 or not all(parts):
            await self.app(scope, receive, send)
            return
        scope["route_template"] = ROUTE  # for HttpMetricsMiddleware's labels and span name
        if scope["method"] != "POST":
            await problem(405, "use POST", headers={"Allow": "POST"})(scope, receive, send)
            return
        state: GatewayState = scope["app"].state.gateway
        try:
            body = await _read_body(scope, receive, state.settings.webhook_max_body_bytes)
            signature = next((v.decode("latin-1") for k, v in scope["headers"] if k == _SIGNATURE), "")
            await accept(state, parts[0], parts[1], signature, body)
        except ProblemError as exc:
            await problem(exc.status, exc.detail, headers=exc.headers)(scope, receive, send)
            return
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
