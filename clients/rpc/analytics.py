"""AnalyticsClient: inbox metrics, reports and analytics settings over gRPC."""

from __future__ import annotations

import uuid

from clients.rpc.base import ServiceClient
from clients.rpc.gen.switchboard.analytics.v1 import analytics_service_pb2 as pb
from clients.rpc.gen.switchboard.analytics.v1 import analytics_service_pb2_grpc as rpc
from clients.rpc.gen.switchboard.analytics.v1 import report_pb2

# A report reads aggregates, may wait on a statistics source and draws a chart.
REPORT_DEADLINE_S = 60.0


class AnalyticsClient(ServiceClient):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._stub = rpc.AnalyticsServiceStub(self.channel)

    async def list_metrics(self, tenant_id: uuid.UUID) -> pb.ListMetricsResponse:
        return await self._call(self._stub.ListMetrics, pb.ListMetricsRequest(), tenant_id)

    async def get_inbox_metrics(self, tenant_id: uuid.UUID,
                                request: pb.GetInboxMetricsRequest) -> pb.GetInboxMetricsResponse:
        return await self._call(self._stub.GetInboxMetrics, request, tenant_id)

    async def render_report(self, tenant_id: uuid.UUID, spec: report_pb2.ReportSpec,
                            formats: list[report_pb2.ReportFormat.ValueType]
                            ) -> pb.RenderReportResponse:
        request = pb.RenderReportRequest(spec=spec, formats=formats)
        return await self._call(self._stub.RenderReport, request, tenant_id,
                                deadline_s=REPORT_DEADLINE_S)

    async def get_settings(self, tenant_id: uuid.UUID) -> pb.AnalyticsSettings:
        resp = await self._call(self._stub.GetSettings, pb.GetSettingsRequest(), tenant_id)
        return resp.settings

    async def update_settings(self, tenant_id: uuid.UUID,
                              settings: pb.AnalyticsSettings) -> pb.AnalyticsSettings:
        resp = await self._call(self._stub.UpdateSettings,
                                pb.UpdateSettingsRequest(settings=settings), tenant_id)
        return resp.settings
