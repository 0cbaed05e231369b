"""GraphQL: analytics — `reportMetrics` (the metric catalogue), `inboxMetrics` (totals and one
breakdown) and `report` (a report rendered now: JSON or Telegram HTML as text, a PNG chart as
base64), through REST's request models (`forms.py`: one validation)."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Annotated

import strawberry
from pydantic import ValidationError

from clients.rpc.gen.switchboard.analytics.v1 import analytics_service_pb2 as pb
from gateway.analytics.forms import FORMATS, GROUPS, ReportSpecIn, inbox_request
from gateway.graphql.context import Info
from gateway.graphql.errors import bad_input, invalid_input
from services.kernel.timestamps import to_datetime


@strawberry.type(description="Median and 90th percentile, in seconds, of `samples` durations")
class Duration:
    median_seconds: float
    p90_seconds: float
    samples: int

    @classmethod
    def of(cls, d: pb.Duration) -> Duration | None:
        return cls(median_seconds=d.median_seconds, p90_seconds=d.p90_seconds,
                   samples=d.samples) if d.has_value else None


@strawberry.type
class InboxFigures:
    conversations_started: int
    messages_in: int
    messages_out: int
    first_response: Duration | None
    first_response_business: Duration | None
    reply: Duration | None
    reply_business: Duration | None
    resolution: Duration | None
    resolved: int
    unanswered: int
    waiting: int = strawberry.field(description="Waiting for an answer now, whatever the range")
    ai_answered: int
    handed_off: int

    @classmethod
    def of(cls, f: pb.InboxFigures) -> InboxFigures:
        return cls(
            conversations_started=f.conversations_started, messages_in=f.messages_in,
            messages_out=f.messages_out, resolved=f.resolved, unanswered=f.unanswered,
            waiting=f.waiting, ai_answered=f.ai_answered, handed_off=f.handed_off,
            **{name: Duration.of(getattr(f, name)) for name in (
                "first_response", "first_response_business", "reply", "reply_business",
                "resolution")})


@strawberry.type(description="A metric a report may name")
class ReportMetric:
    key: str = strawberry.field(description="The key reports name it by, e.g. messages_in, views")
    title: str = strawberry.field(description="Its Russian title, as reports print it")
    unit: str
    source: str = strawberry.field(description="inbox (projected events) or avito (statistics)")
    default: bool = strawberry.field(description="In a report that names no metrics")


@strawberry.type
class InboxGroup:
    key: str = strawberry.field(description="Channel id, listing id, assignee id or YYYY-MM-DD")
    label: str
    figures: InboxFigures


@strawberry.type
class InboxMetrics:
    total: InboxFigures
    groups: list[InboxGroup]


@strawberry.input
class ReportSpecInput:
    channel_ids: list[str] | None = None
    combined: bool = True
    metrics: list[str] | None = None
    relative: str | None = strawberry.field(default=None, description=(
        "yesterday, today_so_far, last_7_days, last_30_days, previous_week, previous_month, "
        "month_to_date"))
    from_date: str | None = strawberry.field(default=None, description="YYYY-MM-DD")
    to_date: str | None = None
    time_zone: str = ""


@strawberry.type
class Report:
    format: str
    content: str = strawberry.field(description="JSON or HTML; for png, the image in base64")
    partial: bool
    problems: list[str]
    period_from: datetime | None
    period_to: datetime | None
    time_zone: str


@strawberry.type
class AnalyticsQuery:
    @strawberry.field(description="Every metric key a report may name")
    async def report_metrics(self, info: Info) -> list[ReportMetric]:
        tenant_id = info.context.require("read").tenant_id
        resp = await info.context.state.analytics.list_metrics(tenant_id)
        return [ReportMetric(key=m.key, title=m.title, unit=m.unit, source=m.source,
                             default=m.default) for m in resp.metrics]

    @strawberry.field(description="Inbox metrics over [from, to), by channel, listing, assignee "
                                  "or day (groupBy)")
    async def inbox_metrics(self, info: Info,
                            from_: Annotated[datetime, strawberry.argument(name="from")],
                            to: datetime,
                            channel_id: str = "", group_by: str | None = None,
                            time_zone: str = "") -> InboxMetrics:
        tenant_id = info.context.require("read").tenant_id
        if group_by not in GROUPS:
            raise bad_input("groupBy: channel, listing, assignee or day")
        resp = await info.context.state.analytics.get_inbox_metrics(
            tenant_id, inbox_request(from_, to, channel_id, group_by, time_zone))  # type: ignore[arg-type]
        return InboxMetrics(total=InboxFigures.of(resp.total), groups=[
            InboxGroup(key=g.key, label=g.label, figures=InboxFigures.of(g.figures))
            for g in resp.groups])

    @strawberry.field(description="A report rendered now: json, html (Telegram) or png")
    async def report(self, info: Info, spec: ReportSpecInput, format: str = "json") -> Report:
        tenant_id = info.context.require("read").tenant_id
        if format not in FORMATS:
            raise bad_input("format: json, html or png")
        try:
            form = ReportSpecIn.model_validate({k: v for k, v in vars(spec).items()
                                                if v is not None})
        except ValidationError as exc:
            raise invalid_input(exc) from exc
        got = await info.context.state.analytics.render_report(tenant_id, form.proto(),
                                                               [FORMATS[format]])
        content = (base64.b64encode(got.png).decode() if format == "png"
                   else got.json if format == "json" else got.html)
        return Report(format=format, content=content, partial=got.partial,
                      problems=list(got.problems), period_from=to_datetime(got.period_from),
                      period_to=to_datetime(got.period_to), time_zone=got.time_zone)
