"""Builds the integrations service process: gRPC WebhooksService, the durable consumer that
fans public conversation events out to endpoints, the dispatcher loop that sends them, and the
outbox relay of its own events (EndpointPaused / EndpointResumed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from clients.rpc import permissions, topics
from clients.rpc.gen.switchboard.integrations.v1 import webhooks_service_pb2_grpc as rpc
from services.integrations.config import IntegrationsSettings
from services.integrations.consumers import consumer_specs
from services.integrations.models import OutboxEvent
from services.integrations.repository import IntegrationsUnit
from services.integrations.service import WebhooksService
from services.integrations.servicer import SERVICE_NAME, WebhooksServicer
from services.integrations.webhooks.dispatch import Dispatcher
from services.integrations.webhooks.sender import Sender
from services.kernel.crypto import SecretBox
from services.kernel.grpc_server import GrpcServer, ServiceBinding
from services.kernel.outbox import Outbox, OutboxRelay
from services.kernel.repository import Cursors
from services.kernel.runtime import ServiceRuntime, connect, listen_address
from services.kernel.unit import Units
from services.kernel.urls import OutboundGuard


@dataclass
class IntegrationsRuntime(ServiceRuntime):
    """The kernel runtime plus the dispatcher and its HTTP client, closed after it stopped."""

    dispatcher: Dispatcher | None = None
    sender: Sender | None = None

    async def close(self, grace_s: float = 10) -> None:
        await super().close(grace_s)
        if self.sender is not None:
            await self.sender.close()


async def build_runtime(settings: IntegrationsSettings,
                        now: Callable[[], datetime] | None = None) -> IntegrationsRuntime:
    """`now`: the dispatcher's and the service's clock (the system clock unless a test's)."""
    db, bus = await connect(settings, topics.STREAMS, "integrations")
    units = Units(db, IntegrationsUnit, Outbox(OutboxEvent),
                  cursors=Cursors.from_secret(settings.secret_key))
    box = SecretBox(settings.secret_key.get_secret_value())
    guard = OutboundGuard(settings.outbound_allow)
    sender = Sender(guard, settings.webhooks_timeout_s, settings.webhooks_concurrency)
    dispatcher = Dispatcher(units, sender, box, settings, now)
    service = WebhooksService(box, guard, retry_window_s=settings.webhooks_retry_window_s,
                              max_endpoints=settings.webhooks_max_endpoints, now=now,
                              wake=dispatcher.wake)
    grpc_server = GrpcServer(
        [ServiceBinding(rpc.add_WebhooksServiceServicer_to_server,
                        WebhooksServicer(units, service), SERVICE_NAME)],
        settings=settings, accepts=permissions.CALLERS["integrations"],
        address=listen_address(settings.integrations_target, settings.grpc_listen))
    return IntegrationsRuntime(
        name="integrations", db=db, bus=bus, grpc=grpc_server,
        relays=[OutboxRelay(db, bus, units.outbox)],
        consumers=consumer_specs(units, dispatcher.wake), loops=[dispatcher.run],
        dispatcher=dispatcher, sender=sender)
