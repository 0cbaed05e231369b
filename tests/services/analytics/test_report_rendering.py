"""Reports without a database: periods resolved in a zone, values in words, Telegram HTML
escaped and marked partial, the JSON's nulls, the PNG chart."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from clients.rpc.gen.switchboard.analytics.v1 import report_pb2 as pb
from services.analytics.metrics.catalogue import resolve
from services.analytics.metrics.histogram import bucket_of
from services.analytics.metrics.service import Figures
from services.analytics.reports import chart, document, html
from services.analytics.reports.model import Report, Section
from services.analytics.reports.periods import resolve as resolve_period
from services.analytics.reports.values import duration, money
from services.kernel.errors import InvalidArgument

MOSCOW = ZoneInfo("Europe/Moscow")
# Thursday 3 December 2026, 01:30 in Moscow (still Wednesday in UTC).
NOW = datetime(2026, 12, 2, 22, 30, tzinfo=UTC)


def _relative(kind: int) -> pb.ReportPeriod:
    return pb.ReportPeriod(relative=kind)  # type: ignore[arg-type]


@pytest.mark.parametrize(("kind", "first", "last"), [
    (pb.RELATIVE_PERIOD_UNSPECIFIED, date(2026, 12, 2), date(2026, 12, 2)),
    (pb.RELATIVE_PERIOD_YESTERDAY, date(2026, 12, 2), date(2026, 12, 2)),
    (pb.RELATIVE_PERIOD_LAST_7_DAYS, date(2026, 11, 26), date(2026, 12, 2)),
    (pb.RELATIVE_PERIOD_LAST_30_DAYS, date(2026, 11, 3), date(2026, 12, 2)),
    (pb.RELATIVE_PERIOD_PREVIOUS_WEEK, date(2026, 11, 23), date(2026, 11, 29)),
    (pb.RELATIVE_PERIOD_PREVIOUS_MONTH, date(2026, 11, 1), date(2026, 11, 30)),
])
def test_relative_periods_are_whole_local_days(kind: int, first: date, last: date) -> None:
    period = resolve_period(_relative(kind), MOSCOW, NOW)
    assert (period.first, period.last) == (first, last)
    assert period.start == datetime(first.year, first.month, first.day, tzinfo=MOSCOW)
    assert period.start.astimezone(UTC).hour == 21  # Moscow's midnight


def test_periods_to_date_end_now() -> None:
    today = resolve_period(_relative(pb.RELATIVE_PERIOD_TODAY_SO_FAR), MOSCOW, NOW)
    assert (today.first, today.end) == (date(2026, 12, 3), NOW)
    month = resolve_period(_relative(pb.RELATIVE_PERIOD_MONTH_TO_DATE), MOSCOW, NOW)
    assert month.first == date(2026, 12, 1) and len(month.days) == 3


@pytest.mark.parametrize(("start", "end", "words"), [
    ("2026-12-05", "2026-12-01", "before"), ("2025-01-01", "2026-12-01", "366"),
    ("01.12.2026", "2026-12-01", "YYYY-MM-DD")])
def test_bad_date_ranges_are_refused(start: str, end: str, words: str) -> None:
    with pytest.raises(InvalidArgument, match=words):
        resolve_period(pb.ReportPeriod(range=pb.DateRange(from_date=start, to_date=end)),
                       MOSCOW, NOW)


def test_values_in_words() -> None:
    assert [duration(s) for s in (45, 720, 4800, 3600, 183600)] == [
        "45 с", "12 мин", "1 ч 20 мин", "1 ч", "2 дн 3 ч"]
    assert money(123456789) == "1 234 567,89 ₽" and money(-50) == "−0,50 ₽"


def _report(problems: list[str]) -> Report:
    period = resolve_period(_relative(pb.RELATIVE_PERIOD_LAST_7_DAYS), MOSCOW, NOW)
    inbox = Figures()
    inbox.counts["messages_in"] = 1234
    inbox.histograms["first_response"][bucket_of(300)] = 4
    daily = {d: Figures() for d in period.days}
    daily[period.days[2]].counts["messages_in"] = 5
    section = Section("Склад <Юг> & Co", [uuid.uuid4()], inbox, daily,
                      avito={"views": 1500, "balance": None})
    metrics = resolve(["messages_in", "first_response_time", "resolution_time", "views",
                       "balance"])
    return Report(period, "Europe/Moscow", metrics, [section], problems)


def test_telegram_html_escapes_and_says_what_is_missing() -> None:
    text = html.render(_report(["аккаунт 1234abcd: баланс: 403 <forbidden>"]))
    assert "<b>Склад &lt;Юг&gt; &amp; Co</b>" in text
    assert "Сообщений от покупателей: 1 234" in text
    assert "Время первого ответа: медиана 5 мин" in text
    assert "Время до решения: —" in text  # nothing resolved: no zero
    assert "Баланс: нет данных" in text and "Просмотры: 1 500" in text
    assert "<b>Данные неполные:</b>" in text and "403 &lt;forbidden&gt;" in text
    assert "<forbidden>" not in text and "<Юг>" not in text
    assert all(len(line) < 120 for line in text.splitlines())


def test_json_keeps_raw_values_and_nulls() -> None:
    doc = json.loads(document.render(_report([])))
    assert doc["period"]["from_date"] == "2026-11-26" and doc["partial"] is False
    values = doc["sections"][0]["values"]
    assert values["messages_in"] == 1234 and values["balance"] is None
    assert values["resolution_time"] is None
    assert values["first_response_time"]["samples"] == 4
    assert [d["messages_in"] for d in doc["sections"][0]["daily"]] == [0, 0, 5, 0, 0, 0, 0]


def test_the_chart_is_a_png() -> None:
    png = chart.render(_report([]))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (800, 400)
