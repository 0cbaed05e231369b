"""What the gateway holds for its lifetime (connections, clients, webhook ingress), built once in
create_app's lifespan, and `State`: the dependency that hands it to a route."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from clients.rpc.agent import AgentClient
from clients.rpc.analytics import AnalyticsClient
from clients.rpc.channels import ChannelsClient
from clients.rpc.conversations import ConversationsClient
from clients.rpc.integrations import IntegrationsClient
from clients.rpc.knowledge import KnowledgeClient
from clients.rpc.scheduling import SchedulingClient
from gateway.config import GatewaySettings
from gateway.exports.jobs import Exports
from gateway.identity.service import IdentityService
from gateway.limits.limiter import RateLimiter
from gateway.plans.usage import PlanUsage
from gateway.webhooks.fairness import TenantLanes
from gateway.webhooks.recovery import HandoffRecovery
from gateway.webhooks.resolver import WebhookResolver
from gateway.webhooks.telegram import TelegramBotResolver
from services.kernel.bus import Backlog, Bus
from services.kernel.db import Database


@dataclass
class WebhookState:
    """Webhook ingress, per process: who owns a URL (cached), each tenant's lane, whether
    the overflow lane is backed up (answers slow down while it is), and the deliveries it
    answered 503, retried until JetStream takes them (`gateway/webhooks/avito.webhook_ingress`
    builds it); and whose Telegram bot an update's URL names (cached: `webhooks/telegram.py`)."""

    resolver: WebhookResolver
    lanes: TenantLanes
    overflow_backlog: Backlog
    recovery: HandoffRecovery
    telegram: TelegramBotResolver


@dataclass
class GatewayState:
    settings: GatewaySettings
    db: Database
    bus: Bus
    identity: IdentityService
    conversations: ConversationsClient
    channels: ChannelsClient
    agent: AgentClient
    knowledge: KnowledgeClient
    scheduling: SchedulingClient
    analytics: AnalyticsClient
    integrations: IntegrationsClient  # outgoing webhooks (gateway/integrations)
    quotas: PlanUsage  # the plan's quotas as the enforcing services count them (gateway/plans)
    webhooks: WebhookState
    # Export jobs (gateway/exports): their rows and files in PostgreSQL, run where requested.
    exports: Exports
    # The API's rate limits (gateway/limits/); None when the settings turn them off.
    limiter: RateLimiter | None = None
    # Set when the gateway begins to shut down: every open live stream ends with a final event
    # (SSE) or close code (WebSocket) telling clients to reconnect.
    closing: asyncio.Event = field(default_factory=asyncio.Event)


def get_state(request: Request) -> GatewayState:
    state: GatewayState = request.app.state.gateway
    return state


# In routes: `state: State`.
State = Annotated[GatewayState, Depends(get_state)]
