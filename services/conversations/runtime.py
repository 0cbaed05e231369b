"""Builds the conversations service process: gRPC server, outbox relay, consumers."""

from __future__ import annotations

from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2_grpc as rpc
from services.conversations.consumers import ConversationConsumers
from services.conversations.events import ConversationEvents
from services.conversations.ingest import Ingestor
from services.conversations.models import OutboxEvent
from services.conversations.service import ConversationsService
from services.conversations.servicer import ConversationsServicer
from services.kernel.bus import Bus
from services.kernel.config import KernelSettings
from services.kernel.db import Database
from services.kernel.grpc_server import GrpcServer, ServiceBinding
from services.kernel.outbox import Outbox, OutboxRelay
from services.kernel.runtime import ServiceRuntime, listen_address

SERVICE_NAME = "switchboard.conversations.v1.ConversationsService"


async def build_runtime(settings: KernelSettings) -> ServiceRuntime:
    db = Database(settings.database_url, pool_size=settings.database_pool_size)
    bus = await Bus.connect(settings.nats_url, name="conversations",
                            replicas=settings.stream_replicas)
    await bus.ensure_streams()
    outbox = Outbox(OutboxEvent)
    events = ConversationEvents(outbox)
    servicer = ConversationsServicer(db, ConversationsService(events))
    grpc_server = GrpcServer(
        [ServiceBinding(rpc.add_ConversationsServiceServicer_to_server, servicer, SERVICE_NAME)],
        service_token=settings.service_token.get_secret_value(),
        address=listen_address(settings.conversations_target, settings.grpc_listen))
    return ServiceRuntime(
        name="conversations", db=db, bus=bus, grpc=grpc_server,
        relays=[OutboxRelay(db, bus, outbox)],
        consumers=ConversationConsumers(db, Ingestor(events)).specs())
