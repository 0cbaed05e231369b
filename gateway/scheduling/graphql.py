"""GraphQL: schedules — `schedules`, `schedule(id)`, `scheduleRuns(id)`, and the mutations
`createSchedule`, `updateSchedule`, `deleteSchedule`, `runScheduleNow`, through REST's request
models (`forms.py`: one validation) and representations (`schemas.py`). Telegram's chat ids
are 64-bit: they travel as `ID`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry
from pydantic import BaseModel, ValidationError

from gateway.graphql.context import Info
from gateway.graphql.errors import bad_input, invalid_input
from gateway.graphql.pagination import page_size
from gateway.scheduling.forms import ScheduleIn, SchedulePatch, schedule_proto
from gateway.scheduling.views import RunOut, ScheduleOut
from services.kernel.errors import NotFound


@strawberry.type
class Recurrence:
    kind: str = strawberry.field(description="daily, every_n_days, weekly or monthly")
    n: int | None
    start_date: date | None
    weekdays: list[int] | None = strawberry.field(description="1 = Monday ... 7 = Sunday")
    day_of_month: int | None


@strawberry.type
class ScheduleDestination:
    kind: str = strawberry.field(description="telegram or webhook")
    chat_id: strawberry.ID | None
    message_thread_id: strawberry.ID | None
    url: str | None
    secret_set: bool | None


@strawberry.type
class ScheduleReport:
    channel_ids: list[str]
    combined: bool
    metrics: list[str]
    relative: str | None
    from_date: date | None
    to_date: date | None
    time_zone: str


@strawberry.type
class ScheduleRun:
    id: strawberry.ID
    schedule_id: strawberry.ID
    trigger: str = strawberry.field(description="scheduled or manual")
    status: str = strawberry.field(description="pending, delivered, failed or skipped")
    error: str
    scheduled_for: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    attempt: int
    late: bool
    partial: bool

    @classmethod
    def of(cls, run: RunOut) -> ScheduleRun:
        return cls(**{**run.model_dump(), "id": strawberry.ID(run.id),
                      "schedule_id": strawberry.ID(run.schedule_id)})


@strawberry.type
class Schedule:
    id: strawberry.ID
    name: str
    recurrence: Recurrence
    local_time: str
    time_zone: str
    destination: ScheduleDestination
    report: ScheduleReport
    missed_run_policy: str = strawberry.field(description="fire_once_late or skip")
    enabled: bool
    next_run_at: datetime | None
    last_run: ScheduleRun | None
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def of(cls, s: ScheduleOut) -> Schedule:
        d = s.destination
        return cls(
            id=strawberry.ID(s.id), name=s.name, recurrence=Recurrence(**s.recurrence.model_dump()),
            local_time=s.local_time, time_zone=s.time_zone,
            destination=ScheduleDestination(
                kind=d.kind, url=d.url, secret_set=d.secret_set,
                chat_id=strawberry.ID(str(d.chat_id)) if d.chat_id is not None else None,
                message_thread_id=strawberry.ID(str(d.message_thread_id))
                if d.message_thread_id is not None else None),
            report=ScheduleReport(**s.report.model_dump()),
            missed_run_policy=s.missed_run_policy, enabled=s.enabled, next_run_at=s.next_run_at,
            last_run=ScheduleRun.of(s.last_run) if s.last_run else None,
            created_at=s.created_at, updated_at=s.updated_at)


@strawberry.input
class RecurrenceInput:
    kind: str = strawberry.field(description="daily, every_n_days, weekly or monthly")
    n: int | None = None
    start_date: date | None = None
    weekdays: list[int] | None = None
    day_of_month: int | None = None


@strawberry.input
class ScheduleDestinationInput:
    kind: str = strawberry.field(description="telegram or webhook")
    chat_id: strawberry.ID | None = None
    message_thread_id: strawberry.ID | None = None
    url: str | None = None
    secret: str | None = strawberry.field(default=None, description="write-only")


@strawberry.input
class ScheduleReportInput:
    channel_ids: list[str] | None = None
    combined: bool = True
    metrics: list[str] | None = None
    relative: str | None = strawberry.field(default=None, description=(
        "yesterday, today_so_far, last_7_days, last_30_days, previous_week, previous_month, "
        "month_to_date"))
    from_date: date | None = None
    to_date: date | None = None
    time_zone: str = ""


@strawberry.input(description="createSchedule needs name, recurrence, localTime, timeZone and "
                              "destination; updateSchedule changes the fields given")
class ScheduleInput:
    name: str | None = None
    recurrence: RecurrenceInput | None = None
    local_time: str | None = None
    time_zone: str | None = None
    destination: ScheduleDestinationInput | None = None
    report: ScheduleReportInput | None = None
    missed_run_policy: str | None = strawberry.field(default=None,
                                                     description="fire_once_late or skip")
    enabled: bool | None = None


@strawberry.type
class ScheduleQuery:
    @strawberry.field(description="The tenant's schedules, oldest first")
    async def schedules(self, info: Info, first: int = 50,
                        after: str | None = None) -> list[Schedule]:
        tenant_id = info.context.require("read").tenant_id
        resp = await info.context.state.scheduling.list(tenant_id, page_size=page_size(first),
                                                        cursor=after or "")
        return [Schedule.of(ScheduleOut.from_proto(s)) for s in resp.schedules]

    @strawberry.field(description="One schedule; null if there is none")
    async def schedule(self, info: Info, id: strawberry.ID) -> Schedule | None:
        tenant_id = info.context.require("read").tenant_id
        try:
            found = await info.context.state.scheduling.get(tenant_id, str(id))
        except NotFound:
            return None
        return Schedule.of(ScheduleOut.from_proto(found))

    @strawberry.field(description="A schedule's runs, newest first")
    async def schedule_runs(self, info: Info, id: strawberry.ID, first: int = 50,
                            after: str | None = None) -> list[ScheduleRun]:
        tenant_id = info.context.require("read").tenant_id
        resp = await info.context.state.scheduling.runs(
            tenant_id, str(id), page_size=page_size(first), cursor=after or "")
        return [ScheduleRun.of(RunOut.from_proto(r)) for r in resp.runs]


@strawberry.type
class ScheduleMutation:
    @strawberry.mutation(description="A report on a schedule (write); bad zones, times, "
                                     "weekdays, days of the month, URLs are BAD_USER_INPUT")
    async def create_schedule(self, info: Info, input: ScheduleInput) -> Schedule:
        tenant_id = info.context.require("write").tenant_id
        form = _form(ScheduleIn, input)
        return Schedule.of(ScheduleOut.from_proto(
            await info.context.state.scheduling.create(tenant_id, schedule_proto(form))))

    @strawberry.mutation(description="Change the fields given (write)")
    async def update_schedule(self, info: Info, id: strawberry.ID,
                              input: ScheduleInput) -> Schedule:
        tenant_id = info.context.require("write").tenant_id
        form = _form(SchedulePatch, input)
        return Schedule.of(ScheduleOut.from_proto(await info.context.state.scheduling.update(
            tenant_id, str(id), schedule_proto(form), form.fields())))

    @strawberry.mutation(description="Delete a schedule and its runs (write)")
    async def delete_schedule(self, info: Info, id: strawberry.ID) -> bool:
        tenant_id = info.context.require("write").tenant_id
        await info.context.state.scheduling.delete(tenant_id, str(id))
        return True

    @strawberry.mutation(description="Queue a run now (write); follow it in scheduleRuns")
    async def run_schedule_now(self, info: Info, id: strawberry.ID) -> ScheduleRun:
        tenant_id = info.context.require("write").tenant_id
        return ScheduleRun.of(RunOut.from_proto(
            await info.context.state.scheduling.run_now(tenant_id, str(id))))


def _form(model: type[ScheduleIn] | type[SchedulePatch], value: ScheduleInput) -> Any:
    """REST's model from the input (fields left out stay unset: a patch changes only those)."""
    fields = {k: v for k, v in strawberry.asdict(value).items() if v is not None}
    destination = fields.get("destination")
    if destination:
        for key in ("chat_id", "message_thread_id"):
            if destination.get(key) is not None:
                destination[key] = _integer(destination[key], f"destination.{key}")
    try:
        form: BaseModel = model.model_validate(_without_none(fields))
    except ValidationError as exc:
        raise invalid_input(exc) from exc
    return form


def _integer(value: object, name: str) -> int:
    text = str(value).strip()
    if not text.lstrip("-").isdigit() or len(text) > 20:
        raise bad_input(f"{name} must be an integer")
    return int(text)


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    return value
