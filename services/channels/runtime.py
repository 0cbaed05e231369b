"""Wiring of the channels process: database, bus, Avito HTTP client, gRPC, relay, consumers."""

from __future__ import annotations

from dataclasses import dataclass

import grpc
import httpx

from clients.rpc import permissions, topics
from clients.rpc.base import open_channel
from clients.rpc.conversations import ConversationsClient
from clients.rpc.gen.switchboard.channels.v1 import avito_statistics_pb2_grpc as stats_grpc
from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2_grpc as pb_grpc
from clients.rpc.gen.switchboard.channels.v1 import telegram_delivery_pb2_grpc as delivery_grpc
from clients.rpc.gen.switchboard.quotas.v1 import quotas_service_pb2_grpc as quotas_grpc
from clients.rpc.gen.switchboard.scheduling.v1 import platform_jobs_pb2_grpc as jobs_grpc
from clients.rpc.platform_jobs import (
    RUNNER_SERVICE_NAME,
    RUNNER_TENANTLESS,
    PlatformJobRunnerServicer,
)
from clients.rpc.quotas import QUOTA_USAGE_SERVICE_NAME
from services.channels.accounts.health import TokenHealth
from services.channels.accounts.tokens import persisted_rotation, token_persister
from services.channels.avito.pool import AvitoClients
from services.channels.bots.delivery import BotMessages
from services.channels.bots.servicer import TelegramDeliveryServicer
from services.channels.config import ChannelsSettings
from services.channels.consumers import ChannelsConsumers
from services.channels.messaging.media import media_from
from services.channels.models import OutboxEvent
from services.channels.quotas.service import AccountSlots
from services.channels.quotas.servicer import usage_servicer
from services.channels.repository import ChannelsUnit
from services.channels.service import ChannelsService
from services.channels.servicer import SERVICE_NAME, TENANTLESS, ChannelsServicer
from services.channels.statistics.fetch import StatisticsFetcher
from services.channels.statistics.servicer import (
    STATISTICS_SERVICE_NAME,
    AvitoStatisticsServicer,
)
from services.channels.sync.listings import ListingRefresher
from services.channels.sync.reconcile import Reconciler
from services.channels.sync.scheduler import SyncScheduler
from services.channels.telegram.client import TelegramApi, TelegramRetry
from services.kernel.crypto import SecretBox
from services.kernel.grpc_server import GrpcServer, ServiceBinding
from services.kernel.outbox import Outbox, OutboxRelay
from services.kernel.plan_book import PlanBook
from services.kernel.plans import Catalogue
from services.kernel.repository import Cursors
from services.kernel.runtime import ServiceRuntime, connect, listen_address
from services.kernel.unit import Units

DELIVERY_SERVICE_NAME = "switchboard.channels.v1.TelegramDeliveryService"


@dataclass
class ChannelsRuntime(ServiceRuntime):
    """The kernel runtime plus the shared Avito HTTP client, closed once consumers are done."""

    http: httpx.AsyncClient | None = None
    telegram: TelegramApi | None = None
    sync: SyncScheduler | None = None
    # To the conversations service, which owns the files attached to replies.
    conversations: grpc.aio.Channel | None = None

    async def close(self, grace_s: float = 10) -> None:
        await super().close(grace_s)
        if self.http is not None:
            await self.http.aclose()
        if self.telegram is not None:
            await self.telegram.close()
        if self.conversations is not None:
            await self.conversations.close()


async def build_runtime(settings: ChannelsSettings) -> ServiceRuntime:
    box = SecretBox(settings.secret_key.get_secret_value())
    catalogue = Catalogue.from_settings(settings.plans, settings.default_plan)
    db, bus = await connect(settings, topics.STREAMS, "channels")
    plans = await PlanBook(bus, topics.PLANS, catalogue, settings.plan_cache_s).require()
    units = Units(db, ChannelsUnit, Outbox(OutboxEvent),
                  cursors=Cursors.from_secret(settings.secret_key))
    http = httpx.AsyncClient(timeout=settings.avito_timeout_s, limits=httpx.Limits(
        max_connections=200, max_keepalive_connections=50))
    clients = AvitoClients(http, settings, box, token_persister(units, box),
                           persisted_rotation(units, box))
    telegram = TelegramApi(settings.telegram_api_base_url, settings.telegram_timeout_s,
                           TelegramRetry(settings.telegram_max_attempts,
                                         settings.telegram_backoff_base_s,
                                         settings.telegram_backoff_max_s,
                                         settings.telegram_retry_after_max_s))
    service = ChannelsService(settings, box, clients, telegram, AccountSlots(plans))
    caller = settings.caller("channels")
    conversations = open_channel(settings.conversations_target, caller)
    media = media_from(ConversationsClient(conversations, caller))
    listings = ListingRefresher(units, clients, settings.listing_ttl_s)
    consumers = ChannelsConsumers(settings, units, bus, clients, media, listings,
                                  service.telegram)
    scheduler = SyncScheduler(
        units, Reconciler(units, bus, clients, listings, settings.sync_overlap_s), settings,
        on_start=lambda: service.catch_up(units, "channels started"))
    if settings.sync_on_request:
        service.sync_requested = scheduler.request
    # Platform jobs this component owns, run when the scheduling service asks.
    rounds = {"channels.reconcile": scheduler.round,
              "channels.token_health": TokenHealth(units, clients, settings).round}
    grpc = GrpcServer(
        [ServiceBinding(pb_grpc.add_ChannelsServiceServicer_to_server,
                        ChannelsServicer(units, service), SERVICE_NAME),
         ServiceBinding(delivery_grpc.add_TelegramDeliveryServiceServicer_to_server,
                        TelegramDeliveryServicer(units, BotMessages(box, telegram)),
                        DELIVERY_SERVICE_NAME),
         ServiceBinding(stats_grpc.add_AvitoStatisticsServiceServicer_to_server,
                        AvitoStatisticsServicer(StatisticsFetcher(units, clients)),
                        STATISTICS_SERVICE_NAME),
         ServiceBinding(jobs_grpc.add_PlatformJobRunnerServicer_to_server,
                        PlatformJobRunnerServicer(rounds), RUNNER_SERVICE_NAME),
         ServiceBinding(quotas_grpc.add_QuotaUsageServiceServicer_to_server,
                        usage_servicer(units, plans), QUOTA_USAGE_SERVICE_NAME)],
        settings=settings, accepts=permissions.CALLERS["channels"],
        address=listen_address(settings.channels_target, settings.grpc_listen),
        tenantless=TENANTLESS | RUNNER_TENANTLESS,
        own=permissions.own_rpcs("channels", SERVICE_NAME),
        shared=permissions.shared_rpcs("channels", SERVICE_NAME))
    return ChannelsRuntime(
        name="channels", db=db, bus=bus, grpc=grpc, relays=[OutboxRelay(db, bus, units.outbox)],
        consumers=consumers.specs(), loops=[scheduler.serve_requests], http=http, telegram=telegram,
        sync=scheduler, conversations=conversations)
