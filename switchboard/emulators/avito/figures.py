"""Deterministic statistics of the emulator's listings: every figure of an item on a day is a
small formula of `(item_id + day.toordinal())`, so a test can work out by hand what the
statistics endpoints (research §5.3-§5.6) must answer. Pure, no HTTP.

With `s = item_id + day.toordinal()`:

| figure | formula |
|---|---|
| uniqViews (v2 `views`) | 20 + s % 17 |
| views (deprecated v1 counter) | uniqViews + s % 5 |
| uniqContacts (v2 `contacts`) | uniqViews // 6 |
| uniqFavorites (v2 `favorites`) | s % 4 |
| impressions | 4 × uniqViews |
| presence spending, kopecks | 500 + 100 × (s % 5) |
| promotion spending, kopecks | 1500 when s is even, else 0 |
| calls (`new` too) | s % 3 |
| answered (`newAnswered` too) | calls, less one when calls is 2 |
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta

# How far back Avito keeps statistics (days; research §5.3-§5.5).
DEPTH_DAYS = 270
# Documented v2 metric slugs the emulator computes; other documented ones are omitted from
# answers, as Avito omits metrics unavailable to the account.
V2_METRICS = ("views", "contacts", "contactsShowPhone", "contactsMessenger", "favorites",
              "impressions", "allSpending", "spending", "presenceSpending", "promoSpending",
              "restSpending", "commission")
SPENDING_TYPES = ("all", "promotion", "presence", "commission", "rest")


def _s(item_id: int, day: date) -> int:
    return item_id + day.toordinal()


def counters(item_id: int, day: date) -> dict[str, int]:
    """Stats v1's counters of one item on one day."""
    s = _s(item_id, day)
    uniq_views = 20 + s % 17
    return {"uniqViews": uniq_views, "views": uniq_views + s % 5,
            "uniqContacts": uniq_views // 6, "contacts": uniq_views // 6,
            "uniqFavorites": s % 4, "favorites": s % 4}


def spending(item_id: int, day: date) -> dict[str, int]:
    """Kopecks spent on one item on one day, by spending type."""
    s = _s(item_id, day)
    presence, promotion = 500 + 100 * (s % 5), 1500 if s % 2 == 0 else 0
    return {"presence": presence, "promotion": promotion, "commission": 0, "rest": 0,
            "all": presence + promotion}


def calls(item_id: int, day: date) -> dict[str, int]:
    total = _s(item_id, day) % 3
    answered = total - 1 if total == 2 else total
    return {"calls": total, "answered": answered, "new": total, "newAnswered": answered}


def analytics(item_id: int, day: date) -> dict[str, int]:
    """Stats v2's metrics of one item on one day."""
    c, spent = counters(item_id, day), spending(item_id, day)
    contacts = c["uniqContacts"]
    paid = spent["presence"] + spent["promotion"]
    return {"views": c["uniqViews"], "contacts": contacts,
            "contactsShowPhone": contacts - contacts // 2, "contactsMessenger": contacts // 2,
            "favorites": c["uniqFavorites"], "impressions": 4 * c["uniqViews"],
            "allSpending": spent["all"], "spending": paid, "presenceSpending": spent["presence"],
            "promoSpending": spent["promotion"], "restSpending": 0, "commission": 0}


def days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def period_start(day: date, grouping: str) -> date:
    """The first day of the day's week (Monday) or month; the day itself for `day`."""
    if grouping == "week":
        return day - timedelta(days=day.weekday())
    if grouping == "month":
        return day.replace(day=1)
    return day


def summed(rows: Iterable[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for row in rows:
        for key, value in row.items():
            total[key] = total.get(key, 0) + value
    return total
