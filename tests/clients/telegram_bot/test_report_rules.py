"""The report commands' pure rules: /stats periods, which accounts a chat is bound to, a
schedule described, a long report cut at line ends."""

from __future__ import annotations

from switchboard_sdk import (
    Period,
    Recurrence,
    RecurrenceKind,
    ReportSpec,
    Schedule,
    ScheduleDestination,
)

from clients.telegram_bot.console import report_phrases as say
from clients.telegram_bot.console.schedule_dialog import spec
from clients.telegram_bot.group.stats import StatsPeriod, bound_accounts, parse_period


def _schedule(chat: int, accounts: list[str] | None, kind: RecurrenceKind = RecurrenceKind.DAILY,
              **recurrence: object) -> Schedule:
    return Schedule(id="s", name="<Утро>", recurrence=Recurrence(kind, **recurrence),  # type: ignore[arg-type]
                    local_time="09:00", time_zone="Europe/Moscow",
                    destination=ScheduleDestination.telegram(chat),
                    report=ReportSpec(channel_ids=accounts))


def test_stats_periods_words_numbers_and_dates() -> None:
    assert parse_period(None) == StatsPeriod(relative=Period.YESTERDAY)
    assert parse_period(" Сегодня ") == StatsPeriod(relative=Period.TODAY_SO_FAR)
    assert parse_period("7") == StatsPeriod(relative=Period.LAST_7_DAYS)
    assert parse_period("месяц") == StatsPeriod(relative=Period.PREVIOUS_MONTH)
    assert parse_period("2026-11-01 2026-11-30") == StatsPeriod(from_date="2026-11-01",
                                                               to_date="2026-11-30")
    assert parse_period("01.11.2026-30.11.2026") == StatsPeriod(from_date="2026-11-01",
                                                               to_date="2026-11-30")
    assert parse_period("05.11.2026") == StatsPeriod(from_date="2026-11-05", to_date="2026-11-05")
    assert parse_period("когда-нибудь") is None and parse_period("8") is None
    assert parse_period("2026-13-01") is None and parse_period("31.02.2026") is None


def test_a_chat_is_bound_by_the_schedules_that_deliver_there_or_by_being_the_group() -> None:
    schedules = [_schedule(-1, ["a", "b"]), _schedule(-1, ["b", "c"]), _schedule(-2, ["z"])]
    assert bound_accounts(schedules, -1, None) == ["a", "b", "c"]
    assert bound_accounts([*schedules, _schedule(-1, None)], -1, None) == []  # every account
    assert bound_accounts(schedules, -3, None) is None
    assert bound_accounts(schedules, -3, -3) == []  # the managers' group: every account


def test_schedules_described_in_russian_and_escaped() -> None:
    weekly = _schedule(5, None, RecurrenceKind.WEEKLY, weekdays=[5, 1])
    assert say.recurrence(weekly) == "по пн, пт в 09:00 (Europe/Moscow)"
    assert say.recurrence(_schedule(5, None, RecurrenceKind.MONTHLY, day_of_month=31)).startswith(
        "ежемесячно, 31-го")
    text = say.schedule(weekly, [], [], here=5, group=None)
    assert "&lt;Утро&gt;" in text and "Куда: этот чат" in text and "все аккаунты" in text


def test_a_long_report_is_cut_at_line_ends() -> None:
    html = "\n".join(f"<b>строка {i}</b>" for i in range(100))
    pieces = say.pieces(html, limit=200)
    assert all(len(p) <= 200 for p in pieces) and "\n".join(pieces) == html
    assert all(p.startswith("<b>") and p.endswith("</b>") for p in pieces)


def test_the_dialogs_answers_make_the_schedule() -> None:
    made = spec({"accounts": [], "metrics": ["messages_in"], "kind": "weekly",
                 "weekdays": ["1", "5"], "time": "09:30", "zone": "Asia/Yekaterinburg",
                 "period": "previous_week"}, chat_id=-100)
    assert made.recurrence == Recurrence(RecurrenceKind.WEEKLY, weekdays=[1, 5])
    assert made.destination == ScheduleDestination.telegram(-100)
    assert made.report == ReportSpec(channel_ids=None, metrics=["messages_in"],
                                     relative=Period.PREVIOUS_WEEK, time_zone="Asia/Yekaterinburg")
    assert made.local_time == "09:30" and made.name == "Отчёт: прошлая неделя, 09:30"
