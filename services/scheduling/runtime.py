"""Builds the scheduling service process: gRPC server and the scheduler loop (due schedules
fired exactly once, runs rendered by analytics and delivered); no events, so no relay."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import grpc

from clients.rpc import permissions, topics
from clients.rpc.analytics import AnalyticsClient
from clients.rpc.base import open_channel
from clients.rpc.gen.switchboard.scheduling.v1 import platform_jobs_pb2_grpc as jobs_rpc
from clients.rpc.gen.switchboard.scheduling.v1 import scheduling_service_pb2_grpc as rpc
from clients.rpc.platform_jobs import PlatformJobRunnerClient
from clients.rpc.telegram_delivery import TelegramDeliveryClient
from services.kernel.crypto import SecretBox
from services.kernel.grpc_server import GrpcServer, ServiceBinding
from services.kernel.repository import Cursors
from services.kernel.runtime import ServiceRuntime, connect, listen_address
from services.kernel.unit import Units
from services.kernel.urls import OutboundGuard
from services.scheduling.config import SchedulingSettings
from services.scheduling.firing.delivery import Retry, TelegramMessages, WebhookSender
from services.scheduling.firing.scheduler import Scheduler
from services.scheduling.firing.worker import RunWorker
from services.scheduling.jobs.firing import PlatformJobFiring
from services.scheduling.jobs.service import PlatformJobsService
from services.scheduling.jobs.servicer import (
    JOBS_SERVICE_NAME,
    TENANTLESS,
    PlatformJobsServicer,
)
from services.scheduling.repository import SchedulingUnit
from services.scheduling.service import SchedulingService
from services.scheduling.servicer import SERVICE_NAME, SchedulingServicer


@dataclass
class SchedulingRuntime(ServiceRuntime):
    """The kernel runtime plus what the scheduler calls out with, closed after it stopped."""

    scheduler: Scheduler | None = None
    webhooks: WebhookSender | None = None
    channels: list[grpc.aio.Channel] | None = None

    async def close(self, grace_s: float = 10) -> None:
        await super().close(grace_s)
        if self.webhooks is not None:
            await self.webhooks.close()
        for channel in self.channels or []:
            await channel.close()


async def build_runtime(settings: SchedulingSettings,
                        now: Callable[[], datetime] | None = None) -> SchedulingRuntime:
    """`now`: the scheduler's clock (tests move it; the system clock otherwise)."""
    db, bus = await connect(settings, topics.STREAMS, "scheduling")
    units = Units(db, SchedulingUnit, cursors=Cursors.from_secret(settings.secret_key))
    box = SecretBox(settings.secret_key.get_secret_value())
    guard = OutboundGuard(settings.outbound_allow)
    caller = settings.caller("scheduling")
    analytics_channel = open_channel(settings.analytics_target, caller)
    channels_channel = open_channel(settings.channels_target, caller)
    conversations_channel = open_channel(settings.conversations_target, caller)
    analytics = AnalyticsClient(analytics_channel, caller)
    telegram = TelegramDeliveryClient(channels_channel, caller)
    webhooks = WebhookSender(guard, settings.scheduling_webhook_timeout_s)
    worker = RunWorker(
        units, box, analytics.render_report, webhooks, TelegramMessages(telegram.send_message),
        Retry(settings.scheduling_delivery_attempts, settings.scheduling_delivery_backoff_s,
              settings.scheduling_delivery_backoff_max_s), settings.scheduling_max_claims)
    # Platform jobs run at their owners, on the channels scheduling already holds to them.
    runners = {"channels": PlatformJobRunnerClient(channels_channel, caller),
               "analytics": PlatformJobRunnerClient(analytics_channel, caller),
               "conversations": PlatformJobRunnerClient(conversations_channel, caller)}
    scheduler = Scheduler(units, worker, settings, now, jobs=lambda wake: PlatformJobFiring(
        units, runners, settings, now, on_more=wake))
    servicer = SchedulingServicer(units, SchedulingService(box, guard, now, scheduler.wake))
    grpc_server = GrpcServer(
        [ServiceBinding(rpc.add_SchedulingServiceServicer_to_server, servicer, SERVICE_NAME),
         ServiceBinding(jobs_rpc.add_PlatformJobsServicer_to_server,
                        PlatformJobsServicer(units, PlatformJobsService(scheduler.wake)),
                        JOBS_SERVICE_NAME)],
        settings=settings, accepts=permissions.CALLERS["scheduling"],
        address=listen_address(settings.scheduling_target, settings.grpc_listen),
        tenantless=TENANTLESS)
    return SchedulingRuntime(
        name="scheduling", db=db, bus=bus, grpc=grpc_server, loops=[scheduler.run],
        scheduler=scheduler, webhooks=webhooks,
        channels=[analytics_channel, channels_channel, conversations_channel])
