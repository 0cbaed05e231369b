"""A section's value of each metric, raw (for JSON) and as Russian text (for HTML)."""

from __future__ import annotations

from typing import Any

from services.analytics.metrics.catalogue import Metric
from services.analytics.metrics.service import DurationStat
from services.analytics.reports.model import Section

DURATIONS = {"first_response_time": "first_response", "reply_time": "reply",
             "resolution_time": "resolution"}
COUNTS = {"unanswered", "waiting"}
NO_DATA = "нет данных"


def raw(section: Section, metric: Metric) -> Any:
    """int, a duration's dict, or None (not fetched / nothing to measure)."""
    if metric.source == "avito":
        return section.avito.get(metric.key)
    f = section.inbox
    if metric.key in COUNTS:
        return f.unanswered if metric.key == "unanswered" else f.waiting
    if metric.key in DURATIONS:
        name = DURATIONS[metric.key]
        stat = f.duration(name)
        if stat.median_s is None:
            return None
        out: dict[str, Any] = _stat(stat)
        if name != "resolution":
            out["business_hours"] = _stat(f.duration(f"{name}_business"))
        return out
    return f.counts[metric.key]


def _stat(stat: DurationStat) -> dict[str, Any]:
    return {"median_s": round(stat.median_s or 0, 1), "p90_s": round(stat.p90_s or 0, 1),
            "samples": stat.samples}


def text(section: Section, metric: Metric) -> str:
    value = raw(section, metric)
    if value is None:
        return "—" if metric.source == "inbox" else NO_DATA
    if isinstance(value, dict):
        line = f"медиана {duration(value['median_s'])}, 90% до {duration(value['p90_s'])}"
        business = value.get("business_hours")
        if business and business["samples"]:
            line += f" (в рабочее время {duration(business['median_s'])})"
        return line
    if metric.unit == "rub":
        return money(int(value))
    return f"{int(value):,}".replace(",", " ")


def duration(seconds: float) -> str:
    """'45 с', '12 мин', '1 ч 20 мин', '2 дн 3 ч' (rounded to the last unit shown)."""
    if seconds < 59.5:
        return f"{round(seconds)} с"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} мин"
    if minutes < 24 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours} ч {rest} мин" if rest else f"{hours} ч"
    days, hours = divmod(round(seconds / 3600), 24)
    return f"{days} дн {hours} ч" if hours else f"{days} дн"


def money(kopecks: int) -> str:
    rubles, cents = divmod(abs(kopecks), 100)
    sign = "−" if kopecks < 0 else ""
    whole = f"{rubles:,}".replace(",", " ")
    return f"{sign}{whole},{cents:02d} ₽"
