"""Reports and their schedules: the metric catalogue, a report rendered now (Telegram HTML,
JSON, or a PNG chart), and schedules that deliver a report to a Telegram chat (through your
registered bot) or a signed webhook, with their run history.

    html = await sb.report(ReportSpec(relative=Period.LAST_7_DAYS), "html")
    await sb.create_schedule(ScheduleSpec(
        name="Утро", recurrence=Recurrence(RecurrenceKind.DAILY), local_time="09:00",
        time_zone="Europe/Moscow", destination=ScheduleDestination.telegram(chat_id),
        report=ReportSpec(relative=Period.YESTERDAY)))
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from switchboard_sdk._base import Api
from switchboard_sdk._codec import OpenEnum, decode, decode_list
from switchboard_sdk.errors import ProtocolError

REPORT_METRICS = """
query ReportMetrics { reportMetrics { key title unit source default } }"""
REPORT = """
query Report($spec: ReportSpecInput!, $format: String!) {
  report(spec: $spec, format: $format) {
    format content partial problems periodFrom periodTo timeZone
  }
}"""
RUN = """
fragment ScheduleRunFields on ScheduleRun {
  id scheduleId trigger status error scheduledFor startedAt finishedAt attempt late partial
}"""
SCHEDULE = RUN + """
fragment ScheduleFields on Schedule {
  id name localTime timeZone missedRunPolicy enabled nextRunAt createdAt updatedAt
  recurrence { kind n startDate weekdays dayOfMonth }
  destination { kind chatId messageThreadId url secretSet }
  report { channelIds combined metrics relative fromDate toDate timeZone }
  lastRun { ...ScheduleRunFields }
}"""
SCHEDULES = SCHEDULE + """
query Schedules($first: Int!, $after: String) {
  schedules(first: $first, after: $after) { ...ScheduleFields }
}"""
GET_SCHEDULE = SCHEDULE + """
query Schedule($id: ID!) { schedule(id: $id) { ...ScheduleFields } }"""
CREATE_SCHEDULE = SCHEDULE + """
mutation CreateSchedule($input: ScheduleInput!) { createSchedule(input: $input) { ...ScheduleFields } }"""
UPDATE_SCHEDULE = SCHEDULE + """
mutation UpdateSchedule($id: ID!, $input: ScheduleInput!) {
  updateSchedule(id: $id, input: $input) { ...ScheduleFields }
}"""
DELETE_SCHEDULE = """
mutation DeleteSchedule($id: ID!) { deleteSchedule(id: $id) }"""
RUN_SCHEDULE_NOW = RUN + """
mutation RunScheduleNow($id: ID!) { runScheduleNow(id: $id) { ...ScheduleRunFields } }"""
SCHEDULE_RUNS = RUN + """
query ScheduleRuns($id: ID!, $first: Int!) {
  scheduleRuns(id: $id, first: $first) { ...ScheduleRunFields }
}"""


class Period(OpenEnum):
    YESTERDAY = "yesterday"
    TODAY_SO_FAR = "today_so_far"
    LAST_7_DAYS = "last_7_days"
    LAST_30_DAYS = "last_30_days"
    PREVIOUS_WEEK = "previous_week"
    PREVIOUS_MONTH = "previous_month"
    MONTH_TO_DATE = "month_to_date"


class RecurrenceKind(OpenEnum):
    DAILY = "daily"
    EVERY_N_DAYS = "every_n_days"  # n, from start_date
    WEEKLY = "weekly"              # weekdays: 1 = Monday ... 7 = Sunday
    MONTHLY = "monthly"            # day_of_month, clamped to the month's end


@dataclass(frozen=True)
class ReportMetric:
    key: str
    title: str = ""
    unit: str = ""
    source: str = ""  # inbox or avito
    default: bool = False


@dataclass(frozen=True)
class ReportSpec:
    """Which accounts (none: every one), combined or a section each, which metrics (none: the
    defaults), a relative period or explicit local dates (YYYY-MM-DD, inclusive), a zone."""

    channel_ids: list[str] | None = None
    combined: bool = True
    metrics: list[str] | None = None
    relative: Period | None = None
    from_date: str | None = None
    to_date: str | None = None
    time_zone: str = ""


@dataclass(frozen=True)
class Report:
    format: str
    content: str  # JSON or HTML; a PNG in base64 (see `png`)
    partial: bool = False
    problems: list[str] = field(default_factory=list)
    period_from: datetime | None = None
    period_to: datetime | None = None
    time_zone: str = ""

    @property
    def png(self) -> bytes:
        try:
            return base64.b64decode(self.content, validate=True)
        except (binascii.Error, ValueError):
            raise ProtocolError("the report's PNG is not base64") from None


@dataclass(frozen=True)
class Recurrence:
    kind: RecurrenceKind
    n: int | None = None
    start_date: str | None = None
    weekdays: list[int] | None = None
    day_of_month: int | None = None


@dataclass(frozen=True)
class ScheduleDestination:
    kind: str  # telegram or webhook
    chat_id: str | None = None  # Telegram ids are 64-bit: an ID on the wire
    message_thread_id: str | None = None
    url: str | None = None
    secret: str | None = None  # write-only
    secret_set: bool | None = None

    @classmethod
    def telegram(cls, chat_id: int, message_thread_id: int | None = None) -> ScheduleDestination:
        return cls("telegram", str(chat_id),
                   None if message_thread_id is None else str(message_thread_id))

    @property
    def telegram_chat(self) -> int | None:
        return int(self.chat_id) if self.kind == "telegram" and self.chat_id else None


@dataclass(frozen=True)
class ScheduleRun:
    id: str
    schedule_id: str
    trigger: str = ""  # scheduled or manual
    status: str = ""   # pending, delivered, failed or skipped
    error: str = ""
    scheduled_for: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    attempt: int = 0
    late: bool = False
    partial: bool = False


@dataclass(frozen=True)
class Schedule:
    id: str
    name: str
    recurrence: Recurrence
    local_time: str
    time_zone: str
    destination: ScheduleDestination
    report: ReportSpec
    missed_run_policy: str = "fire_once_late"
    enabled: bool = True
    next_run_at: datetime | None = None
    last_run: ScheduleRun | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class ScheduleSpec:
    """A schedule to create (every field but `missed_run_policy` and `enabled`), or the fields
    to change (the rest left None)."""

    name: str | None = None
    recurrence: Recurrence | None = None
    local_time: str | None = None  # HH:MM, local to time_zone
    time_zone: str | None = None   # IANA, e.g. Europe/Moscow
    destination: ScheduleDestination | None = None
    report: ReportSpec | None = None
    missed_run_policy: str | None = None  # fire_once_late or skip
    enabled: bool | None = None


class ReportsApi(Api):
    async def report_metrics(self) -> list[ReportMetric]:
        """Every metric key a report may name, with its Russian title (read key)."""
        return decode_list(ReportMetric, await self._data(REPORT_METRICS, "reportMetrics"))

    async def report(self, spec: ReportSpec, format: str = "html") -> Report:
        """A report rendered now: "html" (Telegram's parse_mode HTML), "json" or "png" (the
        chart; `Report.png` gives the bytes). `partial` with `problems` when a source failed:
        what is missing is said, never shown as zero."""
        return decode(Report, await self._data(REPORT, "report", spec=spec, format=format))

    async def schedules(self, first: int = 100) -> list[Schedule]:
        """The tenant's schedules, oldest first (at most `first`)."""
        return decode_list(Schedule, await self._data(SCHEDULES, "schedules", first=first,
                                                       after=None))

    async def schedule(self, schedule_id: str) -> Schedule | None:
        found = await self._data(GET_SCHEDULE, "schedule", id=schedule_id)
        return None if found is None else decode(Schedule, found)

    async def create_schedule(self, spec: ScheduleSpec) -> Schedule:
        """A schedule (write key). InvalidInput says what to fix (zone, time, weekdays, day of
        the month, a refused URL). Not retried."""
        return decode(Schedule, await self._data(CREATE_SCHEDULE, "createSchedule", safe=False,
                                                 input=spec))

    async def update_schedule(self, schedule_id: str, change: ScheduleSpec) -> Schedule:
        """Change the fields given (write key)."""
        return decode(Schedule, await self._data(UPDATE_SCHEDULE, "updateSchedule", safe=False,
                                                 id=schedule_id, input=change))

    async def delete_schedule(self, schedule_id: str) -> None:
        await self._data(DELETE_SCHEDULE, "deleteSchedule", safe=False, id=schedule_id)

    async def run_schedule_now(self, schedule_id: str) -> ScheduleRun:
        """Queue a run now (write key); follow it in `schedule_runs`."""
        return decode(ScheduleRun, await self._data(RUN_SCHEDULE_NOW, "runScheduleNow",
                                                    safe=False, id=schedule_id))

    async def schedule_runs(self, schedule_id: str, first: int = 20) -> list[ScheduleRun]:
        """A schedule's runs, newest first."""
        found: Any = await self._data(SCHEDULE_RUNS, "scheduleRuns", id=schedule_id, first=first)
        return decode_list(ScheduleRun, found)
