"""Next-run arithmetic: DST, month ends, weekly sets, every N days; fixed cases and properties
(hypothesis) checked against an independent reading of the rule."""

from __future__ import annotations

import calendar
import functools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.kernel.errors import InvalidArgument
from services.scheduling.recurrence import (
    Daily,
    EveryNDays,
    Monthly,
    Recurrence,
    Rule,
    Weekly,
    next_run,
    parse_local_time,
    parse_zone,
    validate,
    wall_instant,
)

BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")
SANTIAGO, LORD_HOWE = ZoneInfo("America/Santiago"), ZoneInfo("Australia/Lord_Howe")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def rule(recurrence: Recurrence, at: str, zone: ZoneInfo) -> Rule:
    return Rule(recurrence, parse_local_time(at), zone)


def test_daily_at_local_time() -> None:
    moscow = rule(Daily(), "09:00", ZoneInfo("Europe/Moscow"))
    assert next_run(moscow, utc(2026, 12, 3, 5, 0)) == utc(2026, 12, 3, 6, 0)
    assert next_run(moscow, utc(2026, 12, 3, 6, 0)) == utc(2026, 12, 4, 6, 0)  # strictly after


def test_skipped_wall_time_fires_at_the_transition() -> None:
    # Berlin springs forward 2026-03-29 02:00 CET -> 03:00 CEST (01:00 UTC).
    spring = rule(Daily(), "02:30", BERLIN)
    assert next_run(spring, utc(2026, 3, 28, 12)) == utc(2026, 3, 29, 1, 0)
    assert next_run(spring, utc(2026, 3, 29, 1, 0)) == utc(2026, 3, 30, 0, 30)
    # Santiago skips midnight (2026-09-06 00:00 -> 01:00, -04 -> -03).
    midnight = rule(Daily(), "00:15", SANTIAGO)
    assert next_run(midnight, utc(2026, 9, 5, 12)) == utc(2026, 9, 6, 4, 0)
    # Lord Howe moves by half an hour (2026-10-04 02:00 -> 02:30).
    half = rule(Daily(), "02:10", LORD_HOWE)
    assert next_run(half, utc(2026, 10, 3, 0)).astimezone(LORD_HOWE).time() == time(2, 30)


def test_repeated_wall_time_fires_once_at_the_first() -> None:
    # New York falls back 2026-11-01 02:00 EDT -> 01:00 EST: 01:30 happens at 05:30 and 06:30 UTC.
    fall = rule(Daily(), "01:30", NEW_YORK)
    first = next_run(fall, utc(2026, 10, 31, 12))
    assert first == utc(2026, 11, 1, 5, 30)
    assert next_run(fall, first) == utc(2026, 11, 2, 6, 30)  # not the second 01:30
    assert next_run(fall, utc(2026, 11, 1, 6, 0)) == utc(2026, 11, 2, 6, 30)


def test_monthly_day_is_clamped_to_the_month_end() -> None:
    last = rule(Monthly(31), "10:00", ZoneInfo("UTC"))
    runs = [utc(2027, 1, 1)]
    for _ in range(4):
        runs.append(next_run(last, runs[-1]))
    assert [r.date() for r in runs[1:]] == [date(2027, 1, 31), date(2027, 2, 28),
                                             date(2027, 3, 31), date(2027, 4, 30)]
    assert next_run(last, utc(2028, 2, 1)).date() == date(2028, 2, 29)
    assert next_run(rule(Monthly(30), "10:00", ZoneInfo("UTC")),
                    utc(2027, 2, 28, 11)).date() == date(2027, 3, 30)


def test_weekly_set_and_every_n_days() -> None:
    mon_fri = rule(Weekly(frozenset({1, 5})), "09:00", ZoneInfo("UTC"))
    assert next_run(mon_fri, utc(2026, 12, 3)).date() == date(2026, 12, 4)  # Thu -> Fri
    assert next_run(mon_fri, utc(2026, 12, 4, 10)).date() == date(2026, 12, 7)  # -> Mon
    every3 = rule(EveryNDays(3, date(2026, 12, 1)), "09:00", ZoneInfo("UTC"))
    assert next_run(every3, utc(2026, 11, 1)).date() == date(2026, 12, 1)  # not before start
    assert next_run(every3, utc(2026, 12, 1, 10)).date() == date(2026, 12, 4)
    assert next_run(every3, utc(2027, 1, 1)).date() == date(2027, 1, 3)


@pytest.mark.parametrize("value", ["9", "24:00", "12:60", "1200", "ab:cd", "", "12:5", "-1:00"])
def test_bad_local_time_is_refused(value: str) -> None:
    with pytest.raises(InvalidArgument, match="HH:MM"):
        parse_local_time(value)


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "../etc/passwd", "/etc/localtime", "+03",
                                  "Europe"])
def test_unknown_zone_is_refused(name: str) -> None:
    with pytest.raises(InvalidArgument, match="IANA"):
        parse_zone(name)


@pytest.mark.parametrize(("recurrence", "words"), [
    (Weekly(frozenset()), "empty"), (Weekly(frozenset({0, 3})), "1 .Monday"),
    (Monthly(0), "1 to 31"), (Monthly(32), "1 to 31"), (EveryNDays(0, date(2026, 1, 1)), "1 to"),
])
def test_bad_recurrence_is_refused(recurrence: Recurrence, words: str) -> None:
    with pytest.raises(InvalidArgument, match=words):
        validate(recurrence)


# ---- properties ------------------------------------------------------------------------------

ZONES = ["UTC", "Europe/Moscow", "Europe/Berlin", "Europe/Dublin", "America/New_York",
         "America/Santiago", "America/Sao_Paulo", "Australia/Lord_Howe", "Pacific/Apia",
         "Asia/Kolkata", "America/St_Johns"]

recurrences = st.one_of(
    st.just(Daily()),
    st.builds(EveryNDays, st.integers(1, 40), st.dates(date(2000, 1, 1), date(2035, 1, 1))),
    st.builds(Weekly, st.frozensets(st.integers(1, 7), min_size=1)),
    st.builds(Monthly, st.integers(1, 31)),
)
rules = st.builds(Rule, recurrences, st.times().map(lambda t: time(t.hour, t.minute)),
                  st.sampled_from(ZONES).map(ZoneInfo))
instants = st.datetimes(datetime(2000, 1, 1), datetime(2035, 1, 1)).map(
    lambda d: d.replace(tzinfo=UTC))


def fires_on(recurrence: Recurrence, day: date) -> bool:
    """The rule read independently of `firing_days`."""
    if isinstance(recurrence, Daily):
        return True
    if isinstance(recurrence, EveryNDays):
        lag = (day - recurrence.start_date).days
        return lag >= 0 and lag % recurrence.n == 0
    if isinstance(recurrence, Weekly):
        return day.isoweekday() in recurrence.weekdays
    last = calendar.monthrange(day.year, day.month)[1]
    return day.day == min(recurrence.day_of_month, last)


def lands_on_wall_time(r: Rule, instant: datetime) -> bool:
    """At the wall time, at its first occurrence; or, where the day skips it, at the first
    instant whose wall time is past it (the transition)."""
    local = instant.astimezone(r.zone)
    if local.time() == r.local_time:
        return local.fold == 0  # zoneinfo marks the second of a repeated wall time fold=1
    for day in (local.date(), local.date() - timedelta(days=1)):
        wanted = datetime.combine(day, r.local_time)
        before = (instant - timedelta(seconds=1)).astimezone(r.zone).replace(tzinfo=None)
        if before < wanted <= local.replace(tzinfo=None):
            return True
    return False


@settings(max_examples=400, deadline=None)
@given(rules, instants)
def test_next_is_later_lands_on_the_wall_time_and_skips_nothing(r: Rule, after: datetime) -> None:
    result = next_run(r, after)
    assert result > after
    assert lands_on_wall_time(r, result)
    day = after.astimezone(r.zone).date() - timedelta(days=1)
    while day <= result.astimezone(r.zone).date():
        if fires_on(r.recurrence, day):
            instant = wall_instant(day, r.local_time, r.zone)
            assert not after < instant < result, f"{day} at {instant} was skipped"
        day += timedelta(days=1)


@settings(max_examples=300, deadline=None)
@given(rules, instants, st.floats(0, 1))
def test_chaining_is_idempotent(r: Rule, after: datetime, share: float) -> None:
    first = next_run(r, after)
    between = after + (first - after) * share
    assert next_run(r, min(between, first - timedelta(microseconds=1))) == first
    second = next_run(r, first)
    assert second > first
    assert next_run(r, first) == second


@functools.lru_cache(maxsize=256)
def _transitions(zone: str, year: int) -> tuple[datetime, ...]:
    """The UTC hours in `year` at which `zone`'s offset changes (scanned hourly)."""
    tz, found = ZoneInfo(zone), []
    at = datetime(year, 1, 1, tzinfo=UTC)
    previous = at.astimezone(tz).utcoffset()
    while at.year == year:
        at += timedelta(hours=1)
        offset = at.astimezone(tz).utcoffset()
        if offset != previous:
            found.append(at)
        previous = offset
    return tuple(found)


DST_ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Santiago",
             "Europe/Moscow"]  # Moscow: transitions until 2011, none since


@st.composite
def near_transitions(draw: st.DrawFn) -> tuple[Rule, datetime]:
    """A rule in a zone with DST and an instant up to two days before one of its transitions:
    where skipped and repeated wall times are."""
    zone = draw(st.sampled_from(DST_ZONES))
    transitions = _transitions(zone, draw(st.integers(2000, 2035)))
    if not transitions:
        transitions = (datetime(2020, 6, 1, tzinfo=UTC),)
    when = draw(st.sampled_from(transitions))
    after = when - timedelta(minutes=draw(st.integers(0, 48 * 60)))
    at = draw(st.times()).replace(second=0, microsecond=0)
    # Often the very wall times around the transition: those a gap or a fold touches.
    if draw(st.booleans()):
        local = when.astimezone(ZoneInfo(zone))
        at = (local - timedelta(minutes=draw(st.integers(-90, 90)))).time().replace(
            second=0, microsecond=0)
    return Rule(draw(recurrences), at, ZoneInfo(zone)), after


@settings(max_examples=300, deadline=None)
@given(near_transitions())
def test_around_dst_transitions_the_rule_holds(case: tuple[Rule, datetime]) -> None:
    r, after = case
    result = next_run(r, after)
    assert result > after and lands_on_wall_time(r, result)
    assert next_run(r, result - timedelta(microseconds=1)) == result
    day = after.astimezone(r.zone).date() - timedelta(days=1)
    while day <= result.astimezone(r.zone).date():
        if fires_on(r.recurrence, day):
            assert not after < wall_instant(day, r.local_time, r.zone) < result
        day += timedelta(days=1)
