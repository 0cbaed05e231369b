"""When a schedule fires next: pure arithmetic on local wall time in an IANA zone.

A schedule names a wall time ("09:00") in a zone and a rule for the days (every day, every N
days from a start date, chosen weekdays, a day of the month). `next_run(rule, after)` is the
first firing instant strictly after `after`, in UTC. DST:
- a local time the zone skips (02:30 on a spring-forward night) fires at the first instant
  that exists after it: the transition itself (03:00 new time);
- a local time the zone passes twice (01:30 on a fall-back night) fires once, at the first.
A monthly day past the month's end fires on its last day (31 -> 30 April, 28/29 February).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.kernel.errors import InvalidArgument

MAX_EVERY_N_DAYS = 366
# Weekdays as ISO numbers: 1 = Monday ... 7 = Sunday.
WEEKDAYS = range(1, 8)


@dataclass(frozen=True)
class Daily:
    pass


@dataclass(frozen=True)
class EveryNDays:
    n: int
    start_date: date  # a firing day; the others are start_date + k * n


@dataclass(frozen=True)
class Weekly:
    weekdays: frozenset[int]  # ISO numbers


@dataclass(frozen=True)
class Monthly:
    day_of_month: int  # 1..31, clamped to the month's last day


Recurrence = Daily | EveryNDays | Weekly | Monthly


@dataclass(frozen=True)
class Rule:
    recurrence: Recurrence
    local_time: time
    zone: ZoneInfo


def parse_local_time(value: str) -> time:
    """"HH:MM" (24 h) or InvalidArgument saying what is expected."""
    hours, sep, minutes = value.partition(":")
    if (sep and len(hours) in (1, 2) and len(minutes) == 2 and hours.isdigit()
            and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
        return time(int(hours), int(minutes))
    raise InvalidArgument(f"local_time {value!r} is not a time of day: expected HH:MM, "
                          "00:00 to 23:59")


def parse_zone(name: str) -> ZoneInfo:
    """An IANA zone ("Europe/Moscow") or InvalidArgument."""
    if not name or name.startswith(("/", ".")) or ".." in name:
        raise InvalidArgument(f"time_zone {name!r} is not an IANA time zone "
                              "(e.g. Europe/Moscow, UTC)")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: 'Europe' is a folder
        raise InvalidArgument(f"time_zone {name!r} is not an IANA time zone "
                              "(e.g. Europe/Moscow, UTC)") from exc


def validate(recurrence: Recurrence) -> Recurrence:
    """The recurrence itself, or InvalidArgument naming what is wrong."""
    if isinstance(recurrence, EveryNDays) and not 1 <= recurrence.n <= MAX_EVERY_N_DAYS:
        raise InvalidArgument(f"every_n_days.n must be 1 to {MAX_EVERY_N_DAYS}, "
                              f"not {recurrence.n}")
    if isinstance(recurrence, Weekly):
        if not recurrence.weekdays:
            raise InvalidArgument("weekly.weekdays is empty: name at least one day "
                                  "(1 = Monday ... 7 = Sunday)")
        if not recurrence.weekdays <= set(WEEKDAYS):
            raise InvalidArgument("weekly.weekdays must be 1 (Monday) to 7 (Sunday), not "
                                  f"{sorted(recurrence.weekdays - set(WEEKDAYS))}")
    if isinstance(recurrence, Monthly) and not 1 <= recurrence.day_of_month <= 31:
        raise InvalidArgument("monthly.day_of_month must be 1 to 31 (a day past the month's "
                              f"end fires on its last day), not {recurrence.day_of_month}")
    return recurrence


def next_run(rule: Rule, after: datetime) -> datetime:
    """The first firing instant strictly after `after` (aware), in UTC."""
    if after.tzinfo is None:
        raise ValueError("after must be timezone-aware")
    # From the day before: a skipped wall time moves forward, possibly past midnight.
    start = after.astimezone(rule.zone).date() - timedelta(days=1)
    for day in firing_days(rule.recurrence, start):
        instant = wall_instant(day, rule.local_time, rule.zone)
        if instant > after:
            return instant
    raise AssertionError("unreachable: firing_days is infinite")


def firing_days(recurrence: Recurrence, start: date) -> Iterator[date]:
    """The recurrence's days from `start` on, in order (infinite)."""
    if isinstance(recurrence, Daily):
        day = start
        while True:
            yield day
            day += timedelta(days=1)
    elif isinstance(recurrence, EveryNDays):
        lag = (start - recurrence.start_date).days
        day = recurrence.start_date if lag <= 0 else start + timedelta(days=-lag % recurrence.n)
        while True:
            yield day
            day += timedelta(days=recurrence.n)
    elif isinstance(recurrence, Weekly):
        day = start
        while True:
            if day.isoweekday() in recurrence.weekdays:
                yield day
            day += timedelta(days=1)
    else:
        year, month = start.year, start.month
        while True:
            last = calendar.monthrange(year, month)[1]
            day = date(year, month, min(recurrence.day_of_month, last))
            if day >= start:
                yield day
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def wall_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant `day` `at` in `zone`: the first of two when the wall time repeats, the
    transition when the zone skips it."""
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == naive:
        return first
    # Skipped: fold=1 reads it with the offset after the gap (an instant before the gap),
    # fold=0 with the one before (after the gap); the transition lies in between.
    low = int(naive.replace(tzinfo=zone, fold=1).timestamp())
    high = int(first.timestamp())
    while low + 1 < high:
        mid = (low + high) // 2
        if _wall(mid, zone) >= naive:
            high = mid
        else:
            low = mid
    return datetime.fromtimestamp(high, UTC)


def _wall(timestamp: int, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(timestamp, zone).replace(tzinfo=None)


def to_json(recurrence: Recurrence) -> dict[str, object]:
    """The stored form (schedules.recurrence)."""
    if isinstance(recurrence, EveryNDays):
        return {"kind": "every_n_days", "n": recurrence.n,
                "start_date": recurrence.start_date.isoformat()}
    if isinstance(recurrence, Weekly):
        return {"kind": "weekly", "weekdays": sorted(recurrence.weekdays)}
    if isinstance(recurrence, Monthly):
        return {"kind": "monthly", "day_of_month": recurrence.day_of_month}
    return {"kind": "daily"}


def from_json(value: dict[str, Any]) -> Recurrence:
    kind = value.get("kind")
    if kind == "every_n_days":
        return EveryNDays(int(value["n"]), date.fromisoformat(value["start_date"]))
    if kind == "weekly":
        return Weekly(frozenset(int(d) for d in value["weekdays"]))
    if kind == "monthly":
        return Monthly(int(value["day_of_month"]))
    return Daily()


def rule_of(recurrence: dict[str, Any], local_time: str, zone: str) -> Rule:
    """A stored schedule's rule."""
    return Rule(from_json(recurrence), parse_local_time(local_time), parse_zone(zone))
