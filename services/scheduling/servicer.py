"""gRPC SchedulingService: proto <-> domain (below: a Schedule message to the fields the service
validates, rows back to messages, a webhook's secret never going out), one unit of work per call."""

from __future__ import annotations

from datetime import date

from grpc.aio import ServicerContext

from clients.rpc.gen.switchboard.analytics.v1 import report_pb2
from clients.rpc.gen.switchboard.common.v1 import pagination_pb2
from clients.rpc.gen.switchboard.scheduling.v1 import scheduling_service_pb2 as pb
from clients.rpc.gen.switchboard.scheduling.v1 import scheduling_service_pb2_grpc as rpc
from services.kernel.errors import InvalidArgument
from services.kernel.repository import page_size, parse_uuid
from services.kernel.timestamps import timestamp
from services.kernel.unit import Units
from services.scheduling import recurrence as rec
from services.scheduling.models import Run, RunStatus, Schedule, Trigger
from services.scheduling.repository import SchedulingUnit
from services.scheduling.service import (
    FIELDS,
    Destination,
    ScheduleFields,
    ScheduleView,
    SchedulingService,
    Telegram,
    Webhook,
)

SERVICE_NAME = "switchboard.scheduling.v1.SchedulingService"


class SchedulingServicer(rpc.SchedulingServiceServicer):
    def __init__(self, units: Units[SchedulingUnit], service: SchedulingService) -> None:
        self.units, self.service = units, service

    async def CreateSchedule(self, request: pb.CreateScheduleRequest,
                             context: ServicerContext) -> pb.CreateScheduleResponse:
        fields = fields_from(request.schedule)
        async with self.units() as unit:
            view = await self.service.create(unit, fields)
        return pb.CreateScheduleResponse(schedule=schedule_to_proto(view))

    async def GetSchedule(self, request: pb.GetScheduleRequest,
                          context: ServicerContext) -> pb.GetScheduleResponse:
        async with self.units() as unit:
            view = await self.service.get(unit, parse_uuid(request.id, "schedule id"))
        return pb.GetScheduleResponse(schedule=schedule_to_proto(view))

    async def ListSchedules(self, request: pb.ListSchedulesRequest,
                            context: ServicerContext) -> pb.ListSchedulesResponse:
        size = page_size(request.page.page_size)
        async with self.units() as unit:
            views, cursor = await self.service.list(unit, size, request.page.cursor)
        return pb.ListSchedulesResponse(
            schedules=[schedule_to_proto(v) for v in views],
            page_info=pagination_pb2.PageInfo(next_cursor=cursor, has_more=bool(cursor)))

    async def UpdateSchedule(self, request: pb.UpdateScheduleRequest,
                             context: ServicerContext) -> pb.UpdateScheduleResponse:
        fields = fields_from(request.schedule, frozenset(request.update_fields))
        async with self.units() as unit:
            view = await self.service.update(unit, parse_uuid(request.id, "schedule id"), fields)
        return pb.UpdateScheduleResponse(schedule=schedule_to_proto(view))

    async def DeleteSchedule(self, request: pb.DeleteScheduleRequest,
                             context: ServicerContext) -> pb.DeleteScheduleResponse:
        async with self.units() as unit:
            await self.service.delete(unit, parse_uuid(request.id, "schedule id"))
        return pb.DeleteScheduleResponse()

    async def RunScheduleNow(self, request: pb.RunScheduleNowRequest,
                             context: ServicerContext) -> pb.RunScheduleNowResponse:
        async with self.units() as unit:
            run = await self.service.run_now(unit, parse_uuid(request.id, "schedule id"))
        return pb.RunScheduleNowResponse(run=run_to_proto(run))

    async def ListScheduleRuns(self, request: pb.ListScheduleRunsRequest,
                               context: ServicerContext) -> pb.ListScheduleRunsResponse:
        size = page_size(request.page.page_size)
        async with self.units() as unit:
            runs, cursor = await self.service.runs(
                unit, parse_uuid(request.schedule_id, "schedule id"), size, request.page.cursor)
        return pb.ListScheduleRunsResponse(
            runs=[run_to_proto(r) for r in runs],
            page_info=pagination_pb2.PageInfo(next_cursor=cursor, has_more=bool(cursor)))


# ---- proto <-> domain ----------------------------------------------------------------------

_STATUS = {RunStatus.PENDING: pb.RUN_STATUS_PENDING, RunStatus.DELIVERED: pb.RUN_STATUS_DELIVERED,
           RunStatus.FAILED: pb.RUN_STATUS_FAILED, RunStatus.SKIPPED: pb.RUN_STATUS_SKIPPED}
_TRIGGER = {Trigger.SCHEDULED: pb.RUN_TRIGGER_SCHEDULED, Trigger.MANUAL: pb.RUN_TRIGGER_MANUAL}


def fields_from(message: pb.Schedule, given: frozenset[str] = FIELDS) -> ScheduleFields:
    return ScheduleFields(
        name=message.name,
        recurrence=recurrence_from(message.recurrence) if "recurrence" in given else None,
        local_time=message.local_time, time_zone=message.time_zone,
        destination=destination_from(message.destination) if "destination" in given else None,
        report=message.report.SerializeToString(deterministic=True),
        missed_run_policy=message.missed_run_policy, enabled=message.enabled, given=given)


def recurrence_from(message: pb.Recurrence) -> rec.Recurrence | None:
    kind = message.WhichOneof("kind")
    if kind == "daily":
        return rec.Daily()
    if kind == "every_n_days":
        try:
            start = date.fromisoformat(message.every_n_days.start_date)
        except ValueError:
            raise InvalidArgument("every_n_days.start_date must be a date, YYYY-MM-DD") from None
        return rec.EveryNDays(message.every_n_days.n, start)
    if kind == "weekly":
        return rec.Weekly(frozenset(message.weekly.weekdays))
    if kind == "monthly":
        return rec.Monthly(message.monthly.day_of_month)
    return None


def destination_from(message: pb.Destination) -> Destination | None:
    kind = message.WhichOneof("kind")
    if kind == "telegram":
        t = message.telegram
        return Telegram(t.chat_id, t.message_thread_id if t.HasField("message_thread_id") else None)
    if kind == "webhook":
        return Webhook(message.webhook.url, message.webhook.secret)
    return None


def schedule_to_proto(view: ScheduleView) -> pb.Schedule:
    s = view.schedule
    return pb.Schedule(
        id=str(s.id), name=s.name, recurrence=_recurrence(rec.from_json(s.recurrence)),
        local_time=s.local_time, time_zone=s.time_zone, destination=_destination(s),
        report=report_pb2.ReportSpec.FromString(s.report),
        missed_run_policy=s.missed_run_policy, enabled=s.enabled,  # type: ignore[arg-type]
        next_run_at=timestamp(s.next_run_at),
        last_run=run_to_proto(view.last_run) if view.last_run else None,
        created_at=timestamp(s.created_at), updated_at=timestamp(s.updated_at))


def run_to_proto(run: Run) -> pb.Run:
    return pb.Run(
        id=str(run.id), schedule_id=str(run.schedule_id), trigger=_TRIGGER[Trigger(run.trigger)],
        status=_STATUS[RunStatus(run.status)], error=run.error,
        scheduled_for=timestamp(run.scheduled_for), started_at=timestamp(run.started_at),
        finished_at=timestamp(run.finished_at), attempt=run.attempts, late=run.late,
        partial=run.partial)


def _recurrence(value: rec.Recurrence) -> pb.Recurrence:
    if isinstance(value, rec.EveryNDays):
        return pb.Recurrence(every_n_days=pb.EveryNDays(
            n=value.n, start_date=value.start_date.isoformat()))
    if isinstance(value, rec.Weekly):
        return pb.Recurrence(weekly=pb.Weekly(weekdays=sorted(value.weekdays)))
    if isinstance(value, rec.Monthly):
        return pb.Recurrence(monthly=pb.Monthly(day_of_month=value.day_of_month))
    return pb.Recurrence(daily=pb.Daily())


def _destination(s: Schedule) -> pb.Destination:
    d = s.destination
    if d.get("kind") == "telegram":
        return pb.Destination(telegram=pb.TelegramDestination(
            chat_id=int(d["chat_id"]), message_thread_id=d.get("message_thread_id")))
    return pb.Destination(webhook=pb.WebhookDestination(
        url=str(d.get("url", "")), secret_set=s.webhook_secret_enc is not None))
