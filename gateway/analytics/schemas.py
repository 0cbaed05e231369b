"""REST representations of the analytics domain."""

from __future__ import annotations

from pydantic import BaseModel

from clients.rpc.gen.switchboard.analytics.v1 import analytics_service_pb2 as pb
from gateway.analytics.forms import AnalyticsSettingsIn, DayHoursIn


class MetricOut(BaseModel):
    key: str
    title: str
    unit: str
    source: str
    default: bool


class DurationOut(BaseModel):
    median_seconds: float
    p90_seconds: float
    samples: int

    @classmethod
    def from_proto(cls, d: pb.Duration) -> DurationOut | None:
        if not d.has_value:
            return None  # nothing to measure: null, never a zero
        return cls(median_seconds=d.median_seconds, p90_seconds=d.p90_seconds, samples=d.samples)


class InboxFiguresOut(BaseModel):
    conversations_started: int
    messages_in: int
    messages_out: int
    first_response: DurationOut | None
    first_response_business: DurationOut | None
    reply: DurationOut | None
    reply_business: DurationOut | None
    resolution: DurationOut | None
    resolved: int
    unanswered: int
    waiting: int
    ai_answered: int
    handed_off: int

    @classmethod
    def from_proto(cls, f: pb.InboxFigures) -> InboxFiguresOut:
        durations = {name: DurationOut.from_proto(getattr(f, name)) for name in (
            "first_response", "first_response_business", "reply", "reply_business",
            "resolution")}
        return cls(conversations_started=f.conversations_started, messages_in=f.messages_in,
                   messages_out=f.messages_out, resolved=f.resolved, unanswered=f.unanswered,
                   waiting=f.waiting, ai_answered=f.ai_answered, handed_off=f.handed_off,
                   **durations)


class InboxGroupOut(BaseModel):
    key: str
    label: str
    figures: InboxFiguresOut


class InboxOut(BaseModel):
    total: InboxFiguresOut
    groups: list[InboxGroupOut]

    @classmethod
    def from_proto(cls, r: pb.GetInboxMetricsResponse) -> InboxOut:
        return cls(total=InboxFiguresOut.from_proto(r.total), groups=[
            InboxGroupOut(key=g.key, label=g.label, figures=InboxFiguresOut.from_proto(g.figures))
            for g in r.groups])


def settings_out(s: pb.AnalyticsSettings) -> AnalyticsSettingsIn:
    return AnalyticsSettingsIn(time_zone=s.time_zone, business_hours=[
        DayHoursIn(weekday=d.weekday, open=d.open, close=d.close) for d in s.business_hours])
