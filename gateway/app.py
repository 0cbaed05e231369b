"""create_app(settings): the public edge — REST, GraphQL, webhooks, SSE, health. (Metrics are
served on their own port: switchboard/platform.py, `http_metrics.metrics_app`.)"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from clients.rpc import topics
from clients.rpc.agent import AgentClient
from clients.rpc.analytics import AnalyticsClient
from clients.rpc.base import open_channel
from clients.rpc.channels import ChannelsClient
from clients.rpc.conversations import ConversationsClient
from clients.rpc.integrations import IntegrationsClient
from clients.rpc.knowledge import KnowledgeClient
from clients.rpc.quotas import QuotaUsageClient
from clients.rpc.scheduling import SchedulingClient
from gateway import health
from gateway.agent.rest import knowledge
from gateway.body_limit import BodyLimit, BodyLimits
from gateway.config import GatewaySettings
from gateway.conversations.rest import media
from gateway.errors import UnexpectedErrors, install_error_handlers
from gateway.exports.jobs import Exports
from gateway.graphql.router import graphql_router
from gateway.http_metrics import HttpMetricsMiddleware
from gateway.identity.service import IdentityService
from gateway.limits.early import EarlyRefusal
from gateway.limits.limiter import RateLimiter
from gateway.openapi import install_docs, install_openapi
from gateway.plans.usage import PlanUsage
from gateway.rest import api_router
from gateway.security_headers import SecurityHeaders, page_policy
from gateway.state import GatewayState
from gateway.web import install_web
from gateway.webhooks.avito import webhook_ingress
from gateway.webhooks.ingress import PREFIX as WEBHOOKS
from gateway.webhooks.ingress import (
    TELEGRAM_CHANNEL_PREFIX,
    TELEGRAM_PREFIX,
    AvitoWebhookIngress,
    TelegramChannelIngress,
    TelegramWebhookIngress,
)
from services.kernel.bus import Bus
from services.kernel.db import Database

DESCRIPTION = """Switchboard: every buyer conversation from every marketplace account in one inbox.

Authenticate with `Authorization: Bearer sb_...` (an API key) or a browser session from
`POST /v1/auth/login`. Errors are `application/problem+json`. Live events: `GET /v1/events` (SSE)
or the GraphQL subscription `conversationEvents` at `/graphql`."""


def create_app(settings: GatewaySettings) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = await _connect(settings)
        app.state.gateway = state
        state.webhooks.recovery.start()  # channels syncs what arrived while no gateway listened
        try:
            yield
        finally:
            state.closing.set()
            await state.webhooks.recovery.close()
            await state.exports.close()
            await state.conversations.channel.close()
            await state.channels.channel.close()
            await state.agent.channel.close()
            await state.knowledge.channel.close()
            await state.scheduling.channel.close()
            await state.analytics.channel.close()
            await state.integrations.channel.close()
            await state.bus.close()
            await state.db.dispose()

    # FastAPI's own OpenTelemetry is off: HttpMetricsMiddleware already makes the server span
    # and the RED metrics (with our bounded labels); both would double every request's cost.
    app = FastAPI(title="Switchboard API", version="1.0.0", description=DESCRIPTION,
                  lifespan=lifespan, telemetry={"tracing": False, "metrics": False, "logs": False},
                  docs_url=None, redoc_url=None)
    install_error_handlers(app)
    install_openapi(app)
    graphql = graphql_router(settings)
    pages = {"/docs": page_policy(install_docs(app))}
    if settings.graphql_ide:
        pages["/graphql"] = page_policy(graphql.graphql_ide_html)
    # The last added runs first: security headers on every response; metrics and the span
    # around everything else, then the catch-all for crashes (inside the span: its correlation
    # id is the trace id), then the refusal of a caller the rate limits have just refused (before
    # anything of the request is read: limits/early.py), then the bound on bodies, ahead of
    # every route and the webhooks.
    app.add_middleware(TelegramChannelIngress)
    app.add_middleware(TelegramWebhookIngress)  # asked after Avito's ingress, the hot path
    app.add_middleware(AvitoWebhookIngress)  # inside the metrics: measured like any route
    app.add_middleware(BodyLimit, limits=body_limits(settings))
    app.add_middleware(EarlyRefusal)
    app.add_middleware(UnexpectedErrors)
    app.add_middleware(HttpMetricsMiddleware)
    app.add_middleware(SecurityHeaders, pages=pages,
                       hsts=settings.public_base_url.startswith("https://"))
    app.include_router(health.router)
    app.include_router(api_router, prefix="/v1")
    app.include_router(graphql, prefix="/graphql")
    # Last: never ahead of the API's routes.
    install_web(app, settings.web_dist_dir, settings.avito_sandbox_url)
    return app


def body_limits(settings: GatewaySettings) -> BodyLimits:
    """JSON and GraphQL small; uploads by their domains' limits; webhooks by their own."""
    return BodyLimits(
        default=settings.http_max_body_bytes,
        routes={("POST", "/v1/media"): media.MAX_BODY_BYTES,
                ("POST", "/v1/agent/knowledge/documents"): knowledge.MAX_BODY_BYTES},
        prefixes=[(WEBHOOKS, settings.webhook_max_body_bytes),
                  (TELEGRAM_PREFIX, settings.webhook_max_body_bytes),
                  (TELEGRAM_CHANNEL_PREFIX, settings.webhook_max_body_bytes)],
        idle_timeout_s=settings.http_body_idle_timeout_s, timeout_s=settings.http_body_timeout_s,
        upload_timeout_s=settings.http_upload_timeout_s)


def begin_shutdown(app: FastAPI) -> None:
    """End every open live stream (SSE, GraphQL WebSockets) now, each with a final event or close
    code telling its client to reconnect. Call it before stopping the HTTP server: uvicorn waits
    for open responses to finish before it runs the lifespan's exit, so an SSE stream would
    otherwise hold the process."""
    state: GatewayState | None = getattr(app.state, "gateway", None)
    if state is not None:
        state.closing.set()


async def _connect(settings: GatewaySettings) -> GatewayState:
    caller = settings.caller("gateway")
    db = Database(settings.database_url, pool_size=settings.database_pool_size)
    bus = await Bus.connect_as(settings, "gateway")
    await bus.require_streams(topics.STREAMS)
    channels = ChannelsClient(open_channel(settings.channels_target, caller), caller)
    conversations = ConversationsClient(open_channel(settings.conversations_target, caller),
                                        caller)
    agent = AgentClient(open_channel(settings.agent_target, caller), caller)
    return GatewayState(
        settings=settings, db=db, bus=bus,
        identity=IdentityService(db, settings),
        conversations=conversations, exports=Exports(db, conversations, channels),
        channels=channels,
        agent=agent,
        knowledge=KnowledgeClient(open_channel(settings.agent_target, caller), caller),
        scheduling=SchedulingClient(open_channel(settings.scheduling_target, caller), caller),
        analytics=AnalyticsClient(open_channel(settings.analytics_target, caller), caller),
        integrations=IntegrationsClient(open_channel(settings.integrations_target, caller),
                                        caller),
        quotas=PlanUsage([QuotaUsageClient(client.channel, caller)  # their channels, shared
                          for client in (channels, conversations, agent)]),
        webhooks=webhook_ingress(settings, bus, channels),
        limiter=RateLimiter(db) if settings.rate_limits else None)
