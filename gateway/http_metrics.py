"""HTTP RED metrics labelled by route template (never the raw path), a server span per request
so one trace runs from the HTTP call through gRPC and NATS, and `metrics_app`: /metrics on a
port of its own (SWITCHBOARD_METRICS_PORT), which the Ingress does not route."""

from __future__ import annotations

import time

from opentelemetry import context as otel_context
from opentelemetry import trace
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.kernel.telemetry import extract_trace_context, tracer

HTTP_REQUESTS = Counter(
    "switchboard_http_requests_total", "HTTP requests", ["route", "method", "status"])
HTTP_LATENCY = Histogram(
    "switchboard_http_request_duration_seconds", "HTTP request time", ["route", "method"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))

_SKIP = {"/healthz", "/readyz"}
# Only these request headers matter to the propagator (W3C trace context and baggage).
_TRACE_HEADERS = {b"traceparent", b"tracestate", b"baggage"}
_tracer = tracer("switchboard.http")


class HttpMetricsMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware) so streaming responses such as SSE are untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in _SKIP:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        carrier = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])
                   if k in _TRACE_HEADERS}
        token = otel_context.attach(extract_trace_context(carrier))  # type: ignore[arg-type]
        span = _tracer.start_span(f"{scope['method']} {scope['path']}", kind=trace.SpanKind.SERVER,
                                  attributes={"http.request.method": scope["method"]})

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            with trace.use_span(span, end_on_exit=False):
                await self.app(scope, receive, send_wrapper)
        finally:
            template = route_template(scope)
            span.update_name(f"{scope['method']} {template}")
            span.set_attribute("http.route", template)
            span.set_attribute("http.response.status_code", status)
            span.end()
            otel_context.detach(token)
            HTTP_REQUESTS.labels(template, scope["method"], str(status)).inc()
            HTTP_LATENCY.labels(template, scope["method"]).observe(time.perf_counter() - started)


def route_template(scope: Scope) -> str:
    """The matched route's template with the prefixes of included routers (FastAPI >= 0.16x
    keeps those in its effective route context; `scope["route"]` has the router-local path)."""
    if "route_template" in scope:  # set by routes served outside FastAPI's router
        return str(scope["route_template"])
    effective = scope.get("fastapi", {}).get("effective_route_context")
    route = scope.get("route")
    for candidate in (getattr(effective, "path_format", None), getattr(route, "path_format", None),
                      getattr(route, "path", None)):
        if candidate:
            return str(candidate)
    return "unmatched"


async def _metrics(_: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def metrics_app() -> Starlette:
    """The process's metrics (every component's, in `serve all`), for Prometheus alone."""
    return Starlette(routes=[Route("/metrics", _metrics)])
