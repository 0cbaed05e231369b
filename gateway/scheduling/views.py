"""Schedules and their runs as the gateway shows them, for REST and GraphQL alike (a webhook's
secret never goes out)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from clients.rpc.gen.switchboard.scheduling.v1 import scheduling_service_pb2 as pb
from gateway.scheduling.forms import (
    POLICY_NAMES,
    STATUS_NAMES,
    TRIGGER_NAMES,
    Policy,
    RecurrenceIn,
    ReportIn,
    recurrence_out,
    report_out,
    when,
)


class DestinationOut(BaseModel):
    kind: Literal["telegram", "webhook"]
    chat_id: int | None = None
    message_thread_id: int | None = None
    url: str | None = None
    secret_set: bool | None = Field(default=None, description="webhook: a secret is stored")


class RunOut(BaseModel):
    id: str
    schedule_id: str
    trigger: Literal["scheduled", "manual", "unknown"]
    status: Literal["pending", "delivered", "failed", "skipped", "unknown"]
    error: str = Field(description="Why it failed or was skipped; a partial report's problems")
    scheduled_for: datetime | None = Field(description="The slot (a manual run: when asked)")
    started_at: datetime | None
    finished_at: datetime | None
    attempt: int = Field(description="Delivery attempts made")
    late: bool = Field(description="Fired after downtime")
    partial: bool = Field(description="The report lacked a source (see error)")

    @classmethod
    def from_proto(cls, run: pb.Run) -> RunOut:
        return cls(id=run.id, schedule_id=run.schedule_id,
                   trigger=TRIGGER_NAMES.get(run.trigger, "unknown"),  # type: ignore[arg-type]
                   status=STATUS_NAMES.get(run.status, "unknown"),  # type: ignore[arg-type]
                   error=run.error, scheduled_for=when(run, "scheduled_for"),
                   started_at=when(run, "started_at"), finished_at=when(run, "finished_at"),
                   attempt=run.attempt, late=run.late, partial=run.partial)


class ScheduleOut(BaseModel):
    id: str
    name: str
    recurrence: RecurrenceIn
    local_time: str
    time_zone: str
    destination: DestinationOut
    report: ReportIn
    missed_run_policy: Policy
    enabled: bool
    next_run_at: datetime | None = Field(description="null while disabled")
    last_run: RunOut | None
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_proto(cls, s: pb.Schedule) -> ScheduleOut:
        d = s.destination
        destination = DestinationOut(
            kind="telegram", chat_id=d.telegram.chat_id,
            message_thread_id=d.telegram.message_thread_id
            if d.telegram.HasField("message_thread_id") else None,
        ) if d.WhichOneof("kind") == "telegram" else DestinationOut(
            kind="webhook", url=d.webhook.url, secret_set=d.webhook.secret_set)
        return cls(
            id=s.id, name=s.name, recurrence=recurrence_out(s.recurrence),
            local_time=s.local_time, time_zone=s.time_zone, destination=destination,
            report=report_out(s.report),
            missed_run_policy=POLICY_NAMES.get(s.missed_run_policy, "fire_once_late"),  # type: ignore[arg-type]
            enabled=s.enabled, next_run_at=when(s, "next_run_at"),
            last_run=RunOut.from_proto(s.last_run) if s.HasField("last_run") else None,
            created_at=when(s, "created_at"), updated_at=when(s, "updated_at"))
