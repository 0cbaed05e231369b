"""RenderReport's content: the spec resolved (period, zone, accounts, metrics), inbox figures
from the aggregates and Avito figures from the statistics source, per account or combined.
What could not be had is listed in the report's problems, never shown as a zero."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from prometheus_client import Counter

from clients.rpc.gen.switchboard.analytics.v1 import report_pb2 as pb
from services.analytics.metrics.business_hours import InvalidHours, zone
from services.analytics.metrics.catalogue import AVITO, UnknownMetric, resolve
from services.analytics.metrics.service import Daily, Figures, daily_by_channel
from services.analytics.reports.accounts import Account, AccountDirectory
from services.analytics.reports.fairness import TenantSlots
from services.analytics.reports.model import Report, Section
from services.analytics.reports.periods import Period
from services.analytics.reports.periods import resolve as resolve_period
from services.analytics.reports.statistics import StatisticsSource
from services.analytics.repository import AnalyticsUnit
from services.analytics.settings import service as settings
from services.kernel.errors import DomainError, InvalidArgument
from services.kernel.unit import Units

NOT_WIRED = "статистика Avito недоступна: источник не подключён"
ACCOUNTS_UNAVAILABLE = ("названия и список аккаунтов недоступны (сервис каналов не ответил): "
                        "разделы подписаны по id, аккаунты без диалогов не показаны")
log = logging.getLogger(__name__)
# Partial: some figures could not be had (Avito refused, channels did not answer); no tenant label.
REPORTS = Counter("switchboard_analytics_reports_total", "Reports built, complete or partial",
                  ["outcome"])
for _outcome in ("complete", "partial"):
    REPORTS.labels(_outcome)


class ReportService:
    def __init__(self, units: Units[AnalyticsUnit], statistics: StatisticsSource | None = None,
                 accounts: AccountDirectory | None = None,
                 slots: TenantSlots | None = None) -> None:
        self.units, self.statistics, self.accounts = units, statistics, accounts
        self.slots = slots or TenantSlots()

    async def build(self, tenant_id: uuid.UUID, spec: pb.ReportSpec, now: datetime) -> Report:
        try:
            metrics = resolve(list(spec.metrics))
        except UnknownMetric as exc:
            raise InvalidArgument(str(exc)) from exc
        asked = [_channel(c) for c in spec.channel_ids]
        problems: list[str] = []
        accounts = await self._accounts(tenant_id, problems)  # before the transaction opens
        async with self.units(tenant_id) as unit:
            zone_name = spec.time_zone or (await settings.load(unit.settings)).time_zone or "UTC"
            period = resolve_period(spec.period, _zone(zone_name), now)
            # One pass over the range for every section (each is a sum of its accounts').
            figures = await daily_by_channel(unit.metrics, period.start, period.end, asked,
                                             zone_name)
        channels = asked or _every_account(accounts, list(figures))
        groups = [channels] if spec.combined or len(channels) <= 1 else [[c] for c in channels]
        sections = [_section(g, figures, period, accounts or {}) for g in groups]
        report = Report(period, zone_name, metrics, sections, problems)
        avito_keys = [m.key for m in metrics if m.source == AVITO]
        if avito_keys and channels:
            await self._avito(tenant_id, report, avito_keys, accounts)
        REPORTS.labels("partial" if report.partial else "complete").inc()
        return report

    async def _accounts(self, tenant_id: uuid.UUID,
                        problems: list[str]) -> dict[uuid.UUID, Account] | None:
        """The tenant's accounts from channels; None (and a problem) when not to be had."""
        if self.accounts is None:
            return None
        try:
            return await self.accounts.accounts(tenant_id)
        except DomainError as exc:
            log.warning("channel accounts unavailable for a report", extra={"error": str(exc)})
            problems.append(ACCOUNTS_UNAVAILABLE)
            return None

    async def _avito(self, tenant_id: uuid.UUID, report: Report, keys: list[str],
                     accounts: dict[uuid.UUID, Account] | None) -> None:
        if self.statistics is None:
            report.problems.append(NOT_WIRED)
            return
        # Avito has figures only for Avito accounts (all of them, when channels did not say).
        known = accounts or {}
        channels = sorted({c for s in report.sections for c in s.channel_ids
                           if c not in known or known[c].avito}, key=str)
        got = await self.statistics.figures(tenant_id, channels, report.period.first,
                                            report.period.last, keys) if channels else {}
        for section in report.sections:
            for key in keys:
                values = [got[c].values.get(key) if c in got else None
                          for c in section.channel_ids if c in channels]
                present = [v for v in values if v is not None]
                section.avito[key] = sum(present) if present and len(present) == len(values) \
                    else None
        for channel in channels:
            name = account_title(channel, known)
            figures = got.get(channel)
            if figures is None:
                report.problems.append(f"{name}: нет статистики Avito")
                continue
            report.problems.extend(f"{name}: {p}" for p in figures.problems)


def _section(channels: list[uuid.UUID], figures: dict[uuid.UUID, Daily], period: Period,
             accounts: dict[uuid.UUID, Account]) -> Section:
    total, daily = Figures(), {d: Figures() for d in period.days}
    for channel in channels or list(figures):  # no account named: whatever there is
        found = figures.get(channel)
        if found is None:
            continue
        total.merge(found.total)
        for day, day_figures in found.days.items():
            if day in daily:
                daily[day].merge(day_figures)
    title = "Все аккаунты" if len(channels) != 1 else account_title(channels[0], accounts)
    return Section(title, channels, total, daily)


def account_title(channel: uuid.UUID, accounts: dict[uuid.UUID, Account]) -> str:
    """The account's name as channels has it now; its short id when channels did not say."""
    found = accounts.get(channel)
    if found is None or not found.name:
        return f"Аккаунт {str(channel)[:8]}"
    return found.name if found.active else f"{found.name} (отключён)"


def _every_account(accounts: dict[uuid.UUID, Account] | None,
                   seen: list[uuid.UUID]) -> list[uuid.UUID]:
    """"Every account": each active one, with or without conversations, and any other with
    figures in the period or conversations waiting now (a disconnected account's history)."""
    active = {a.id for a in (accounts or {}).values() if a.active}
    return sorted(active | set(seen), key=str)


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

