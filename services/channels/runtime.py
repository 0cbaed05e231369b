"""Wiring of the channels process: database, bus, Avito HTTP client, gRPC, relay, consumers."""

from __future__ import annotations

from dataclasses import dataclass

import grpc
import httpx

from clients.rpc import topics
from clients.rpc.base import open_channel
from clients.rpc.conversations import ConversationsClient
from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2_grpc as pb_grpc
from services.channels.avito.pool import AvitoClients
from services.channels.config import ChannelsSettings
from services.channels.consumers import ChannelsConsumers
from services.channels.deletion import MessageDeleter
from services.channels.listings import ListingRefresher, ListingsConsumer
from services.channels.oauth import persisted_rotation
from services.channels.outbound import OutboundSender, ReadMarker
from services.channels.parts import media_from
from services.channels.reconcile import Reconciler
from services.channels.repository import Transactions
from services.channels.service import ChannelsService, token_persister
from services.channels.servicer import SERVICE_NAME, TENANTLESS, ChannelsServicer
from services.channels.sync import SyncScheduler
from services.kernel.crypto import SecretBox
from services.kernel.grpc_server import GrpcServer, ServiceBinding
from services.kernel.outbox import OutboxRelay
from services.kernel.runtime import ServiceRuntime, connect, listen_address


@dataclass
class ChannelsRuntime(ServiceRuntime):
    """The kernel runtime plus the shared Avito HTTP client, closed once consumers are done."""

    http: httpx.AsyncClient | None = None
    sync: SyncScheduler | None = None
    # To the conversations service, which owns the files attached to replies.
    conversations: grpc.aio.Channel | None = None

    async def stop(self, grace_s: float = 10) -> None:
        await super().stop(grace_s)
        if self.http is not None:
            await self.http.aclose()
        if self.conversations is not None:
            await self.conversations.close()


async def build_runtime(settings: ChannelsSettings) -> ServiceRuntime:
    box = SecretBox(settings.secret_key.get_secret_value())
    db, bus = await connect(settings, topics.STREAMS)
    http = httpx.AsyncClient(timeout=settings.avito_timeout_s, limits=httpx.Limits(
        max_connections=200, max_keepalive_connections=50))
    tx = Transactions(db)
    clients = AvitoClients(http, settings, box, token_persister(tx, box),
                           persisted_rotation(tx, box))
    service = ChannelsService(settings, box, clients)
    conversations = open_channel(settings.conversations_target)
    media = media_from(ConversationsClient(conversations,
                                           settings.service_token.get_secret_value()))
    consumers = ChannelsConsumers(
        settings, tx, bus, service,
        OutboundSender(tx, clients, settings.send_max_deliveries, media), ReadMarker(tx, clients),
        MessageDeleter(tx, clients, settings.send_max_deliveries))
    grpc = GrpcServer(
        [ServiceBinding(pb_grpc.add_ChannelsServiceServicer_to_server,
                        ChannelsServicer(tx, service), SERVICE_NAME)],
        service_token=settings.service_token.get_secret_value(),
        address=listen_address(settings.channels_target, settings.grpc_listen),
        tenantless=TENANTLESS)
    listings = ListingRefresher(tx, clients, settings.listing_ttl_s)
    scheduler = SyncScheduler(
        tx, Reconciler(tx, bus, clients, listings, settings.sync_overlap_s), settings)
    return ChannelsRuntime(
        name="channels", db=db, bus=bus, grpc=grpc, relays=[OutboxRelay(db, bus, tx.outbox)],
        consumers=[*consumers.specs(),
                   ListingsConsumer(listings, settings.send_retry_backoff_s).spec()],
        loops=[scheduler.run], http=http, sync=scheduler, conversations=conversations)
