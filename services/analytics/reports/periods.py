"""A report's period resolved in its time zone: the local dates it covers and the UTC instants
[start, end) they make (end is "now" for the periods that run to date)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from clients.rpc.gen.switchboard.analytics.v1 import report_pb2 as pb
from services.kernel.errors import InvalidArgument

MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    first: date  # local dates, inclusive
    last: date
    start: datetime  # UTC instants, [start, end)
    end: datetime

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), zone)


def _whole_days(first: date, last: date, zone: ZoneInfo) -> Period:
    return Period(first, last, _midnight(first, zone), _midnight(last + timedelta(days=1), zone))


def _parse(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidArgument(f"{name} {text!r} is not a date YYYY-MM-DD") from exc


def resolve(period: pb.ReportPeriod, zone: ZoneInfo, now: datetime) -> Period:
    """The period as of `now`; an unset one is yesterday."""
    today = now.astimezone(zone).date()
    if period.WhichOneof("kind") == "range":
        first, last = _parse(period.range.from_date, "from_date"), _parse(period.range.to_date,
                                                                          "to_date")
        if last < first:
            raise InvalidArgument("to_date is before from_date")
        if (last - first).days + 1 > MAX_DAYS:
            raise InvalidArgument(f"the period is longer than {MAX_DAYS} days")
        return _whole_days(first, last, zone)
    kind = period.relative
    if kind in (pb.RELATIVE_PERIOD_TODAY_SO_FAR, pb.RELATIVE_PERIOD_MONTH_TO_DATE):
        first = today if kind == pb.RELATIVE_PERIOD_TODAY_SO_FAR else today.replace(day=1)
        return Period(first, today, _midnight(first, zone), now)
    if kind == pb.RELATIVE_PERIOD_LAST_7_DAYS:
        return _whole_days(today - timedelta(days=7), today - timedelta(days=1), zone)
    if kind == pb.RELATIVE_PERIOD_LAST_30_DAYS:
        return _whole_days(today - timedelta(days=30), today - timedelta(days=1), zone)
    if kind == pb.RELATIVE_PERIOD_PREVIOUS_WEEK:
        monday = today - timedelta(days=today.weekday())
        return _whole_days(monday - timedelta(days=7), monday - timedelta(days=1), zone)
    if kind == pb.RELATIVE_PERIOD_PREVIOUS_MONTH:
        last = today.replace(day=1) - timedelta(days=1)
        return _whole_days(last.replace(day=1), last, zone)
    if kind in (pb.RELATIVE_PERIOD_YESTERDAY, pb.RELATIVE_PERIOD_UNSPECIFIED):
        return _whole_days(today - timedelta(days=1), today - timedelta(days=1), zone)
    raise InvalidArgument(f"unknown relative period {kind}")
