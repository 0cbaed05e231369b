"""The rules behind the scheduling RPCs: a schedule is validated whole (zone, time, recurrence,
destination: a webhook URL through the kernel's outbound guard) before it is stored; its
next_run_at is computed on every change that moves it; a webhook secret is stored encrypted
and never returned."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from services.kernel.crypto import SecretBox
from services.kernel.errors import InvalidArgument, NotFound
from services.kernel.urls import OutboundGuard, UrlRefused
from services.scheduling import recurrence as rec
from services.scheduling.models import MissedRunPolicy, Run, Schedule
from services.scheduling.repository import SchedulingUnit

MIN_SECRET_LENGTH = 16
NAME_LENGTH = 200
WEBHOOK_REFUSED = "webhook.url must be a public http(s) address"
FIELDS = frozenset({"name", "recurrence", "local_time", "time_zone", "destination", "report",
                    "missed_run_policy", "enabled"})
# A change to one of these moves the next run.
_TIMING = frozenset({"recurrence", "local_time", "time_zone", "enabled"})


@dataclass(frozen=True)
class Telegram:
    chat_id: int
    message_thread_id: int | None = None


@dataclass(frozen=True)
class Webhook:
    url: str
    secret: str = ""  # empty on update: keep the stored one


Destination = Telegram | Webhook


@dataclass
class ScheduleFields:
    """A schedule as a caller wrote it (create: all; update: those in `given`)."""

    name: str = ""
    recurrence: rec.Recurrence | None = None
    local_time: str = ""
    time_zone: str = ""
    destination: Destination | None = None
    report: bytes = b""  # a serialized analytics ReportSpec
    missed_run_policy: int = 0
    enabled: bool = True
    given: frozenset[str] = field(default_factory=lambda: FIELDS)


@dataclass(frozen=True)
class ScheduleView:
    schedule: Schedule
    last_run: Run | None


class SchedulingService:
    def __init__(self, box: SecretBox, guard: OutboundGuard,
                 now: Callable[[], datetime] | None = None,
                 wake: Callable[[], None] | None = None) -> None:
        self._box, self._guard = box, guard
        self._now = now or (lambda: datetime.now(UTC))
        self._wake = wake or (lambda: None)

    async def create(self, unit: SchedulingUnit, fields: ScheduleFields) -> ScheduleView:
        for required in ("recurrence", "destination"):
            if getattr(fields, required) is None:
                raise InvalidArgument(f"{required} is required")
        values = await self._values(fields, FIELDS, stored_secret=None)
        schedule = unit.schedules.new(**values)
        schedule.next_run_at = self._next(schedule)
        await unit.flush()
        return ScheduleView(schedule, None)

    async def update(self, unit: SchedulingUnit, id_: uuid.UUID,
                     fields: ScheduleFields) -> ScheduleView:
        unknown = fields.given - FIELDS
        if unknown:
            raise InvalidArgument(f"update_fields: {', '.join(sorted(unknown))} cannot be "
                                  f"updated (only {', '.join(sorted(FIELDS))})")
        schedule = await unit.schedules.lock(id_)
        values = await self._values(fields, fields.given, stored_secret=schedule.webhook_secret_enc)
        for name, value in values.items():
            setattr(schedule, name, value)
        rec.validate(rec.rule_of(schedule.recurrence, schedule.local_time,
                                 schedule.time_zone).recurrence)
        if fields.given & _TIMING:
            schedule.next_run_at = self._next(schedule)
        await unit.flush()
        return await self.get(unit, id_)

    async def get(self, unit: SchedulingUnit, id_: uuid.UUID) -> ScheduleView:
        schedule = await unit.schedules.get_or_raise(id_, "schedule")
        latest = await unit.runs.latest([id_])
        return ScheduleView(schedule, latest.get(id_))

    async def list(self, unit: SchedulingUnit, size: int,
                   cursor: str) -> tuple[list[ScheduleView], str]:
        schedules, next_cursor = await unit.schedules.list_page(size, cursor)
        latest = await unit.runs.latest([s.id for s in schedules])
        return [ScheduleView(s, latest.get(s.id)) for s in schedules], next_cursor

    async def delete(self, unit: SchedulingUnit, id_: uuid.UUID) -> None:
        if not await unit.schedules.remove(id_):
            raise NotFound(f"schedule {id_} not found")

    async def run_now(self, unit: SchedulingUnit, id_: uuid.UUID) -> Run:
        """A manual run, worked by the scheduler's workers (woken at commit)."""
        schedule = await unit.schedules.get_or_raise(id_, "schedule")
        run = unit.runs.manual(schedule.id, self._now())
        await unit.flush()
        unit.after_commit(self._wake)
        return run

    async def runs(self, unit: SchedulingUnit, id_: uuid.UUID, size: int,
                   cursor: str) -> tuple[Sequence[Run], str]:
        await unit.schedules.get_or_raise(id_, "schedule")
        return await unit.runs.history(id_, size, cursor)

    def _next(self, schedule: Schedule) -> datetime | None:
        if not schedule.enabled:
            return None
        rule = rec.rule_of(schedule.recurrence, schedule.local_time, schedule.time_zone)
        return rec.next_run(rule, self._now())

    async def _values(self, fields: ScheduleFields, names: frozenset[str],
                      stored_secret: bytes | None) -> dict[str, Any]:
        """The columns for the fields named, each validated."""
        values: dict[str, Any] = {}
        if "name" in names:
            values["name"] = _name(fields.name)
        if "recurrence" in names:
            if fields.recurrence is None:
                raise InvalidArgument("recurrence is required")
            values["recurrence"] = rec.to_json(rec.validate(fields.recurrence))
        if "local_time" in names:
            values["local_time"] = rec.parse_local_time(fields.local_time).strftime("%H:%M")
        if "time_zone" in names:
            values["time_zone"] = rec.parse_zone(fields.time_zone).key
        if "destination" in names:
            values.update(await self._destination(fields.destination, stored_secret))
        if "report" in names:
            values["report"] = fields.report
        if "missed_run_policy" in names:
            values["missed_run_policy"] = _policy(fields.missed_run_policy)
        if "enabled" in names:
            values["enabled"] = fields.enabled
        return values

    async def _destination(self, destination: Destination | None,
                           stored_secret: bytes | None) -> dict[str, Any]:
        if isinstance(destination, Telegram):
            if destination.chat_id == 0:
                raise InvalidArgument("telegram.chat_id is required")
            return {"destination": {"kind": "telegram", "chat_id": destination.chat_id,
                                    "message_thread_id": destination.message_thread_id},
                    "webhook_secret_enc": None}
        if isinstance(destination, Webhook):
            await self._vet(destination.url)
            if destination.secret:
                if len(destination.secret) < MIN_SECRET_LENGTH:
                    raise InvalidArgument(f"webhook.secret must be at least {MIN_SECRET_LENGTH} "
                                          "characters")
                secret = self._box.encrypt(destination.secret)
            elif stored_secret is not None:
                secret = stored_secret
            else:
                raise InvalidArgument(f"webhook.secret is required (at least "
                                      f"{MIN_SECRET_LENGTH} characters): it signs every delivery")
            return {"destination": {"kind": "webhook", "url": destination.url},
                    "webhook_secret_enc": secret}
        raise InvalidArgument("destination is required: telegram or webhook")

    async def _vet(self, url: str) -> None:
        try:
            await self._guard.check(url)
        except UrlRefused:
            raise InvalidArgument(WEBHOOK_REFUSED) from None


def _name(value: str) -> str:
    name = value.strip()
    if not name or len(name) > NAME_LENGTH:
        raise InvalidArgument(f"name is required, at most {NAME_LENGTH} characters")
    return name


def _policy(value: int) -> int:
    if value == 0:
        return MissedRunPolicy.FIRE_ONCE_LATE
    if value not in {p.value for p in MissedRunPolicy}:
        raise InvalidArgument(f"missed_run_policy {value} is not FIRE_ONCE_LATE or SKIP")
    return value
