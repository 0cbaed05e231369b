"""Plan quotas over gRPC: `QuotaUsageClient` (the gateway asks each enforcing service) and
`QuotaUsageServicer`, the one `QuotaUsageService` every enforcing service serves beside its own
(channels, conversations, agent), given its usage function (proto/switchboard/quotas/v1)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp

from clients.rpc.base import ServiceClient
from clients.rpc.gen.switchboard.quotas.v1 import quotas_service_pb2 as pb
from clients.rpc.gen.switchboard.quotas.v1 import quotas_service_pb2_grpc as rpc

QUOTA_USAGE_SERVICE_NAME = "switchboard.quotas.v1.QuotaUsageService"


@dataclass(frozen=True)
class QuotaFigure:
    """One quota of the tenant's plan: its limit (None: unlimited), what is used, and when a
    monthly count starts again (None for the others)."""

    name: str
    limit: int | None
    used: int
    resets_at: datetime | None = None

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.used)


@dataclass(frozen=True)
class UsageReport:
    plan: str
    quotas: list[QuotaFigure]


Usage = Callable[[], Awaitable[UsageReport]]


class QuotaUsageServicer(rpc.QuotaUsageServiceServicer):
    """A service's side: its usage function (the bound tenant's plan and counts) as GetUsage."""

    def __init__(self, usage: Usage) -> None:
        self._usage = usage

    async def GetUsage(self, request: pb.GetUsageRequest, context: object) -> pb.GetUsageResponse:
        report = await self._usage()
        return pb.GetUsageResponse(plan=report.plan, quotas=[_proto(q) for q in report.quotas])


class QuotaUsageClient(ServiceClient):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._stub = rpc.QuotaUsageServiceStub(self.channel)

    async def usage(self, tenant_id: uuid.UUID) -> UsageReport:
        resp = await self._call(self._stub.GetUsage, pb.GetUsageRequest(), tenant_id)
        return UsageReport(resp.plan, [_figure(q) for q in resp.quotas])


def _proto(figure: QuotaFigure) -> pb.QuotaUsage:
    usage = pb.QuotaUsage(name=figure.name, used=figure.used)
    if figure.limit is not None:
        usage.limit = figure.limit
    if figure.resets_at is not None:
        stamp = Timestamp()
        stamp.FromDatetime(figure.resets_at)
        usage.resets_at.CopyFrom(stamp)
    return usage


def _figure(usage: pb.QuotaUsage) -> QuotaFigure:
    limit = usage.limit if usage.HasField("limit") else None
    resets = usage.resets_at.ToDatetime(tzinfo=UTC) if usage.HasField("resets_at") else None
    return QuotaFigure(usage.name, limit, usage.used, resets)
