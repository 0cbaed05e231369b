"""`StatisticsSource`: the Avito figures a report shows, read from the cache.

An account a report names for the first time is registered for refreshing and refreshed at
once (its lease keeps the loop off it meanwhile); later reports read what the loop keeps
fresh. Whatever the cache lacks — a day not fetched, a balance Avito refused — makes the
account's figures `partial`, with each reason in `problems`; a missing figure is None (a sum
covers only the days present), never a zero.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from services.analytics.avito.models import AvitoBalances, AvitoDaily, AvitoRefresh
from services.analytics.avito.refresh import AvitoRefresher, avito_today
from services.analytics.repository import AnalyticsUnit
from services.kernel.unit import Units

# Report keys -> the cache's daily column; money in kopecks.
DAILY_KEYS = {"views": "views", "contacts": "contacts", "favorites": "favorites",
              "spending": "spending_kopecks", "calls": "calls"}
BALANCE_KEYS = ("balance", "cpa_balance")
KEYS = (*DAILY_KEYS, *BALANCE_KEYS)
FIRST_DEADLINE_S = 30.0  # the first refresh of an account, inside a report
_TITLES = {"views": "просмотры", "contacts": "контакты", "favorites": "избранное",
           "spending": "расходы", "calls": "звонки", "balance": "баланс",
           "cpa_balance": "CPA-баланс"}


@dataclass
class AvitoFigures:
    """One account's figures over a range (or several accounts', combined)."""

    values: dict[str, int | None]  # key -> value; spending and balances in kopecks
    problems: list[str] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        return bool(self.problems)


class StatisticsSource:
    def __init__(self, units: Units[AnalyticsUnit], refresher: AvitoRefresher) -> None:
        self._units, self._refresher = units, refresher

    async def figures(self, tenant_id: uuid.UUID, channel_ids: Sequence[uuid.UUID],
                      first: date, last: date,
                      keys: Iterable[str] = KEYS) -> dict[uuid.UUID, AvitoFigures]:
        """Per account: each key asked (of `KEYS`) over the Avito days first..last."""
        wanted = [k for k in KEYS if k in set(keys)]
        await self._first_refresh(tenant_id, channel_ids)
        async with self._units(tenant_id) as unit:
            states = {s.channel_id: s for s in await unit.avito.states(channel_ids)}
            days = await unit.avito.days(channel_ids, first, last)
            balances = {b.channel_id: b for b in await unit.avito.balances(channel_ids)}
        expected = _expected_days(first, last, avito_today(datetime.now(UTC)))
        return {c: _account(wanted, expected, [d for d in days if d.channel_id == c],
                            balances.get(c), states.get(c)) for c in channel_ids}

    async def _first_refresh(self, tenant_id: uuid.UUID,
                             channel_ids: Sequence[uuid.UUID]) -> None:
        now = datetime.now(UTC)
        lease = now + timedelta(seconds=self._refresher.settings.lease_s)
        async with self._units(tenant_id) as unit:
            known = {s.channel_id for s in await unit.avito.states(channel_ids)}
            new = [c for c in channel_ids if c not in known]
            await unit.avito.register(new, lease)  # leased: the loop leaves them to us
        # Side by side, and short enough to leave the report its time (RenderReport: 60 s);
        # one not done by then is the loop's once its lease ends.
        await asyncio.gather(*(self._refresher.refresh(tenant_id, c, None, FIRST_DEADLINE_S)
                               for c in new))


def _expected_days(first: date, last: date, today: date) -> list[date]:
    """The range's days Avito can have figures for (none after its today)."""
    days, day = [], first
    while day <= min(last, today):
        days.append(day)
        day += timedelta(days=1)
    return days


def _account(keys: list[str], expected: list[date], days: list[AvitoDaily],
             balances: AvitoBalances | None, state: AvitoRefresh | None) -> AvitoFigures:
    figures = AvitoFigures({})
    by_day = {d.day: d for d in days}
    why = _why(state)
    for key in keys:
        if key in DAILY_KEYS:
            column = DAILY_KEYS[key]
            present = [getattr(by_day[d], column) for d in expected
                       if d in by_day and getattr(by_day[d], column) is not None]
            missing = [d for d in expected if d not in by_day
                       or getattr(by_day[d], column) is None]
            figures.values[key] = sum(present) if present else None
            if missing:
                figures.problems.append(f"{_TITLES[key]}: нет данных за {_span(missing)}{why}")
        else:
            value = None if balances is None else (
                balances.real_kopecks if key == "balance" else balances.cpa_kopecks)
            figures.values[key] = value
            if value is None:
                figures.problems.append(f"{_TITLES[key]}: нет данных{why}")
    return figures


def _why(state: AvitoRefresh | None) -> str:
    if state is None or not state.problems:
        return ""
    return " (" + "; ".join(state.problems) + ")"


def _span(days: list[date]) -> str:
    if len(days) == 1:
        return days[0].isoformat()
    return f"{days[0].isoformat()}…{days[-1].isoformat()} ({len(days)} дн.)"
