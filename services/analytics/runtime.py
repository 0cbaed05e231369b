"""Builds the analytics service process: gRPC server and the projections' consumers."""

from __future__ import annotations

from clients.rpc import permissions, topics
from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.analytics.v1 import analytics_service_pb2_grpc as rpc
from clients.rpc.gen.switchboard.scheduling.v1 import platform_jobs_pb2_grpc as jobs_rpc
from clients.rpc.platform_jobs import (
    RUNNER_SERVICE_NAME,
    RUNNER_TENANTLESS,
    PlatformJobRunnerServicer,
)
from services.analytics.avito.wiring import AnalyticsRuntime, AvitoStatistics
from services.analytics.consumers import AnalyticsConsumers
from services.analytics.reports.accounts import AccountDirectory
from services.analytics.reports.service import ReportService
from services.analytics.repository import AnalyticsUnit
from services.analytics.servicer import AnalyticsServicer
from services.kernel.config import KernelSettings
from services.kernel.grpc_server import GrpcServer, ServiceBinding
from services.kernel.runtime import ServiceRuntime, connect, listen_address
from services.kernel.unit import Units

SERVICE_NAME = "switchboard.analytics.v1.AnalyticsService"


async def build_runtime(settings: KernelSettings) -> ServiceRuntime:
    db, bus = await connect(settings, topics.STREAMS, "analytics")
    units = Units(db, AnalyticsUnit)
    avito = AvitoStatistics.build(settings, units)
    # On the channel to channels the Avito statistics use.
    accounts = AccountDirectory(ChannelsClient(avito.channel, settings.caller("analytics")),
                                ttl_s=getattr(settings, "accounts_cache_s", 30.0))
    servicer = AnalyticsServicer(units, ReportService(units, avito.source, accounts))
    # The platform job this component owns, run when the scheduling service asks.
    runner = PlatformJobRunnerServicer({"analytics.avito_statistics": avito.refresher.round})
    grpc_server = GrpcServer(
        [ServiceBinding(rpc.add_AnalyticsServiceServicer_to_server, servicer, SERVICE_NAME),
         ServiceBinding(jobs_rpc.add_PlatformJobRunnerServicer_to_server, runner,
                        RUNNER_SERVICE_NAME)],
        settings=settings, accepts=permissions.CALLERS["analytics"],
        address=listen_address(settings.analytics_target, settings.grpc_listen),
        tenantless=RUNNER_TENANTLESS, own=permissions.own_rpcs("analytics", SERVICE_NAME),
        shared=permissions.shared_rpcs("analytics", SERVICE_NAME))
    return AnalyticsRuntime(name="analytics", db=db, bus=bus, grpc=grpc_server,
                            consumers=AnalyticsConsumers(units).specs(), avito=avito)
