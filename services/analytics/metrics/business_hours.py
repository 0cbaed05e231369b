"""Business hours: a weekly schedule in a time zone, and how much of a span falls inside it.

Pure functions. A span is cut at each local day's opening and closing time, so a reply written
at 09:30 on Monday to a question asked at 17:30 on Friday took 1 business hour (30 min on
Friday, 30 on Monday). Local times are resolved in the zone on each date, so a DST change moves
the window with the wall clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# A span longer than this is cut to it (a conversation answered after a year is not 2 years
# of loops); the result is then a lower bound, which is what a percentile needs.
MAX_DAYS = 400


class InvalidHours(ValueError):
    """A schedule or zone that cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class DayWindow:
    weekday: int  # 1 = Monday ... 7 = Sunday
    open: time
    close: time | None  # None = midnight at the day's end ("24:00")


@dataclass(frozen=True)
class BusinessHours:
    zone: ZoneInfo
    windows: tuple[DayWindow, ...]

    def window(self, weekday: int) -> DayWindow | None:
        return next((w for w in self.windows if w.weekday == weekday), None)


DEFAULT_WEEK: tuple[dict[str, Any], ...] = tuple(
    {"weekday": d, "open": "09:00", "close": "18:00"} for d in range(1, 6))


def zone(name: str) -> ZoneInfo:
    """The IANA zone `name` ("" = UTC)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: 'Europe' is a folder
        raise InvalidHours(f"unknown time zone {name!r}: use an IANA name such as "
                           "'Europe/Moscow'") from exc


def parse(zone_name: str, days: list[dict[str, Any]] | tuple[dict[str, Any], ...]) -> BusinessHours:
    """A schedule from its stored form; no days = the default Monday-Friday 09:00-18:00."""
    windows: dict[int, DayWindow] = {}
    for day in days or DEFAULT_WEEK:
        weekday = int(day.get("weekday", 0))
        if not 1 <= weekday <= 7:
            raise InvalidHours(f"weekday {weekday} is not 1 (Monday) .. 7 (Sunday)")
        if weekday in windows:
            raise InvalidHours(f"weekday {weekday} is listed twice")
        opens, closes = _clock(str(day.get("open", ""))), _clock(str(day.get("close", "")))
        if opens is None:
            raise InvalidHours("a day cannot open at 24:00")
        if closes is not None and closes <= opens:
            raise InvalidHours(f"weekday {weekday} closes ({day.get('close')}) before it opens "
                               f"({day.get('open')})")
        windows[weekday] = DayWindow(weekday, opens, closes)
    return BusinessHours(zone(zone_name), tuple(windows[d] for d in sorted(windows)))


def _clock(text: str) -> time | None:
    """'HH:MM' -> time; '24:00' -> None (the day's end)."""
    if text == "24:00":
        return None
    try:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise InvalidHours(f"time {text!r} is not HH:MM (00:00 .. 24:00)") from exc


def business_seconds(start: datetime, end: datetime, hours: BusinessHours) -> float:
    """Seconds of [start, end) inside the business hours (0 when end <= start)."""
    if end <= start:
        return 0.0
    end = min(end, start + timedelta(days=MAX_DAYS))
    total = 0.0
    day = start.astimezone(hours.zone).date()
    last = end.astimezone(hours.zone).date()
    while day <= last:
        opened = _open_span(day, hours)
        if opened is not None:
            lo, hi = max(start, opened[0]), min(end, opened[1])
            if hi > lo:
                total += (hi - lo).total_seconds()
        day += timedelta(days=1)
    return total


def _open_span(day: date, hours: BusinessHours) -> tuple[datetime, datetime] | None:
    window = hours.window(day.isoweekday())
    if window is None:
        return None
    opens = datetime.combine(day, window.open, hours.zone)
    closes = (datetime.combine(day, window.close, hours.zone) if window.close is not None
              else datetime.combine(day + timedelta(days=1), time(0), hours.zone))
    return opens, closes
