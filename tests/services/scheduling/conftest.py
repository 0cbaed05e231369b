"""The scheduling service on its real runtime (gRPC, scheduler loop, PostgreSQL) over a private
database per module (the session platform's own scheduler must not work these tests' runs),
with:
- `reports`: an AnalyticsService gRPC server standing in for analytics' RenderReport (the
  real one is another team's work in progress): it renders what the spec asks, deterministic,
  and records each request with its tenant;
- `receiver`: a local HTTP server recording webhook deliveries (the one loopback address the
  runtime may call: `outbound_allow`), answering with the statuses a test queues;
- `clock`: the scheduler's `now`, moved by hand.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from clients.rpc.base import open_channel
from clients.rpc.gen.switchboard.analytics.v1 import analytics_service_pb2 as apb
from clients.rpc.gen.switchboard.analytics.v1 import analytics_service_pb2_grpc as arpc
from clients.rpc.gen.switchboard.analytics.v1 import report_pb2
from clients.rpc.scheduling import SchedulingClient
from services.kernel.config import KernelSettings
from services.kernel.grpc_server import GrpcServer, ServiceBinding
from services.kernel.tenancy import require_tenant
from services.kernel.timestamps import timestamp
from services.scheduling.config import SchedulingSettings
from services.scheduling.runtime import SchedulingRuntime, build_runtime
from switchboard.credentials import Credentials
from switchboard.devstack.postgres import EmbeddedPostgres
from switchboard.http_server import BackgroundServer
from tests.fixtures.bus import as_component
from tests.fixtures.databases import private_database

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


class ReportDouble(arpc.AnalyticsServiceServicer):
    def __init__(self) -> None:
        self.requests: list[tuple[uuid.UUID, apb.RenderReportRequest]] = []

    async def RenderReport(self, request: apb.RenderReportRequest,
                           context: Any) -> apb.RenderReportResponse:
        self.requests.append((require_tenant(), request))
        metrics = list(request.spec.metrics) or ["messages_in"]
        formats = set(request.formats)
        return apb.RenderReportResponse(
            html="<b>Отчёт</b>\n" + "\n".join(f"{m}: 1" for m in metrics)
            if report_pb2.REPORT_FORMAT_HTML in formats else "",
            json=f'{{"metrics": {{{", ".join(f"{m!r}: 1" for m in metrics)}}}}}'.replace("'", '"')
            if report_pb2.REPORT_FORMAT_JSON in formats else "",
            png=PNG if report_pb2.REPORT_FORMAT_PNG in formats else b"",
            partial="views" in metrics, problems=["Avito statistics: 503"] if "views" in metrics
            else [], period_from=timestamp(datetime(2026, 12, 1, tzinfo=UTC)),
            period_to=timestamp(datetime(2026, 12, 2, tzinfo=UTC)), time_zone="Europe/Moscow")


@dataclass
class Receiver:
    url: str
    port: int
    calls: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)  # statuses to give, in order; then 200

    def of_run(self, run_id: str) -> list[tuple[dict[str, str], bytes]]:
        return [c for c in self.calls if c[0].get("x-switchboard-run-id") == run_id]


@dataclass
class Clock:
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self.at

    def move_to(self, at: datetime) -> None:
        self.at = at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@pytest.fixture(scope="module")
async def own_db_url(postgres: EmbeddedPostgres) -> str:
    return await private_database(postgres, "scheduling")


@pytest.fixture(scope="module")
async def reports(settings: KernelSettings) -> AsyncIterator[tuple[ReportDouble, str]]:
    double = ReportDouble()
    server = GrpcServer([ServiceBinding(arpc.add_AnalyticsServiceServicer_to_server, double,
                                        "switchboard.analytics.v1.AnalyticsService")],
                        settings=settings, accepts=("scheduling",))
    await server.start()
    yield double, server.address
    await server.stop(0)


@pytest.fixture(scope="module")
async def receiver() -> AsyncIterator[Receiver]:
    found: Receiver

    async def hook(request: Request) -> Response:
        found.calls.append(({k.lower(): v for k, v in request.headers.items()},
                            await request.body()))
        return Response(status_code=found.answers.pop(0) if found.answers else 200)

    async with BackgroundServer(Starlette(routes=[Route("/hook", hook, methods=["POST"])])) as srv:
        found = Receiver(f"{srv.url}/hook", srv.port)
        yield found


RuntimeFactory = Callable[..., Coroutine[Any, Any, SchedulingRuntime]]


@pytest.fixture(scope="module")
async def start_runtime(settings: KernelSettings, credentials: Credentials, own_db_url: str,
                        reports: tuple[ReportDouble, str],
                        receiver: Receiver) -> AsyncIterator[RuntimeFactory]:
    started: list[SchedulingRuntime] = []

    async def start(now: Callable[[], datetime] | None = None,
                    **overrides: Any) -> SchedulingRuntime:
        base = as_component(settings, credentials, "scheduling")
        config = SchedulingSettings(**{
            **base.model_dump(), "secret_key": settings.secret_key.get_secret_value(),
            "grpc_token": base.grpc_token.get_secret_value(),
            "nats_password": base.nats_password.get_secret_value(),
            "database_url": own_db_url, "analytics_target": reports[1],
            "outbound_allow": f"127.0.0.1:{receiver.port}", "scheduling_poll_s": 0.1,
            "scheduling_delivery_backoff_s": 0.01, "scheduling_delivery_backoff_max_s": 0.05,
            "scheduling_webhook_timeout_s": 5.0,
            # Platform jobs off (test_platform_jobs turns them on, with a runner double).
            "job_channels_reconcile_s": 0, "job_channels_token_health_s": 0,
            "job_analytics_avito_statistics_s": 0, "job_conversations_wake_snoozed_s": 0,
            **overrides})
        runtime = await build_runtime(config, now)
        await runtime.start()
        started.append(runtime)
        return runtime

    yield start
    await asyncio.gather(*(r.stop(1) for r in started))


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
async def runtime(start_runtime: RuntimeFactory, clock: Clock) -> SchedulingRuntime:
    return await start_runtime(clock.now)


@pytest.fixture(scope="module")
async def client(runtime: SchedulingRuntime,
                 settings: KernelSettings) -> AsyncIterator[SchedulingClient]:
    c = SchedulingClient(open_channel(runtime.grpc.address), settings.caller("gateway"))
    yield c
    await c.channel.close()
