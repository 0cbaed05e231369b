"""Proto <-> domain for the scheduling RPCs: a Schedule message to the fields the service
validates, and stored rows back to messages (a webhook's secret never goes out)."""

from __future__ import annotations

from datetime import date

from clients.rpc.gen.switchboard.analytics.v1 import report_pb2
from clients.rpc.gen.switchboard.scheduling.v1 import scheduling_service_pb2 as pb
from services.kernel.errors import InvalidArgument
from services.kernel.timestamps import timestamp
from services.scheduling import recurrence as rec
from services.scheduling.models import Run, RunStatus, Schedule, Trigger
from services.scheduling.service import (
    FIELDS,
    Destination,
    ScheduleFields,
    ScheduleView,
    Telegram,
    Webhook,
)

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
