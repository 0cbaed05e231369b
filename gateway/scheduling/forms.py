"""Schedules as REST and GraphQL write them: one request model each (validated here for shape
and sizes; the rules — zones, times, weekdays, days of the month, the webhook URL — by the
scheduling service, whose INVALID_ARGUMENT says what to fix), and their translation to and
from SchedulingService's messages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from clients.rpc.gen.switchboard.analytics.v1 import report_pb2
from clients.rpc.gen.switchboard.scheduling.v1 import scheduling_service_pb2 as pb
from gateway.analytics.forms import Relative, ReportSpecIn
from gateway.schemas import Int32, Int64
from services.kernel.timestamps import to_datetime

RecurrenceKind = Literal["daily", "every_n_days", "weekly", "monthly"]
Policy = Literal["fire_once_late", "skip"]
POLICY = {"fire_once_late": pb.MISSED_RUN_POLICY_FIRE_ONCE_LATE,
          "skip": pb.MISSED_RUN_POLICY_SKIP}
POLICY_NAMES = {value: name for name, value in POLICY.items()}
STATUS_NAMES = {pb.RUN_STATUS_PENDING: "pending", pb.RUN_STATUS_DELIVERED: "delivered",
                pb.RUN_STATUS_FAILED: "failed", pb.RUN_STATUS_SKIPPED: "skipped"}
TRIGGER_NAMES = {pb.RUN_TRIGGER_SCHEDULED: "scheduled", pb.RUN_TRIGGER_MANUAL: "manual"}


class RecurrenceIn(BaseModel):
    kind: RecurrenceKind
    n: Int32 | None = Field(default=None, description="every_n_days: every n days (1..366)")
    start_date: date | None = Field(default=None, description=(
        "every_n_days: the first firing day (local); the others follow every n days"))
    weekdays: list[Int32] | None = Field(default=None, max_length=7, description=(
        "weekly: 1 = Monday ... 7 = Sunday, at least one"))
    day_of_month: Int32 | None = Field(default=None, description=(
        "monthly: 1..31; past the month's end it fires on its last day"))


class DestinationIn(BaseModel):
    kind: Literal["telegram", "webhook"]
    chat_id: Int64 | None = Field(default=None, description=(
        "telegram: a chat your registered bot is in (a group's id is negative)"))
    message_thread_id: Int64 | None = Field(default=None, description="telegram: a topic")
    url: str | None = Field(default=None, max_length=2048, description=(
        "webhook: a public http(s) URL; the report is POSTed as JSON, signed"))
    secret: str | None = Field(default=None, max_length=256, repr=False, description=(
        "webhook: at least 16 characters, signs every delivery (write-only; omit on update "
        "to keep it)"))


class ReportIn(ReportSpecIn):
    """A schedule's report: the spec of POST /v1/analytics/reports, its period counted from
    each run."""

    relative: Relative | None = Field(default=None, description="A period relative to the run "
                                                                "(default yesterday)")
    time_zone: str = Field(default="", max_length=64, description=(
        "IANA zone of the report's days ('' = the schedule's zone)"))


class ScheduleIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    recurrence: RecurrenceIn
    local_time: str = Field(max_length=5, description="HH:MM, local to time_zone", examples=["09:00"])
    time_zone: str = Field(max_length=64, description="IANA zone", examples=["Europe/Moscow"])
    destination: DestinationIn
    report: ReportIn = Field(default_factory=ReportIn)
    missed_run_policy: Policy = Field(default="fire_once_late", description=(
        "After downtime: one late run, or skip to the next slot"))
    enabled: bool = True


class SchedulePatch(BaseModel):
    """The fields given change; the others stay."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    recurrence: RecurrenceIn | None = None
    local_time: str | None = Field(default=None, max_length=5)
    time_zone: str | None = Field(default=None, max_length=64)
    destination: DestinationIn | None = None
    report: ReportIn | None = None
    missed_run_policy: Policy | None = None
    enabled: bool | None = None

    def fields(self) -> list[str]:
        return sorted(name for name in self.model_fields_set if getattr(self, name) is not None)


def schedule_proto(form: ScheduleIn | SchedulePatch) -> pb.Schedule:
    message = pb.Schedule(name=form.name or "", local_time=form.local_time or "",
                          time_zone=form.time_zone or "", enabled=bool(form.enabled))
    if form.recurrence is not None:
        message.recurrence.CopyFrom(_recurrence(form.recurrence))
    if form.destination is not None:
        message.destination.CopyFrom(_destination(form.destination))
    if form.report is not None:
        message.report.CopyFrom(form.report.proto())
    if form.missed_run_policy is not None:
        message.missed_run_policy = POLICY[form.missed_run_policy]
    return message


def _recurrence(r: RecurrenceIn) -> pb.Recurrence:
    if r.kind == "every_n_days":
        return pb.Recurrence(every_n_days=pb.EveryNDays(
            n=r.n or 0, start_date=r.start_date.isoformat() if r.start_date else ""))
    if r.kind == "weekly":
        return pb.Recurrence(weekly=pb.Weekly(weekdays=r.weekdays or []))
    if r.kind == "monthly":
        return pb.Recurrence(monthly=pb.Monthly(day_of_month=r.day_of_month or 0))
    return pb.Recurrence(daily=pb.Daily())


def _destination(d: DestinationIn) -> pb.Destination:
    if d.kind == "telegram":
        return pb.Destination(telegram=pb.TelegramDestination(
            chat_id=d.chat_id or 0, message_thread_id=d.message_thread_id))
    return pb.Destination(webhook=pb.WebhookDestination(url=d.url or "", secret=d.secret or ""))


def recurrence_out(r: pb.Recurrence) -> RecurrenceIn:
    kind = r.WhichOneof("kind") or "daily"
    if kind == "every_n_days":
        return RecurrenceIn(kind="every_n_days", n=r.every_n_days.n,
                            start_date=date.fromisoformat(r.every_n_days.start_date))
    if kind == "weekly":
        return RecurrenceIn(kind="weekly", weekdays=list(r.weekly.weekdays))
    if kind == "monthly":
        return RecurrenceIn(kind="monthly", day_of_month=r.monthly.day_of_month)
    return RecurrenceIn(kind="daily")


def report_out(spec: report_pb2.ReportSpec) -> ReportIn:
    return ReportIn.from_proto(spec)


def when(message: object, field: str) -> datetime | None:
    return to_datetime(getattr(message, field)) if message.HasField(field) else None  # type: ignore[attr-defined]
