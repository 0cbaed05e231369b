"""Statistics (research §5.3-§5.6, item.json) and the CPA balance (§2.4, cpa.json), with the
figures of figures.py. Days after the emulator's today (Moscow's) have no statistics yet; a range
reaching further back than Avito keeps (270 days) is a validation error."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header

from switchboard.emulators.avito import figures
from switchboard.emulators.avito.emulator import Emulator, EmulatorDep
from switchboard.emulators.avito.errors import validation_error
from switchboard.emulators.avito.guard import authorized
from switchboard.emulators.avito.model import Account, Item
from switchboard.emulators.avito.stats_schemas import (
    AnalyticsBody,
    CallsBody,
    ItemStatsBody,
    SpendingsBody,
)

router = APIRouter()
_V1_DEFAULT_FIELDS = ("uniqViews", "uniqContacts", "uniqFavorites")
MOSCOW = timedelta(hours=3)


def today(emulator: Emulator) -> date:
    """Avito's days are Moscow's (UTC+3, no DST)."""
    return (datetime.fromtimestamp(emulator.clock.now(), UTC) + MOSCOW).date()


def _days(emulator: Emulator, first: date, last: date) -> list[date]:
    """The range's days that have statistics; too deep a range is refused."""
    now = today(emulator)
    if first < now - timedelta(days=figures.DEPTH_DAYS):
        raise validation_error({"dateFrom": f"statistics are kept {figures.DEPTH_DAYS} days"})
    return list(figures.days(first, min(last, now)))


@router.post("/stats/v1/accounts/{user_id}/items")
async def item_stats(
    body: ItemStatsBody, account: Annotated[Account, Depends(authorized("item_stats"))],
    emulator: EmulatorDep,
) -> dict[str, Any]:
    """Per item, per day (or week/month, dated by its first day); other sellers' and unknown
    ids are left out."""
    days = _days(emulator, body.date_from, body.date_to)
    fields = body.fields or _V1_DEFAULT_FIELDS
    items = []
    for item_id in dict.fromkeys(body.item_ids):
        if item_id not in account.items:
            continue
        periods = _grouped(days, body.period_grouping,
                           lambda day, i=item_id: figures.counters(i, day))
        items.append({"itemId": item_id, "stats": [
            {"date": start.isoformat(), **{f: totals[f] for f in fields}}
            for start, totals in periods]})
    return {"result": {"items": items}, "errors": {}}


@router.post("/stats/v2/accounts/{user_id}/items")
async def item_analytics(
    body: AnalyticsBody, account: Annotated[Account, Depends(authorized("item_analytics"))],
    emulator: EmulatorDep,
) -> dict[str, Any]:
    """Groupings by totals, item or period (`id` = the period's first midnight, unix UTC);
    metrics the emulator does not compute are omitted."""
    days = _days(emulator, body.date_from, body.date_to)
    metrics = [m for m in dict.fromkeys(body.metrics) if m in figures.V2_METRICS]
    categories = body.filter.category_ids if body.filter else None
    items = [i for i in account.items.values() if not categories or i.category_id in categories]
    groupings = [{"id": key, "type": body.grouping,
                  "metrics": [{"slug": m, "value": totals.get(m, 0)} for m in metrics]}
                 for key, totals in _analytics(items, days, body.grouping)]
    if body.sort is not None:
        groupings.sort(key=lambda g: _metric(g, body.sort.key if body.sort else ""),
                       reverse=body.sort.order == "desc")
    offset = body.offset or 0
    limit = body.limit or 1000  # null or 0: Avito's largest page
    stamp = datetime.fromtimestamp(emulator.clock.now(), UTC).strftime("%Y-%m-%d %H:%M:%S")
    return {"result": {"dataTotalCount": len(groupings),
                       "groupings": groupings[offset:offset + limit], "timestamp": stamp}}


def _analytics(items: list[Item], days: list[date],
               grouping: str) -> list[tuple[int, dict[str, int]]]:
    if grouping == "totals":
        return [(0, figures.summed(figures.analytics(i.id, d) for i in items for d in days))]
    if grouping == "item":
        return [(i.id, figures.summed(figures.analytics(i.id, d) for d in days)) for i in items]
    periods = _grouped(days, grouping, lambda day: figures.summed(
        figures.analytics(i.id, day) for i in items))
    return [(_midnight(start), totals) for start, totals in periods]


def _metric(grouping: dict[str, Any], slug: str) -> float:
    return next((m["value"] for m in grouping["metrics"] if m["slug"] == slug), 0)


@router.post("/stats/v2/accounts/{user_id}/spendings")
async def spendings(
    body: SpendingsBody, account: Annotated[Account, Depends(authorized("spendings"))],
    emulator: EmulatorDep,
) -> dict[str, Any]:
    """Amounts in kopecks, as the document's prose says (its schema says rubles)."""
    days = _days(emulator, body.date_from, body.date_to)
    wanted = body.filter.item_ids if body.filter else None
    items = [i for i in account.items.values() if not wanted or i.id in wanted]
    types = list(dict.fromkeys(body.spending_types))
    periods = _grouped(days, body.grouping, lambda day: figures.summed(
        figures.spending(i.id, day) for i in items))
    return {"result": {"timestamp": int(emulator.clock.now()), "groupings": [
        {"date": start.isoformat(), "type": body.grouping,
         "spendings": [_spending(slug, totals.get(slug, 0)) for slug in types]}
        for start, totals in periods]}}


def _spending(slug: str, value: int) -> dict[str, Any]:
    services = [{"slug": "vas_highlight", "value": value}] if slug == "promotion" and value else []
    return {"slug": slug, "value": value, "services": services}


@router.post("/core/v1/accounts/{user_id}/calls/stats/")
@router.post("/core/v1/accounts/{user_id}/calls/stats", include_in_schema=False)
async def calls_stats(
    body: CallsBody, account: Annotated[Account, Depends(authorized("calls_stats"))],
    emulator: EmulatorDep,
) -> dict[str, Any]:
    days = _days(emulator, body.date_from, body.date_to)
    ids = body.item_ids if body.item_ids else list(account.items)
    return {"result": {"items": [
        {"itemId": item_id, "employeeId": 0, "days": [
            {"date": day.isoformat(), **figures.calls(item_id, day)} for day in days]}
        for item_id in dict.fromkeys(ids) if item_id in account.items]}}


@router.post("/cpa/v3/balanceInfo")
async def cpa_balance(
    account: Annotated[Account, Depends(authorized("cpa_balance"))],
    body: Annotated[Any, Body()] = None,
    x_source: Annotated[str | None, Header(alias="X-Source")] = None,
) -> dict[str, Any]:
    """Kopecks, may be negative. Avito asks for the literal `{}` and an `X-Source` header."""
    if not x_source:
        raise validation_error({"X-Source": "the header is required"})
    if body != {}:
        raise validation_error({"body": "pass {} as the request body"})
    return {"balance": account.balance_cpa}


def _grouped(days: Iterable[date], grouping: str,
             figure: Any) -> list[tuple[date, dict[str, int]]]:
    """`figure(day)` summed per period, periods in order."""
    periods: dict[date, list[dict[str, int]]] = {}
    for day in days:
        periods.setdefault(figures.period_start(day, grouping), []).append(figure(day))
    return [(start, figures.summed(rows)) for start, rows in periods.items()]


def _midnight(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
