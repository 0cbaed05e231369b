"""Requests of the analytics domain, shared by REST and GraphQL (one validation): a report's
spec and the analytics settings, and their protobuf."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, Self

from pydantic import BaseModel, Field

from clients.rpc.gen.switchboard.analytics.v1 import analytics_service_pb2 as pb
from clients.rpc.gen.switchboard.analytics.v1 import report_pb2
from gateway.schemas import Int32
from services.kernel.timestamps import timestamp

Relative = Literal["yesterday", "today_so_far", "last_7_days", "last_30_days", "previous_week",
                   "previous_month", "month_to_date"]
Format = Literal["json", "html", "png"]
GroupBy = Literal["channel", "listing", "assignee", "day"]
RELATIVE = {name: getattr(report_pb2, f"RELATIVE_PERIOD_{name.upper()}")
            for name in Relative.__args__}  # type: ignore[attr-defined]
RELATIVE_NAMES = {value: name for name, value in RELATIVE.items()}
FORMATS = {"json": report_pb2.REPORT_FORMAT_JSON, "html": report_pb2.REPORT_FORMAT_HTML,
           "png": report_pb2.REPORT_FORMAT_PNG}
GROUPS = {None: pb.GROUP_BY_UNSPECIFIED, "channel": pb.GROUP_BY_CHANNEL,
          "listing": pb.GROUP_BY_LISTING, "assignee": pb.GROUP_BY_ASSIGNEE,
          "day": pb.GROUP_BY_DAY}


class ReportSpecIn(BaseModel):
    channel_ids: list[str] = Field(default_factory=list, max_length=100, description=(
        "Channel account ids; empty = every account"))
    combined: bool = Field(default=True, description=(
        "One report across the accounts, or a section per account"))
    metrics: list[str] = Field(default_factory=list, max_length=50, description=(
        "Metric keys (GET /v1/analytics/metrics); empty = the defaults"))
    relative: Relative | None = Field(default=None, description=(
        "A period relative to now in time_zone (default: yesterday)"))
    from_date: date | None = Field(default=None, description=(
        "Or explicit local dates, both inclusive (at most 366 days)"))
    to_date: date | None = None
    time_zone: str = Field(default="", max_length=64, description=(
        "IANA zone of the report's days ('' = the tenant's analytics zone, else UTC)"))

    @classmethod
    def from_proto(cls, spec: report_pb2.ReportSpec) -> Self:
        which = spec.period.WhichOneof("kind")
        rng = spec.period.range
        return cls(
            channel_ids=list(spec.channel_ids), combined=spec.combined, metrics=list(spec.metrics),
            relative=RELATIVE_NAMES.get(spec.period.relative) if which == "relative" else None,
            from_date=date.fromisoformat(rng.from_date) if which == "range" and rng.from_date
            else None,
            to_date=date.fromisoformat(rng.to_date) if which == "range" and rng.to_date else None,
            time_zone=spec.time_zone)

    def proto(self) -> report_pb2.ReportSpec:
        period = report_pb2.ReportPeriod()
        if self.from_date or self.to_date:
            period.range.CopyFrom(report_pb2.DateRange(
                from_date=self.from_date.isoformat() if self.from_date else "",
                to_date=self.to_date.isoformat() if self.to_date else ""))
        elif self.relative:
            period.relative = RELATIVE[self.relative]
        return report_pb2.ReportSpec(channel_ids=self.channel_ids, combined=self.combined,
                                     metrics=self.metrics, period=period,
                                     time_zone=self.time_zone)


class DayHoursIn(BaseModel):
    weekday: Int32 = Field(description="1 = Monday ... 7 = Sunday")
    open: str = Field(max_length=5, examples=["09:00"])
    close: str = Field(max_length=5, examples=["18:00"], description="'24:00' = midnight")


class AnalyticsSettingsIn(BaseModel):
    time_zone: str = Field(default="", max_length=64, description="IANA zone of reports")
    business_hours: list[DayHoursIn] = Field(default_factory=list, max_length=7, description=(
        "Days not listed are closed; empty = Monday-Friday 09:00-18:00"))

    def proto(self) -> pb.AnalyticsSettings:
        return pb.AnalyticsSettings(time_zone=self.time_zone, business_hours=[
            pb.DayHours(weekday=d.weekday, open=d.open, close=d.close)
            for d in self.business_hours])


def inbox_request(start: datetime, end: datetime, channel_id: str, group_by: GroupBy | None,
                  time_zone: str) -> pb.GetInboxMetricsRequest:
    return pb.GetInboxMetricsRequest(
        to=timestamp(end), channel_id=channel_id, group_by=GROUPS[group_by],  # type: ignore[arg-type]
        time_zone=time_zone, **{"from": timestamp(start)})
