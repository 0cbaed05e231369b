"""RenderReport's content: the spec resolved (period, zone, accounts, metrics), inbox figures
from the aggregates and Avito figures from the statistics source, per account or combined.
What could not be had is listed in the report's problems, never shown as a zero."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from clients.rpc.gen.switchboard.analytics.v1 import report_pb2 as pb
from services.analytics.metrics.business_hours import InvalidHours, zone
from services.analytics.metrics.catalogue import AVITO, UnknownMetric, resolve
from services.analytics.metrics.service import Figures, inbox_metrics
from services.analytics.reports.model import Report, Section
from services.analytics.reports.periods import Period
from services.analytics.reports.periods import resolve as resolve_period
from services.analytics.reports.statistics import StatisticsSource
from services.analytics.repository import AnalyticsUnit
from services.analytics.settings import service as settings
from services.kernel.errors import InvalidArgument
from services.kernel.unit import Units

NOT_WIRED = "статистика Avito недоступна: источник не подключён"


class ReportService:
    def __init__(self, units: Units[AnalyticsUnit],
                 statistics: StatisticsSource | None = None) -> None:
        self.units, self.statistics = units, statistics

    async def build(self, tenant_id: uuid.UUID, spec: pb.ReportSpec, now: datetime) -> Report:
        try:
            metrics = resolve(list(spec.metrics))
        except UnknownMetric as exc:
            raise InvalidArgument(str(exc)) from exc
        channels = [_channel(c) for c in spec.channel_ids]
        async with self.units(tenant_id) as unit:
            zone_name = spec.time_zone or (await settings.load(unit.settings)).time_zone or "UTC"
            period = resolve_period(spec.period, _zone(zone_name), now)
            channels = channels or await unit.metrics.channels()
            groups = [channels] if spec.combined or len(channels) <= 1 else [[c] for c in channels]
            sections = [await self._section(unit, g, period, zone_name) for g in groups]
        report = Report(period, zone_name, metrics, sections)
        avito_keys = [m.key for m in metrics if m.source == AVITO]
        if avito_keys and channels:
            await self._avito(tenant_id, report, avito_keys)
        return report

    async def _section(self, unit: AnalyticsUnit, channels: list[uuid.UUID], period: Period,
                       zone_name: str) -> Section:
        total = await inbox_metrics(unit.metrics, period.start, period.end, channels, "day",
                                    zone_name)
        daily = {d: total.groups.get(d.isoformat(), Figures()) for d in period.days}
        title = "Все аккаунты" if len(channels) != 1 else f"Аккаунт {str(channels[0])[:8]}"
        return Section(title, channels, total.total, daily)

    async def _avito(self, tenant_id: uuid.UUID, report: Report, keys: list[str]) -> None:
        if self.statistics is None:
            report.problems.append(NOT_WIRED)
            return
        channels = sorted({c for s in report.sections for c in s.channel_ids}, key=str)
        got = await self.statistics.figures(tenant_id, channels, report.period.first,
                                            report.period.last, keys)
        for section in report.sections:
            for key in keys:
                values = [got[c].values.get(key) if c in got else None
                          for c in section.channel_ids]
                known = [v for v in values if v is not None]
                section.avito[key] = sum(known) if known and len(known) == len(values) else None
        for channel in channels:
            figures = got.get(channel)
            if figures is None:
                report.problems.append(f"аккаунт {str(channel)[:8]}: нет статистики Avito")
                continue
            report.problems.extend(f"аккаунт {str(channel)[:8]}: {p}" for p in figures.problems)


def _channel(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise InvalidArgument(f"channel id {value[:40]!r} is not a valid id") from exc


def _zone(name: str) -> ZoneInfo:
    try:
        return zone(name)
    except InvalidHours as exc:
        raise InvalidArgument(str(exc)) from exc

