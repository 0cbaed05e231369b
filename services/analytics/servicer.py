"""gRPC AnalyticsService: proto <-> domain, one unit of work per call."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from grpc.aio import ServicerContext

from clients.rpc.gen.switchboard.analytics.v1 import analytics_service_pb2 as pb
from clients.rpc.gen.switchboard.analytics.v1 import analytics_service_pb2_grpc as rpc
from clients.rpc.gen.switchboard.analytics.v1 import report_pb2
from services.analytics.metrics import mapping
from services.analytics.metrics.business_hours import InvalidHours, zone
from services.analytics.metrics.catalogue import CATALOGUE
from services.analytics.metrics.service import inbox_metrics
from services.analytics.reports import chart, document, html
from services.analytics.reports.service import ReportService
from services.analytics.repository import AnalyticsUnit
from services.analytics.settings import service as settings
from services.kernel.errors import InvalidArgument
from services.kernel.repository import parse_uuid
from services.kernel.tenancy import require_tenant
from services.kernel.timestamps import timestamp, to_datetime
from services.kernel.unit import Units


class AnalyticsServicer(rpc.AnalyticsServiceServicer):
    def __init__(self, units: Units[AnalyticsUnit], reports: ReportService) -> None:
        self.units, self.reports = units, reports

    async def ListMetrics(self, request: pb.ListMetricsRequest,
                          context: ServicerContext) -> pb.ListMetricsResponse:
        return pb.ListMetricsResponse(metrics=[
            pb.MetricInfo(key=m.key, title=m.title, unit=m.unit, source=m.source,
                          default=m.default) for m in CATALOGUE])

    async def GetInboxMetrics(self, request: pb.GetInboxMetricsRequest,
                              context: ServicerContext) -> pb.GetInboxMetricsResponse:
        start, end = to_datetime(getattr(request, "from")), to_datetime(request.to)
        if start is None or end is None:
            raise InvalidArgument("'from' and 'to' are required")
        channels = [parse_uuid(request.channel_id, "channel_id")] if request.channel_id else []
        async with self.units() as unit:
            zone_name = request.time_zone or (await settings.load(unit.settings)).time_zone
            _check_zone(zone_name)
            metrics = await inbox_metrics(unit.metrics, start, end, channels,
                                          mapping.GROUPS.get(request.group_by, ""),
                                          zone_name or "UTC")
        return mapping.inbox_pb(metrics)

    async def RenderReport(self, request: pb.RenderReportRequest,
                           context: ServicerContext) -> pb.RenderReportResponse:
        tenant_id = require_tenant()
        async with self.reports.slots(tenant_id):  # one tenant's reports one at a time
            report = await self.reports.build(tenant_id, request.spec, datetime.now(UTC))
            formats = set(request.formats) or {report_pb2.REPORT_FORMAT_HTML}
            response = pb.RenderReportResponse(
                partial=report.partial, problems=report.problems, time_zone=report.zone,
                period_from=timestamp(report.period.start),
                period_to=timestamp(report.period.end))
            if report_pb2.REPORT_FORMAT_HTML in formats:
                response.html = html.render(report)
            if report_pb2.REPORT_FORMAT_JSON in formats:
                response.json = document.render(report)
            if report_pb2.REPORT_FORMAT_PNG in formats:  # CPU-bound: off the event loop
                response.png = await asyncio.to_thread(chart.render, report)
        return response

    async def GetSettings(self, request: pb.GetSettingsRequest,
                          context: ServicerContext) -> pb.GetSettingsResponse:
        async with self.units() as unit:
            current = await settings.load(unit.settings)
        return pb.GetSettingsResponse(settings=_settings_pb(current))

    async def UpdateSettings(self, request: pb.UpdateSettingsRequest,
                             context: ServicerContext) -> pb.UpdateSettingsResponse:
        days = [{"weekday": d.weekday, "open": d.open, "close": d.close}
                for d in request.settings.business_hours]
        async with self.units() as unit:
            stored = await settings.store(unit.settings, request.settings.time_zone, days)
        return pb.UpdateSettingsResponse(settings=_settings_pb(stored))


def _check_zone(name: str) -> None:
    try:
        zone(name)
    except InvalidHours as exc:
        raise InvalidArgument(str(exc)) from exc


def _settings_pb(value: settings.Settings) -> pb.AnalyticsSettings:
    return pb.AnalyticsSettings(time_zone=value.time_zone, business_hours=[
        pb.DayHours(weekday=int(d["weekday"]), open=str(d["open"]), close=str(d["close"]))
        for d in value.days])
