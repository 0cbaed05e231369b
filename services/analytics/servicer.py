"""gRPC AnalyticsService: proto <-> domain, one unit of work per call."""

from __future__ import annotations

from grpc.aio import ServicerContext

from clients.rpc.gen.switchboard.analytics.v1 import analytics_service_pb2 as pb
from clients.rpc.gen.switchboard.analytics.v1 import analytics_service_pb2_grpc as rpc
from services.analytics.metrics.catalogue import CATALOGUE
from services.analytics.repository import AnalyticsUnit
from services.analytics.settings import service as settings
from services.kernel.unit import Units


class AnalyticsServicer(rpc.AnalyticsServiceServicer):
    def __init__(self, units: Units[AnalyticsUnit]) -> None:
        self.units = units

    async def ListMetrics(self, request: pb.ListMetricsRequest,
                          context: ServicerContext) -> pb.ListMetricsResponse:
        return pb.ListMetricsResponse(metrics=[
            pb.MetricInfo(key=m.key, title=m.title, unit=m.unit, source=m.source,
                          default=m.default) for m in CATALOGUE])

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


def _settings_pb(value: settings.Settings) -> pb.AnalyticsSettings:
    return pb.AnalyticsSettings(time_zone=value.time_zone, business_hours=[
        pb.DayHours(weekday=int(d["weekday"]), open=str(d["open"]), close=str(d["close"]))
        for d in value.days])
