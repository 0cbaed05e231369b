"""Builds the conversations service process: gRPC server, outbox relay, consumers."""

from __future__ import annotations

from clients.rpc import permissions, topics
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2_grpc as rpc
from clients.rpc.gen.switchboard.quotas.v1 import quotas_service_pb2_grpc as quotas_rpc
from clients.rpc.gen.switchboard.scheduling.v1 import platform_jobs_pb2_grpc as jobs_rpc
from clients.rpc.platform_jobs import (
    RUNNER_SERVICE_NAME,
    RUNNER_TENANTLESS,
    PlatformJobRunnerServicer,
)
from clients.rpc.quotas import QUOTA_USAGE_SERVICE_NAME
from services.conversations.consumers import ConversationConsumers
from services.conversations.inbox.snooze import Waker
from services.conversations.ingest.inbound import Ingestor
from services.conversations.models import OutboxEvent
from services.conversations.quotas.service import MonthlyMessages
from services.conversations.quotas.servicer import usage_servicer
from services.conversations.repository import ConversationsUnit
from services.conversations.service import ConversationsService
from services.conversations.servicer import ConversationsServicer
from services.kernel.config import KernelSettings
from services.kernel.grpc_server import GrpcServer, ServiceBinding
from services.kernel.outbox import Outbox, OutboxRelay
from services.kernel.plan_book import PlanBook
from services.kernel.plans import Catalogue
from services.kernel.repository import Cursors
from services.kernel.runtime import ServiceRuntime, connect, listen_address
from services.kernel.unit import Units

SERVICE_NAME = "switchboard.conversations.v1.ConversationsService"


async def build_runtime(settings: KernelSettings) -> ServiceRuntime:
    catalogue = Catalogue.from_settings(settings.plans, settings.default_plan)
    db, bus = await connect(settings, topics.STREAMS, "conversations")
    units = Units(db, ConversationsUnit, Outbox(OutboxEvent),
                  cursors=Cursors.from_secret(settings.secret_key))
    messages = MonthlyMessages(
        await PlanBook(bus, topics.PLANS, catalogue, settings.plan_cache_s).require())
    servicer = ConversationsServicer(units, ConversationsService(messages))
    # The platform job this component owns, run when the scheduling service asks.
    runner = PlatformJobRunnerServicer({"conversations.wake_snoozed": Waker(units).round})
    grpc_server = GrpcServer(
        [ServiceBinding(rpc.add_ConversationsServiceServicer_to_server, servicer, SERVICE_NAME),
         ServiceBinding(jobs_rpc.add_PlatformJobRunnerServicer_to_server, runner,
                        RUNNER_SERVICE_NAME),
         ServiceBinding(quotas_rpc.add_QuotaUsageServiceServicer_to_server,
                        usage_servicer(units, messages), QUOTA_USAGE_SERVICE_NAME)],
        settings=settings, accepts=permissions.CALLERS["conversations"],
        address=listen_address(settings.conversations_target, settings.grpc_listen),
        tenantless=RUNNER_TENANTLESS, own=permissions.own_rpcs("conversations", SERVICE_NAME))
    return ServiceRuntime(
        name="conversations", db=db, bus=bus, grpc=grpc_server,
        relays=[OutboxRelay(db, bus, units.outbox)],
        consumers=ConversationConsumers(units, Ingestor(), messages).specs())
